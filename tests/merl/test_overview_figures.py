"""The MERL part on the regional overview: indicators on track, scorecard panels."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jaring.identity.roles import Role
from jaring.overview import dashboard, figures, report
from jaring.overview.figures import REGION, Context
from jaring.overview.periods import parse_period
from tests.factories import make_user
from tests.merl.factories import publish

pytestmark = pytest.mark.django_db
Y2025 = parse_period("2025")


@pytest.fixture
def scores(framework):
    # CY.LEGAL: baseline 2.5 (2023), target 4 (2028), so 3.1 for 2025 on the line.
    publish("SG", "2025", ("CY.LEGAL", "SG", "2025", "3.5"), ("CY.TRAINED", "SG", "2025", "3"),
            ("CY.TECHNICAL", "SG", "2025", "4"))
    publish("TH", "2025", ("CY.LEGAL", "TH", "2025", "2.6"))


def _headline(user, scope, period=Y2025):
    return {s.key: s for s in figures.headline(Context(user, period), scope)}


def _panel(user, place, scope, key, period=Y2025):
    board = dashboard.build(user, period, scope, place=place)
    found = [table for panel, table in board.panels if panel.key == key]
    return found[0] if found else None


def test_indicators_on_track_per_country_and_region(scores):
    viewer = make_user(Role.VIEWER, "MY")
    assert _headline(viewer, "SG")["merl.on_track"].text == "1"  # 3.5 is past 3.1
    assert _headline(viewer, "TH")["merl.on_track"].text == "0"  # 2.6: 17% of the way
    # The region averages the scores (3.05, 92% of the way) and is on track.
    assert _headline(viewer, REGION)["merl.on_track"].text == "1"
    shown = _headline(viewer, "SG")["merl.on_track"]
    assert shown.figure.dimension == figures.GOVERNANCE and not shown.figure.counts_people
    # Nothing was measured against a target in 2024: nothing to say, no change.
    assert (shown.previous, shown.change) == (None, "")
    assert _headline(viewer, "VN")["merl.on_track"].value is None


def test_country_panel_shows_the_scorecard_with_counts_suppressed(scores, monkeypatch):
    monkeypatch.setenv("JARING_DISCLOSURE_THRESHOLD", "5")
    viewer = make_user(Role.VIEWER, "MY")
    table = _panel(viewer, "country", "SG", "merl.scorecard.country")
    assert table.columns == ["Indicator", "Value", "Target", "Progress", "Status"]
    rows = {row[0].split()[0]: row for row in table.rows}
    assert rows["CY.LEGAL"][1:] == ["3.5", "3.1", "167%", "On track"]
    assert rows["CY.TRAINED"][1] == "fewer than 5"
    assert rows["CY.TRAINED"][3:] == ["-", "-"]
    assert "ILLUSTRATIVE" in table.note
    assert _panel(viewer, "country", REGION, "merl.scorecard.country") is None
    assert _panel(viewer, "overview", REGION, "merl.scorecard.country") is None


def test_progress_report_carries_regional_and_country_scorecards(scores):
    viewer = make_user(Role.VIEWER, None)
    data, _ = report.build(viewer, "progress", Y2025, REGION)
    assert "Regional results framework scorecard" in [p["title"] for p in data["panels"]]
    singapore = next(c for c in data["countries"] if c["code"] == "SG")
    assert "Results framework scorecard" in [p["title"] for p in singapore["panels"]]
    # A country's own progress report does not repeat its scorecard as a regional one.
    data, _ = report.build(viewer, "progress", Y2025, "SG")
    assert "Regional results framework scorecard" not in [p["title"] for p in data["panels"]]


def test_assessment_lists_governance_capacity_only(scores):
    viewer = make_user(Role.VIEWER, None)
    table = _panel(viewer, "security", "SG", "merl.governance")
    assert table is not None
    assert {row[0].split()[0] for row in table.rows} <= {
        "CY.LEGAL", "CY.TECHNICAL", "CY.ORGANISATIONAL", "CY.TRAINED", "CY.COOPERATION"}
    assert "CY.LEGAL" in {row[0].split()[0] for row in table.rows}
    data, _ = report.build(viewer, "security", Y2025, "SG")
    governance = next(d for d in data["dimensions"] if d["key"] == figures.GOVERNANCE)
    assert [p["title"] for p in governance["panels"]] == ["Cybersecurity governance capacity"]
    assert "merl" in [s["part"] for s in data["sources"]]


def test_scorecards_cost_a_fixed_number_of_queries(scores):
    viewer = make_user(Role.VIEWER, None)
    figure = figures.REGISTRY.figures["merl.on_track"]
    ctx = Context(viewer, parse_period("2025-Q2"))
    with CaptureQueriesContext(connection) as first:
        figure.value(ctx, REGION)
    with CaptureQueriesContext(connection) as rest:
        figures.map_values(ctx, figure, list(dashboard.member_states()))
        figure.value(ctx.for_period(ctx.period.previous()), "SG")  # Q1: the same year
    assert len(first) <= 15
    assert len(rest) == 1  # the member-state list the map asks for itself


def test_scorecard_link_only_for_merl_viewers(scores):
    shown = _headline(make_user(Role.VIEWER, "SG"), "SG")["merl.on_track"]
    assert shown.url == "/merl/scorecard/?area=SG&year=2025"
    assert _headline(make_user(Role.CASEWORKER, "SG"), "SG")["merl.on_track"].url is None


def test_open_data_page_lists_merl_downloads(client, db):
    html = client.get("/overview/open-data/").content.decode()
    assert 'href="/merl/open-data/">MERL indicator values' in html
    assert "SDMX-CSV 2.0" in html
