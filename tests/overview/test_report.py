from __future__ import annotations

import pytest
from typer.testing import CliRunner

from jaring.cli.main import app
from jaring.identity.roles import Role
from jaring.overview import report
from jaring.overview.figures import ASSISTANCE, Figure
from jaring.overview.periods import parse_period
from tests.overview.factories import campaign, registered

pytestmark = pytest.mark.django_db
Q1 = parse_period("2025-Q1")


@pytest.fixture
def world():
    campaign("2025-02-03", "SG", "TH", "MY")
    campaign("2024-11-03", "SG", "VN")


def test_same_data_and_parameters_give_the_same_bytes(world, user_of):
    user = user_of(Role.INTEL_ANALYST, "SG")
    first = report.render(user, "progress", Q1, "SG")
    assert first.startswith(b"%PDF") and first == report.render(user, "progress", Q1, "SG")
    campaign("2025-03-01", "SG", "PH")
    assert report.render(user, "progress", Q1, "SG") != first


def test_progress_report_has_a_page_per_member_state(world, user_of):
    data, svgs = report.build(user_of(Role.VIEWER, None), "progress", Q1, "region")
    assert [c["code"] for c in data["countries"]] == [
        "BN", "ID", "KH", "LA", "MM", "MY", "PH", "SG", "TH", "TL", "VN"]
    thailand = next(c for c in data["countries"] if c["code"] == "TH")
    assert {r["key"]: r["text"] for r in thailand["figures"]}["intel.reports"] == "1"
    assert [p["name"] for p in thailand["partners"]] == ["Malaysia", "Singapore"]
    assert set(svgs) == {"map", "trend"} and all(s.startswith("<svg") for s in svgs.values())
    region = {r["key"]: r for r in data["figures"]}
    assert (region["intel.reports"]["text"], region["intel.reports"]["previous_text"]) == (
        "3", "2")


def test_security_assessment_states_sources_rules_and_coverage(world, user_of):
    user = user_of(Role.VIEWER, "SG")
    data, _ = report.build(user, "security", Q1, "region")
    dimensions = {d["key"]: d for d in data["dimensions"]}
    assert [r["key"] for r in dimensions["scale"]["figures"]] == ["intel.reports", "intel.losses"]
    # The assistance part's figures, all zero here: no cases in this world.
    assert {r["key"]: r["text"] for r in dimensions["assistance"]["figures"]} == {
        "care.assisted": "0", "care.identified": "0", "care.repatriations": "0"}
    assert {s["part"] for s in data["sources"]} == {"intel", "care"}
    assert any("fewer than 5" in rule for rule in data["rules"])
    assisted = Figure("test.assisted", "People helped", "people", "test", "overview.view",
                      lambda ctx, scope: 2, dimension=ASSISTANCE, counts_people=True)
    with registered(assisted):
        data, _ = report.build(user, "security", Q1, "region")
    assistance = next(d for d in data["dimensions"] if d["key"] == "assistance")
    shown = {r["key"]: r["text"] for r in assistance["figures"]}
    assert shown["test.assisted"] == "fewer than 5"


def test_cli_writes_the_report_and_refuses_bad_options(world, tmp_path, user_of):
    runner = CliRunner()
    out = tmp_path / "q1.pdf"
    result = runner.invoke(app, ["report", "--kind", "security", "--period", "2025-Q1",
                                 "--scope", "th", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    analyst = user_of(Role.INTEL_ANALYST, "SG")
    mine = tmp_path / "mine.pdf"
    result = runner.invoke(app, ["report", "--period", "2025-Q1", "--scope", "SG",
                                 "--as", analyst.username, "--out", str(mine)])
    assert result.exit_code == 0, result.output
    assert mine.read_bytes() == report.render(analyst, "progress", Q1, "SG")
    for args, message in [
        (["--period", "2025-13"], "period '2025-13'"),
        (["--scope", "XX"], "--scope 'XX'"),
        (["--kind", "poem"], "kind 'poem'"),
        (["--as", "nobody"], "--as 'nobody'"),
        (["--out", str(tmp_path / "x.txt")], "must end in .pdf"),
    ]:
        result = runner.invoke(app, ["report", *args])
        assert result.exit_code == 1, args
        assert message in result.output and "Traceback" not in result.output
