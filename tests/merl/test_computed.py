import datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from jaring.merl import computed
from jaring.merl.models import Indicator
from jaring.merl.periods import Period, periods_between
from jaring.merl.values import REGION, Request, country_table, indicator_queryset, with_region
from tests.intel.factories import submit
from tests.merl.factories import publish

DAY = datetime.date(2025, 2, 10)


def _table(codes, countries=("SG", "TH"), first="2025-01", last="2025-03",
           frequency="quarter", dimension=None):
    indicators = list(indicator_queryset().filter(code__in=codes))
    req = Request(tuple(countries), Period.parse(first), Period.parse(last), frequency,
                  dimension=dimension)
    return with_region(indicators, country_table(indicators, req), frequency)


def test_a_new_report_shows_in_the_indicator_at_once(framework):
    wallet = ("crypto_wallet", "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE")
    submit("SG", wallet, reported_on=DAY.isoformat(), victim_sex="F")
    assert _table(["SCAM.REPORTS"])[("SCAM.REPORTS", "SG", "2025-Q1", "")] == 1
    assert _table(["SCAM.XB_REPORTS"]).get(("SCAM.XB_REPORTS", "SG", "2025-Q1", ""), 0) == 0
    submit("TH", wallet, reported_on=DAY.isoformat(), loss_amount="3500", loss_currency="THB")
    table = _table(["SCAM.REPORTS", "SCAM.XB_REPORTS", "SCAM.XB_CAMPAIGNS", "SCAM.XB_SHARE",
                    "SCAM.LOSS_USD"], dimension="*")
    assert table[("SCAM.XB_REPORTS", REGION, "2025-Q1", "")] == 2
    assert table[("SCAM.XB_CAMPAIGNS", "TH", "2025-Q1", "")] == 1
    assert table[("SCAM.XB_SHARE", REGION, "2025-Q1", "")] == 100
    assert table[("SCAM.REPORTS", "SG", "2025-Q1", "sex=F")] == 1
    assert table[("SCAM.REPORTS", "TH", "2025-Q1", "scam-type=investment")] == 1
    assert table[("SCAM.LOSS_USD", "TH", "2025-Q1", "")] > 0


def test_formula_over_reported_values_and_regional_ratio_of_sums(framework):
    publish("SG", "2025-Q1", ("VA.IDENTIFIED", "SG", "2025-Q1", "10"),
            ("VA.REFERRED", "SG", "2025-Q1", "5"))
    publish("TH", "2025-Q1", ("VA.IDENTIFIED", "TH", "2025-Q1", "90"),
            ("VA.REFERRED", "TH", "2025-Q1", "90"))
    table = _table(["VA.REFERRAL_RATE"])
    assert table[("VA.REFERRAL_RATE", "SG", "2025-Q1", "")] == 50
    assert table[("VA.REFERRAL_RATE", REGION, "2025-Q1", "")] == 95  # 95 / 100, not (50+100)/2


def test_time_aggregation_by_the_indicators_rule(framework):
    for q, v in (("2025-Q1", "4"), ("2025-Q2", "6")):
        publish("SG", q, ("VA.REPATRIATED", "SG", q, v))
    table = _table(["VA.REPATRIATED"], countries=("SG",), first="2025", last="2025",
                   frequency="year")
    assert table[("VA.REPATRIATED", "SG", "2025", "")] == 10
    Indicator.objects.filter(code="VA.REPATRIATED").update(aggregation="latest")
    table = _table(["VA.REPATRIATED"], countries=("SG",), first="2025", last="2025",
                   frequency="year")
    assert table[("VA.REPATRIATED", "SG", "2025", "")] == 6


def test_drafts_are_not_published(framework):
    from tests.merl.factories import enter, officer

    enter(officer("SG"), ("VA.REPATRIATED", "SG", "2025-Q1", "4"))
    assert _table(["VA.REPATRIATED"]) == {}


def test_registering_a_computation_is_all_it_takes(framework):
    @computed.computed("test.constant", dimensions=("sex",))
    def constant(q):
        """Seven per country and period."""
        for country in q.countries:
            for period in q.periods:
                yield country, str(period), "", Decimal(7)

    try:
        rows = computed.evaluate("test.constant", computed.Query(
            ("SG",), tuple(periods_between(Period.parse("2025-01"), Period.parse("2025-03"),
                                           "month"))))
        assert [r[1] for r in rows] == ["2025-01", "2025-02", "2025-03"]
    finally:
        computed._REGISTRY.pop("test.constant")


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 12), st.integers(0, 9)), max_size=40))
def test_monthly_buckets_add_up_to_the_year(months):
    periods = periods_between(Period.parse("2025-01"), Period.parse("2025-12"), "quarter")
    rows = [("SG", datetime.date(2025, m, 1), "", v) for m, v in months]
    by_quarter = list(computed.bucketed(rows, periods))
    assert sum(r[3] for r in by_quarter) == sum(v for _, v in months)


def test_totals_summed_from_the_breakdown_equal_totals_read_alone(framework):
    wallet = ("crypto_wallet", "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE")
    submit("SG", wallet, reported_on=DAY.isoformat(), victim_sex="F", loss_amount="120.10",
           loss_currency="USD")
    submit("SG", reported_on="2025-03-02", victim_sex="M")
    submit("SG", reported_on="2025-03-03", loss_amount="0.35", loss_currency="USD")
    submit("TH", wallet, reported_on="2025-01-31", loss_amount="3500", loss_currency="THB")
    periods = tuple(periods_between(Period.parse("2025-01"), Period.parse("2025-03"), "month"))
    keys = ("intel.reports", "intel.cross_border_reports", "intel.loss_usd")
    alone = {key: sorted(computed.evaluate(key, computed.Query(("SG", "TH"), periods)))
             for key in keys}
    with computed.evaluation():
        for key in keys:
            computed.evaluate(key, computed.Query(("SG", "TH"), periods, "scam-type"))
        derived = {key: sorted(computed.evaluate(key, computed.Query(("SG", "TH"), periods)))
                   for key in keys}
    assert derived == alone
    assert len(alone["intel.reports"]) == 3 and len(alone["intel.loss_usd"]) == 3


def test_cross_border_campaigns_count_each_country_in_the_campaign_month_first_seen(framework):
    from jaring.intel.models import Campaign, CampaignMember

    mule = ("bank_account", "Maybank 1234 5678 9012")
    wallet = ("crypto_wallet", "TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE")
    phone = ("phone", "+66 81 234 5678")
    submit("SG", mule, reported_on="2025-01-20")
    submit("MY", mule, reported_on="2025-02-03")
    submit("TH", wallet, phone, reported_on="2025-02-14")
    submit("SG", wallet, reported_on="2025-03-01")
    submit("TH", phone, reported_on="2025-03-09")  # joins the wallet's campaign
    submit("VN", ("url", "https://shop-only-here.vn/pay"), reported_on="2025-02-01")
    periods = tuple(periods_between(Period.parse("2025-01"), Period.parse("2025-03"), "month"))
    # By hand, from each active campaign's members.
    expected: dict[tuple[str, str], int] = {}
    for campaign in Campaign.objects.filter(status="active"):
        countries = set(CampaignMember.objects.filter(campaign=campaign)
                        .values_list("country_id", flat=True))
        if len(countries) > 1:
            for country in countries:
                key = (country, f"{campaign.first_seen:%Y-%m}")
                expected[key] = expected.get(key, 0) + 1
    assert expected == {("SG", "2025-01"): 1, ("MY", "2025-01"): 1,
                        ("TH", "2025-02"): 1, ("SG", "2025-02"): 1}
    for countries in (("SG", "MY", "TH", "VN"), ("TH",), ("VN",)):
        found = {(country, period): int(value) for country, period, _, value in
                 computed.evaluate("intel.cross_border_campaigns",
                                   computed.Query(countries, periods))}
        assert found == {k: n for k, n in expected.items() if k[0] in countries}
