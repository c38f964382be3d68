"""The stored identification day (``Case.identified_on``) matches the screenings."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jaring.care.identification import refresh_identified_on
from jaring.care.models import Case, Screening
from jaring.care.services import workflow
from jaring.identity.roles import Role
from tests.care.factories import PRESUMED, new_case, staff

pytestmark = pytest.mark.django_db

NOT_A_VICTIM = {"indicators": {}, "elements": {}}


def test_the_screening_service_sets_the_day_of_the_first_presumed_victim_screening():
    worker = staff(Role.CASEWORKER, "SG")
    case = new_case(worker)
    workflow.screen(worker, case, **NOT_A_VICTIM)
    assert Case.objects.get(pk=case.pk).identified_on is None
    workflow.screen(worker, case, **PRESUMED)
    case.refresh_from_db()
    assert case.identified_on == timezone.localdate()
    # A later presumed-victim screening does not move the day.
    Screening.objects.filter(case=case).update(screened_on=datetime.date(2025, 3, 1))
    refresh_identified_on([case.pk])
    workflow.screen(worker, case, **PRESUMED)
    assert Case.objects.get(pk=case.pk).identified_on == datetime.date(2025, 3, 1)


RESULTS = st.sampled_from([r.value for r in Screening.Result])
DAYS = st.dates(min_value=datetime.date(2024, 1, 1), max_value=datetime.date(2026, 1, 1))


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(screenings=st.lists(st.lists(st.tuples(RESULTS, DAYS), max_size=4),
                           min_size=1, max_size=4))
def test_refreshing_gives_the_first_presumed_victim_day(screenings):
    worker = staff(Role.CASEWORKER, "SG")
    cases = [new_case(worker, consents=()) for _ in screenings]
    for case, rows in zip(cases, screenings, strict=True):
        Screening.objects.bulk_create(
            Screening(case=case, result=result, screened_on=day, screened_by=worker)
            for result, day in rows)
    refresh_identified_on(None)
    for case, rows in zip(cases, screenings, strict=True):
        presumed = [day for result, day in rows if result == Screening.Result.PRESUMED_VICTIM]
        assert Case.objects.get(pk=case.pk).identified_on == (min(presumed) if presumed
                                                              else None)
