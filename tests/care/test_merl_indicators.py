"""The assistance part's computed MERL indicators over the live case tables."""

from __future__ import annotations

import datetime
import statistics
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jaring.care.identification import refresh_identified_on
from jaring.care.models import Referral, Screening, ServiceDelivery, Transfer
from jaring.care.services import workflow
from jaring.identity.roles import Role
from jaring.merl import computed
from jaring.merl.periods import Period
from jaring.merl.values import REGION, Request, country_table, indicator_queryset, with_region
from tests.care.factories import PRESUMED, in_services, new_case, provider, staff, supervisor_for
from tests.merl.factories import framework as load_framework

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def framework(db):
    return load_framework()


@pytest.fixture
def team():
    worker = staff(Role.CASEWORKER, "SG")
    return worker, supervisor_for(worker)


def _table(codes, first, last, frequency, countries=("SG", "TH"), dimension=None):
    indicators = list(indicator_queryset().filter(code__in=codes))
    req = Request(tuple(countries), Period.parse(first), Period.parse(last), frequency,
                  dimension=dimension)
    return with_region(indicators, country_table(indicators, req), frequency)


def _victim(team, screened: datetime.date, *, services=(), referred: datetime.date | None = None,
            sex: str = "female"):
    """A presumed victim screened on ``screened``, with services delivered on given days."""
    case = in_services(*team)
    case.registered_on = D(2024, 1, 1)
    case.save(update_fields=["registered_on"])
    case.person.sex = sex
    case.person.save(update_fields=["sex"])
    Screening.objects.filter(case=case).update(screened_on=screened)
    refresh_identified_on([case.pk])  # the screening's date was rewritten behind the services
    plan = workflow.current_plan(case)
    for service_type, day in services:
        ServiceDelivery.objects.create(case=case, plan=plan, service_type=service_type,
                                       delivered_on=day, recorded_by=team[0])
    if referred is not None:
        Referral.objects.create(
            case=case, provider=provider("SG", ("shelter",)), service_type="shelter",
            sent_by=team[0],
            sent_at=datetime.datetime.combine(referred, datetime.time(23, 30),
                                              tzinfo=datetime.UTC))
    return case


def test_a_new_case_screening_and_service_show_at_once(framework, team):
    today = timezone.localdate()
    month = f"{today.year}-{today.month:02d}"
    codes = ["VA.C_IDENTIFIED", "VA.C_ASSISTED", "VA.C_REPATRIATED"]

    def value(code, key=""):
        return _table(codes, month, month, "month", dimension="sex").get(
            (code, "SG", month, key), 0)

    assert value("VA.C_IDENTIFIED") == 0
    case = new_case(team[0])
    assert value("VA.C_IDENTIFIED") == 0  # registered, not yet screened
    workflow.screen(team[0], case, **PRESUMED)
    assert value("VA.C_IDENTIFIED") == 1
    assert value("VA.C_IDENTIFIED", "sex=F") == 1
    assert value("VA.C_ASSISTED") == 0
    workflow.assess(team[0], case, notes="Wants to go home.", risk_level="medium")
    plan = workflow.propose_plan(team[0], case, [{"service_type": "repatriation",
                                                  "goal": "Home"}])
    workflow.approve_plan(team[1], plan)
    workflow.record_service(team[0], case, service_type="repatriation", delivered_on=today)
    assert value("VA.C_ASSISTED") == 1
    assert value("VA.C_REPATRIATED") == 1
    assert value("VA.C_REPATRIATED", "sex=F") == 1


def test_people_are_counted_once_per_whole_period(framework, team):
    _victim(team, D(2025, 1, 5), services=[("shelter", D(2025, 1, 6)),
                                           ("shelter", D(2025, 2, 6)),
                                           ("medical", D(2025, 2, 7))], sex="male")
    months = _table(["VA.C_ASSISTED"], "2025-01", "2025-03", "month", dimension="sex")
    quarter = _table(["VA.C_ASSISTED"], "2025-Q1", "2025-Q1", "quarter", dimension="sex")
    assert months[("VA.C_ASSISTED", "SG", "2025-01", "")] == 1
    assert months[("VA.C_ASSISTED", "SG", "2025-02", "")] == 1
    assert quarter[("VA.C_ASSISTED", "SG", "2025-Q1", "")] == 1  # one person, not two
    assert quarter[("VA.C_ASSISTED", "SG", "2025-Q1", "sex=M")] == 1
    assert quarter[("VA.C_ASSISTED", REGION, "2025-Q1", "")] == 1


def test_share_and_median_are_computed_on_the_whole_period(framework, team):
    # Referred on day 5 and repatriated after 10 days.
    _victim(team, D(2025, 1, 5), referred=D(2025, 1, 10),
            services=[("repatriation", D(2025, 1, 15))])
    # First help after 28 days (too late for the share); repatriated after 20 days.
    _victim(team, D(2025, 2, 1), services=[("shelter", D(2025, 3, 1)),
                                           ("repatriation", D(2025, 2, 21))])
    # Referred on the 14th day, late in the evening: still in time; repatriated after 40.
    _victim(team, D(2025, 3, 1), referred=D(2025, 3, 15),
            services=[("repatriation", D(2025, 4, 10))])
    # Identified, never helped.
    _victim(team, D(2025, 3, 20))
    codes = ["VA.C_REFERRED_14D", "VA.C_DAYS_TO_REPATRIATION"]
    months = _table(codes, "2025-01", "2025-04", "month")
    quarter = _table(codes, "2025-Q1", "2025-Q2", "quarter")
    share, days = "VA.C_REFERRED_14D", "VA.C_DAYS_TO_REPATRIATION"
    assert [months.get((share, "SG", m, "")) for m in ("2025-01", "2025-02", "2025-03")] == [
        100, 0, 50]
    assert quarter[(share, "SG", "2025-Q1", "")] == 50  # 2 of 4
    assert months[(days, "SG", "2025-01", "")] == 10
    assert months[(days, "SG", "2025-02", "")] == 20
    assert months[(days, "SG", "2025-04", "")] == 40
    assert quarter[(days, "SG", "2025-Q1", "")] == 15  # median of 10 and 20
    year = _table(codes, "2025", "2025", "year")
    assert year[(days, "SG", "2025", "")] == 20  # median of 10, 20, 40; months' mean is 23.3
    assert year[(share, REGION, "2025", "")] == 50


def test_the_quarter_share_is_not_an_average_of_months(framework, team):
    _victim(team, D(2025, 1, 5), referred=D(2025, 1, 6))
    for day in (2, 3, 4):
        _victim(team, D(2025, 2, day))
    months = _table(["VA.C_REFERRED_14D"], "2025-01", "2025-02", "month")
    quarter = _table(["VA.C_REFERRED_14D"], "2025-Q1", "2025-Q1", "quarter")
    assert months[("VA.C_REFERRED_14D", "SG", "2025-01", "")] == 100
    assert months[("VA.C_REFERRED_14D", "SG", "2025-02", "")] == 0
    assert quarter[("VA.C_REFERRED_14D", "SG", "2025-Q1", "")] == 25  # 1 of 4, not 50


def test_region_share_is_weighted_by_people_identified(framework, team):
    _victim(team, D(2025, 1, 5), referred=D(2025, 1, 6))
    th = staff(Role.CASEWORKER, "TH")
    th_team = (th, supervisor_for(th))
    for day in (2, 3, 4):
        _victim(th_team, D(2025, 1, day))
    table = _table(["VA.C_REFERRED_14D"], "2025-Q1", "2025-Q1", "quarter")
    assert table[("VA.C_REFERRED_14D", "SG", "2025-Q1", "")] == 100
    assert table[("VA.C_REFERRED_14D", "TH", "2025-Q1", "")] == 0
    assert table[("VA.C_REFERRED_14D", REGION, "2025-Q1", "")] == 25


def test_countries_asked_for_are_respected(framework, team):
    _victim(team, D(2025, 1, 5), services=[("repatriation", D(2025, 1, 9))])
    query = computed.Query(("TH",), (Period.parse("2025-Q1"),))
    for key in ("care.victims_identified", "care.victims_assisted", "care.repatriations",
                "care.referred_within_14_days_share",
                "care.median_days_screening_to_repatriation"):
        assert computed.evaluate(key, query) == []
        sg = computed.evaluate(key, computed.Query(("SG",), (Period.parse("2025-Q1"),)))
        assert [row[:3] for row in sg] == [("SG", "2025-Q1", "")], key


def test_a_transferred_person_is_identified_once(framework, team):
    case = _victim(team, D(2025, 1, 5))
    th = staff(Role.CASEWORKER, "TH")
    received = new_case(th)
    Screening.objects.create(case=received, indicators={}, elements={}, reasons=[],
                             result=Screening.Result.PRESUMED_VICTIM,
                             screened_on=D(2025, 1, 5), screened_by=th)
    refresh_identified_on([received.pk])
    Transfer.objects.create(package_id="p-1", case=case, from_country_id="SG",
                            to_country_id="TH", to_organisation=th.organisation,
                            package_enc="x", sent_by=team[0], state=Transfer.State.ACCEPTED,
                            received_case=received)
    table = _table(["VA.C_IDENTIFIED"], "2025-Q1", "2025-Q1", "quarter")
    assert table[("VA.C_IDENTIFIED", "SG", "2025-Q1", "")] == 1
    assert ("VA.C_IDENTIFIED", "TH", "2025-Q1", "") not in table
    assert table[("VA.C_IDENTIFIED", REGION, "2025-Q1", "")] == 1


def test_median_value_is_exact_decimal(framework, team):
    _victim(team, D(2025, 1, 5), services=[("repatriation", D(2025, 1, 8))])
    _victim(team, D(2025, 1, 5), services=[("repatriation", D(2025, 1, 9))])
    table = _table(["VA.C_DAYS_TO_REPATRIATION"], "2025-01", "2025-01", "month")
    assert table[("VA.C_DAYS_TO_REPATRIATION", "SG", "2025-01", "")] == Decimal("3.5")


def test_a_referral_on_the_fifteenth_day_is_late(framework, team):
    _victim(team, D(2025, 1, 5), referred=D(2025, 1, 20))
    _victim(team, D(2025, 1, 5), services=[("shelter", D(2025, 1, 20))])
    _victim(team, D(2025, 1, 5), services=[("shelter", D(2025, 1, 19))])
    table = _table(["VA.C_REFERRED_14D"], "2025-01", "2025-01", "month")
    assert round(table[("VA.C_REFERRED_14D", "SG", "2025-01", "")], 4) == round(
        Decimal(100) / 3, 4)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.integers(min_value=0, max_value=364), max_size=4), min_size=1,
                max_size=4),
       st.sampled_from(["month", "quarter", "semester", "year"]))
def test_people_assisted_match_a_count_by_hand_for_any_period(framework, team, days, frequency):
    ServiceDelivery.objects.all().delete()
    start = D(2025, 1, 1)
    expected: dict[str, set[int]] = {}
    for offsets in days:
        case = _victim(team, start, services=[
            ("shelter", start + datetime.timedelta(days=d)) for d in offsets])
        for d in offsets:
            period = str(Period.parse((start + datetime.timedelta(days=d)).strftime("%Y-%m"))
                         .in_frequency(frequency))
            expected.setdefault(period, set()).add(case.pk)
    first = Period.parse("2025-01").in_frequency(frequency)
    last = Period.parse("2025-12").in_frequency(frequency)
    table = _table(["VA.C_ASSISTED"], str(first), str(last), frequency, countries=("SG",))
    got = {cell[2]: value for cell, value in table.items()
           if cell[1] == "SG" and cell[3] == ""}
    assert got == {period: len(cases) for period, cases in expected.items()}


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=500),
                          st.lists(st.integers(min_value=0, max_value=700), max_size=3)),
                min_size=1, max_size=4),
       st.sampled_from(["month", "quarter", "year"]))
def test_median_days_match_a_computation_by_hand(framework, team, people, frequency):
    """Repatriations before identification, before the periods asked for and after them,
    several per person: the median still comes from each person's first repatriation on
    or after identification, in the period that holds it."""
    ServiceDelivery.objects.all().delete()
    origin = D(2024, 6, 1)
    first = Period.parse("2025-01").in_frequency(frequency)
    last = Period.parse("2025-12").in_frequency(frequency)
    expected: dict[str, list[int]] = {}
    for identified, repatriated in people:
        screened = origin + datetime.timedelta(days=identified)
        days = [origin + datetime.timedelta(days=d) for d in repatriated]
        _victim(team, screened, services=[("repatriation", day) for day in days])
        after = [day for day in days if day >= screened]
        if after and first.start <= min(after) <= last.end:
            period = str(Period.parse(min(after).strftime("%Y-%m")).in_frequency(frequency))
            expected.setdefault(period, []).append((min(after) - screened).days)
    table = _table(["VA.C_DAYS_TO_REPATRIATION"], str(first), str(last), frequency,
                   countries=("SG",))
    got = {cell[2]: value for cell, value in table.items()
           if cell[:2] == ("VA.C_DAYS_TO_REPATRIATION", "SG")}
    assert got == {period: Decimal(str(statistics.median(values)))
                   for period, values in expected.items()}
