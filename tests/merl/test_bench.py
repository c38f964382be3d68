"""`jaring bench merl`: the cases it seeds feed every assistance indicator."""

from __future__ import annotations

import datetime
import random

import pytest

from jaring.bench.harness import BenchContext
from jaring.care.bench import WEIGHTS, Assistance, _seed
from jaring.care.models import Case, Referral, Screening, ServiceDelivery, ServiceType
from jaring.identity.roles import OrganisationKind
from jaring.merl.models import Indicator
from jaring.merl.periods import Period
from jaring.merl.values import Request, country_table, indicator_queryset
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(framework):
    for country in WEIGHTS:
        OrganisationFactory(country_id=country, kind=OrganisationKind.SOCIAL_WELFARE)
    assistance = Assistance(random.Random(2))
    _seed(400, random.Random(1), BenchContext(console=None), days=3 * 365,
          with_batch=assistance)
    return assistance


def test_related_rows_follow_their_case(seeded):
    today = datetime.date.today()
    assert Case.objects.count() == 400
    screenings = list(Screening.objects.select_related("case"))
    # Most cases are screened, mostly as presumed victims, and counted as seeded.
    assert 300 <= len(screenings) == seeded.counts["screenings"] < 400
    presumed = sum(s.result == Screening.Result.PRESUMED_VICTIM for s in screenings)
    assert presumed > len(screenings) / 2
    for s in screenings:
        assert s.case.registered_on <= s.screened_on <= today
    deliveries = list(ServiceDelivery.objects.select_related("plan", "case"))
    assert len(deliveries) == seeded.counts["deliveries"] > 400
    for d in deliveries:
        assert d.plan.case_id == d.case_id and d.delivered_on <= today
        assert d.service_type in d.plan.service_types
        assert d.provider.country_id == d.case.country_id
    repatriated = [d for d in deliveries if d.service_type == ServiceType.REPATRIATION]
    assert 0 < len(repatriated) == seeded.counts["repatriations"]
    assert all(Screening.objects.filter(case=d.case, result=Screening.Result.PRESUMED_VICTIM,
                                        screened_on__lte=d.delivered_on).exists()
               for d in repatriated)
    referrals = list(Referral.objects.select_related("case"))
    assert 0 < len(referrals) == seeded.counts["referrals"]
    assert all(r.sent_at.date() <= today for r in referrals)


def test_every_care_indicator_has_values_over_the_36_months(seeded):
    today = datetime.date.today()
    months = today.year * 12 + today.month - 1 - 35
    req = Request(tuple(WEIGHTS), Period(months // 12, months % 12 + 1, "month"),
                  Period(today.year, today.month, "month"), "year")
    care = list(indicator_queryset().filter(source=Indicator.Source.COMPUTED,
                                            computed_key__startswith="care."))
    assert len(care) == 5
    table = country_table(care, req)
    for indicator in care:
        values = [v for (code, *_), v in table.items() if code == indicator.code]
        assert values and any(values), indicator.code


@pytest.mark.slow
def test_bench_merl_reports_every_figure(tmp_path):
    from tests.cli.conftest import run_jaring

    database = f"sqlite:///{tmp_path / 'kept.sqlite3'}"
    # The second run measures the database the first one built, as it is.
    for _ in range(2):
        result = run_jaring("bench", "merl", "--reports", "300", "--cases", "300",
                            "--database", database, cwd=tmp_path, timeout=300)
        assert result.returncode == 0, result.stderr
        for figure in ("Computed indicators", "300 reports", "300 cases",
                       "Country scorecard page p95", "DHIS2 dataValueSets import"):
            assert figure in result.stdout
