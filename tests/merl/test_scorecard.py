from decimal import Decimal

from jaring.merl import charts
from jaring.merl.models import Indicator, TargetValue
from jaring.merl.scorecard import _line, scorecard, status_of
from tests.merl.factories import publish


def test_targets_interpolate_from_the_baseline():
    points = {(2023, "baseline"): Decimal(60), (2028, "target"): Decimal(95)}
    assert _line(points, 2025) == (Decimal(60), Decimal(74))
    assert _line(points, 2028) == (Decimal(60), Decimal(95))
    assert _line({(2028, "target"): Decimal(5)}, 2025) == (None, None)


def test_status_rule_in_both_directions(framework):
    higher = Indicator(direction="higher")
    lower = Indicator(direction="lower")
    assert status_of(higher, Decimal(73), Decimal(60), Decimal(74))[1] == "on_track"
    assert status_of(higher, Decimal(70), Decimal(60), Decimal(74))[1] == "at_risk"
    assert status_of(higher, Decimal(61), Decimal(60), Decimal(74))[1] == "off_track"
    assert status_of(lower, Decimal(82), Decimal(100), Decimal(80))[1] == "on_track"
    assert status_of(lower, Decimal(95), Decimal(100), Decimal(80))[1] == "off_track"
    assert status_of(higher, None, None, Decimal(1))[1] == "no_data"
    assert status_of(higher, Decimal(3), None, None)[1] == "no_target"


def test_country_and_regional_scorecards(framework):
    publish("SG", "2025-Q1", ("VA.IDENTIFIED", "SG", "2025-Q1", "40"),
            ("VA.REFERRED", "SG", "2025-Q1", "30"))
    publish("TH", "2025-Q1", ("VA.IDENTIFIED", "TH", "2025-Q1", "60"),
            ("VA.REFERRED", "TH", "2025-Q1", "30"))
    rows = {r.indicator.code: r for r in scorecard("SG", 2025)}
    rate = rows["VA.REFERRAL_RATE"]
    # SG has no target of its own: the regional line 60 -> 95 gives 74 for 2025.
    assert rate.value == 75 and rate.target == 74 and rate.status == "on_track"
    assert rows["VA.IDENTIFIED"].status == "no_target"
    assert rows["CY.LEGAL"].status == "no_data"
    region = {r.indicator.code: r for r in scorecard("XR", 2025)}
    assert region["VA.REFERRAL_RATE"].value == 60 and region["VA.REFERRAL_RATE"].status == \
        "off_track"
    TargetValue.objects.create(indicator=rate.indicator, country_id="SG", year=2025,
                               kind="target", value=90)
    assert {r.indicator.code: r for r in scorecard("SG", 2025)}["VA.REFERRAL_RATE"].status == \
        "at_risk"


def test_charts_are_vega_lite(framework):
    publish("SG", "2025-Q1", ("VA.IDENTIFIED", "SG", "2025-Q1", "40"),
            ("VA.IDENTIFIED", "SG", "2025-Q1", "25", "sex=F"))
    indicator = Indicator.objects.get(code="VA.IDENTIFIED")
    spec = charts.trend(indicator, "SG", 2024, 2025)
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite")
    assert {"period": "2025-Q1", "area": "SG", "value": 40.0} in spec["data"]["values"]
    assert charts.comparison(indicator, 2025)["data"]["values"] == [{"country": "SG",
                                                                      "value": 40.0}]
    values = charts.breakdown(indicator, "SG", 2025)["data"]["values"]
    assert {"dimension": "sex", "code": "F", "value": 25.0} in values
