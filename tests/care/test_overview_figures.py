"""The assistance figures on the regional overview count cases and pass disclosure control."""

from __future__ import annotations

import pytest

from jaring.care.services import workflow
from jaring.identity.roles import Role
from jaring.overview import figures
from jaring.overview.figures import REGION, Context
from jaring.overview.periods import parse_period
from tests.care.factories import days_ago, in_services, staff, supervisor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Three survivors in Singapore, one in Thailand; two Singaporean ones repatriated."""
    sg = staff(Role.CASEWORKER, "SG")
    th = staff(Role.CASEWORKER, "TH")
    sg_boss, th_boss = supervisor_for(sg), supervisor_for(th)
    made = [in_services(sg, sg_boss) for _ in range(3)] + [in_services(th, th_boss)]
    for case in made:
        workflow.record_service(case.owner, case, service_type="shelter",
                                delivered_on=days_ago(0))
    return made


def _figures(user, scope=REGION):
    period = parse_period(str(days_ago(0).year))
    return {shown.key: shown for shown in figures.headline(Context(user, period), scope)}


def test_figures_count_people_per_country(world, monkeypatch):
    monkeypatch.setenv("JARING_DISCLOSURE_THRESHOLD", "1")
    viewer = staff(Role.VIEWER, "MY")
    region, singapore, thailand = _figures(viewer), _figures(viewer, "SG"), _figures(viewer, "TH")
    assert region["care.assisted"].text == "4"
    assert (singapore["care.assisted"].text, thailand["care.assisted"].text) == ("3", "1")
    # Every case was screened a presumed victim on the way to its plan.
    assert region["care.identified"].text == "4"
    assert region["care.repatriations"].text == "0"


def test_small_counts_are_suppressed_for_everyone(world, monkeypatch):
    monkeypatch.setenv("JARING_DISCLOSURE_THRESHOLD", "5")
    for user in (staff(Role.VIEWER, "MY"), staff(Role.CASE_SUPERVISOR, "SG")):
        shown = _figures(user, "SG")["care.assisted"]
        assert shown.suppressed and shown.text == "fewer than 5"
        assert shown.change == ""  # a suppressed count is compared with nothing


def test_a_service_counts_the_person_once(world, monkeypatch):
    monkeypatch.setenv("JARING_DISCLOSURE_THRESHOLD", "1")
    case = world[0]
    workflow.record_service(case.owner, case, service_type="medical", delivered_on=days_ago(0))
    assert _figures(staff(Role.VIEWER, "MY"), "SG")["care.assisted"].text == "3"


def test_the_detail_link_only_for_those_who_may_read_care_figures(world):
    assert _figures(staff(Role.VIEWER, "MY"))["care.assisted"].url is None
    assert _figures(staff(Role.CASE_SUPERVISOR, "SG"))["care.assisted"].url
