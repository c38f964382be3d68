"""Each viewer's figures count exactly what the sharing rules let them see."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jaring.identity.roles import Role
from jaring.intel import visibility
from jaring.intel.models import FraudReport
from jaring.intel.sharing import REGION_WIDE
from jaring.overview import dashboard, figures, intel_figures
from jaring.overview.figures import ASSISTANCE, REGION, Context, Figure, Panel, Table
from jaring.overview.periods import parse_period
from tests.overview.factories import campaign, registered, report

pytestmark = pytest.mark.django_db
Y2025 = parse_period("2025")


@pytest.fixture
def world():
    campaign("2025-02-03", "SG", "TH", "MY")  # green, region-wide
    campaign("2025-03-03", "TH", "VN", tlp="red")  # no other country may see it
    report("SG", "2025-01-10", tlp="red", loss="500")
    report("TH", "2025-04-01", tlp="amber", loss="700")  # TH only
    report("TH", "2024-03-10", loss="250")
    report("MY", "2026-01-02")  # after the period


def _values(user, scope=REGION, period=Y2025):
    return {s.key: s for s in figures.headline(Context(user, period), scope)}


def _expected(user, period=Y2025, **filters):
    rows = intel_figures.basis(user).filter(reported_on__gte=period.start,
                                            reported_on__lte=period.end, **filters)
    return rows.count(), sum((r.loss_usd or Decimal(0) for r in rows), Decimal(0))


def test_analyst_counts_own_reports_and_what_others_share(world, user_of):
    analyst = user_of(Role.INTEL_ANALYST, "SG")
    shown = _values(analyst)
    count, loss = _expected(analyst)
    # SG's three green/red reports plus TH and MY's green ones; not TH/VN red, not TH amber.
    assert count == 4
    assert shown["intel.reports"].value == count
    assert shown["intel.losses"].value == loss == Decimal("3500")
    assert shown["intel.campaigns"].value == 1
    assert shown["intel.reports"].url.startswith("/intel/reports/?since=2025-01-01")
    assert set(visibility.visible_reports(analyst).values_list("pk", flat=True)) >= set(
        intel_figures.basis(analyst).values_list("pk", flat=True))


def test_thai_analyst_sees_own_red_campaign(world, user_of):
    analyst = user_of(Role.INTEL_ANALYST, "TH")
    shown = _values(analyst)
    assert shown["intel.campaigns"].value == 2
    links = intel_figures.stats(Context(analyst, Y2025)).links()
    assert links == {("MY", "SG"): 1, ("MY", "TH"): 1, ("SG", "TH"): 1, ("TH", "VN"): 1}
    assert _values(analyst, "TH")["intel.reports"].value == FraudReport.objects.filter(
        country_id="TH", reported_on__year=2025).count()


@pytest.mark.parametrize("country", ["SG", None])
def test_others_count_only_region_wide_reports(world, user_of, country):
    viewer = user_of(Role.CASEWORKER if country else Role.VIEWER, country)
    shown = _values(viewer)
    expected = FraudReport.objects.filter(tlp__in=REGION_WIDE, reported_on__year=2025).count()
    assert shown["intel.reports"].value == expected == 3
    assert "intel.alerts" not in shown  # alerts need the intelligence grant
    assert shown["intel.reports"].url is None  # no intelligence pages to link to
    # The red TH-VN campaign stays unknown: only the green one crosses borders.
    assert intel_figures.stats(Context(viewer, Y2025)).links() == {
        ("MY", "SG"): 1, ("MY", "TH"): 1, ("SG", "TH"): 1}
    assert "share region-wide" in dashboard.build(viewer, Y2025).notes[0]


def test_change_against_the_previous_period(world, user_of):
    viewer = user_of(Role.VIEWER, None)
    shown = _values(viewer)["intel.reports"]
    assert (shown.value, shown.previous, shown.change, shown.direction) == (3, 1, "+200.0%", "up")


def test_country_scope_and_partners(world, user_of):
    analyst = user_of(Role.INTEL_ANALYST, "TH")
    board = dashboard.build(analyst, Y2025, "TH")
    assert board.partners == [("MY", 1), ("SG", 1), ("VN", 1)]
    assert {s.key: s.value for s in board.headline}["intel.campaigns"] == 2
    # Thailand's own 2025 reports: green and red campaign members and the amber one.
    assert board.types == [{"name": "Investment scam", "reports": 3, "loss_usd": 2700.0}]
    assert [m["reports"] for m in board.trend if m["reports"]] == [1, 1, 1]


def _people(ctx, scope):
    counts = {"SG": 3, "TH": 0, "MY": 9}
    return sum(counts.values()) if scope == REGION else counts.get(scope, 0)


PEOPLE = Figure("test.people", "People helped", "people", "test", "overview.view",
                _people, dimension=ASSISTANCE, counts_people=True, order=50)


def test_a_registered_people_count_goes_through_disclosure_control(world, user_of,
                                                                   monkeypatch):
    monkeypatch.setenv("JARING_DISCLOSURE_THRESHOLD", "5")
    viewer = user_of(Role.VIEWER, None)
    assert "test.people" not in _values(viewer)  # not registered: not listed
    with registered(PEOPLE):
        region = _values(viewer)["test.people"]
        singapore = _values(viewer, "SG")["test.people"]
        thailand = _values(viewer, "TH")["test.people"]
        malaysia = _values(viewer, "MY")["test.people"]
        on_map = figures.map_values(Context(viewer, Y2025), PEOPLE, ["SG", "TH", "MY"])
        notes = dashboard.build(viewer, Y2025).notes
    assert (region.text, region.suppressed) == ("12", False)
    assert (singapore.text, singapore.suppressed, singapore.change) == ("fewer than 5", True, "")
    assert thailand.text == "0"
    # Malaysia's 9 would give Singapore's 3 away (12 - 9 - 0): it is withheld too.
    assert (malaysia.text, malaysia.suppressed) == ("withheld", True)
    assert on_map == {"SG": None, "TH": 0, "MY": None}
    assert any("fewer than 5" in note for note in notes)


def test_a_figure_needs_its_permission(world, user_of):
    secret = Figure("test.secret", "Secret", "things", "test", "audit.view",
                    lambda ctx, scope: 1)
    with registered(secret):
        assert "test.secret" in _values(user_of(Role.ADMINISTRATOR, "SG"))
        assert "test.secret" not in _values(user_of(Role.VIEWER, "SG"))


def test_panels_appear_where_they_are_placed(user_of):
    scorecard = Panel("merl.scorecard", "Scorecard", "merl", "overview.view",
                      lambda ctx, scope: Table(["Indicator", "Status"], [["1.1", scope]]),
                      places=frozenset({"country"}))
    viewer = user_of(Role.VIEWER, "SG")
    with registered(scorecard):
        assert dashboard.build(viewer, Y2025, "TH", place="country").panels[0][1].rows == [
            ["1.1", "TH"]]
        assert dashboard.build(viewer, Y2025, REGION, place="overview").panels == []


def test_registering_checks_permission_and_dimension():
    with pytest.raises(KeyError):
        figures.register(Figure("x", "X", "n", "x", "no.such", lambda c, s: 1))
    with pytest.raises(ValueError, match="dimension"):
        figures.register(Figure("x", "X", "n", "x", "overview.view", lambda c, s: 1,
                                dimension="weather"))
