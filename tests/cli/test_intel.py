"""`jaring intel …` in process, on the test database."""

import csv
import json

import pytest
from typer.testing import CliRunner

from jaring.cli.main import app
from jaring.intel.models import Campaign, FraudReport
from jaring.intel.synthetic import COUNTRY_WEIGHTS
from tests.intel.factories import centre

pytestmark = pytest.mark.django_db


@pytest.fixture
def centres():
    return {c: centre(c) for c in COUNTRY_WEIGHTS}


def invoke(*args):
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    assert "Traceback" not in result.output
    return result


def test_generate_is_deterministic(tmp_path):
    first, second, other = (tmp_path / n for n in ("a.jsonl", "b.jsonl", "c.jsonl"))
    for path, seed in ((first, "4"), (second, "4"), (other, "5")):
        result = invoke("intel", "generate", "--reports", "50", "--out", str(path),
                        "--seed", seed, "--start", "2026-01-01")
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()
    records = [json.loads(line) for line in first.read_text().splitlines()]
    assert len(records) == 50
    assert all(r["indicators"] for r in records)
    # In the order reported, over a year from the start.
    dates = [r["reported_on"] for r in records]
    assert dates == sorted(dates)
    assert dates[0] == "2026-01-01" and "2026-12-01" < dates[-1] <= "2026-12-31"


def test_import_rebuild_and_export(tmp_path, centres):
    path = tmp_path / "reports.jsonl"
    invoke("intel", "generate", "--reports", "300", "--out", str(path), "--start", "2025-01-01")
    result = invoke("intel", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "300 reports accepted, 0 rejected" in result.output
    again = invoke("intel", "import", str(path))
    assert "imported before" in again.output
    assert FraudReport.objects.count() == 300
    campaigns = set(Campaign.objects.filter(status="active").values_list("anchor_report_id",
                                                                         flat=True))
    assert campaigns
    rebuilt = invoke("intel", "rebuild")
    assert rebuilt.exit_code == 0 and f"Rebuilt: {len(campaigns)} campaigns" in rebuilt.output
    out = tmp_path / "out.misp.json"
    exported = invoke("intel", "export", "--format", "misp", "--out", str(out),
                      "--country", "SG", "--since", "2025-01-01")
    assert exported.exit_code == 0, exported.output
    event = json.loads(out.read_text())["Event"]
    assert all(tag["name"] != "victim" for tag in event["Tag"])


def test_rejected_rows_are_listed_with_line_and_field(tmp_path, centres):
    path = tmp_path / "reports.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["country", "organisation", "reference", "reported_on", "scam_type",
                         "tlp", "indicator_kind", "indicator_value", "indicator_role"])
        org = centres["SG"].short_name
        writer.writerow(["SG", org, "R1", "2026-02-01", "investment", "green", "phone",
                         "+65 9123 4567", "caller"])
        writer.writerow(["SG", org, "R1", "", "", "", "phone", "12", "caller"])
        writer.writerow(["SG", org, "R2", "2026-13-01", "investment", "green", "", "", ""])
    rejects = tmp_path / "rejects.csv"
    result = invoke("intel", "import", str(path), "--rejects", str(rejects))
    assert result.exit_code == 0, result.output
    assert "1 reports accepted, 1 rejected" in result.output
    rows = list(csv.DictReader(rejects.open()))
    assert {(r["line"], r["field"]) for r in rows} == {("3", "indicator_value"),
                                                       ("4", "reported_on")}


def test_bad_invocations_are_one_line(tmp_path):
    missing = invoke("intel", "import", str(tmp_path / "nope.jsonl"))
    assert missing.exit_code == 1 and "is not a file" in missing.output
    wrong = invoke("intel", "import", str(tmp_path), "--format", "xml")
    assert wrong.exit_code == 1 and "--format must be one of" in wrong.output
    no_campaign = invoke("intel", "export", "--format", "stix", "--out",
                         str(tmp_path / "x.json"), "--campaign", "C-999999")
    assert no_campaign.exit_code == 1 and "no campaign" in no_campaign.output
