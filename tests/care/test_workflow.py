"""The case state machine: every transition checks permission, consent and fields."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from jaring.audit.models import AuditEvent
from jaring.care.models import CaseState, ConsentPurpose, Task
from jaring.care.services import consent, workflow
from jaring.identity.roles import Role
from tests.care.factories import PRESUMED, in_services, new_case, staff, supervisor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    return staff(Role.CASEWORKER, "TH")


def test_full_path_from_registration_to_follow_up(worker):
    boss = supervisor_for(worker)
    case = in_services(worker, boss)
    assert case.state == CaseState.SERVICES and case.non_punishment
    workflow.record_service(worker, case, service_type="shelter", delivered_on=case.registered_on)
    workflow.request_closure(worker, case, reason="goals_met")
    with pytest.raises(Http404):  # a caseworker cannot approve: no such grant at all
        workflow.approve_closure(worker, case)
    workflow.approve_closure(boss, case)
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED and case.first_service_on == case.registered_on
    kinds = set(Task.objects.filter(case=case, done_on__isnull=True).values_list("kind",
                                                                                 flat=True))
    assert kinds == {Task.Kind.FOLLOW_UP_3, Task.Kind.FOLLOW_UP_6}
    workflow.start_follow_up(worker, case)
    workflow.reopen(worker, case, reason="New threats")
    case.refresh_from_db()
    assert case.state == CaseState.SERVICES
    actions = list(case.events.values_list("action", flat=True))
    assert actions[0] == "case.register" and "closure.approve" in actions


def test_steps_out_of_order_are_refused_with_the_state_named(worker):
    case = new_case(worker)
    with pytest.raises(ValidationError, match="registered"):
        workflow.assess(worker, case, notes="x", risk_level="low")


def test_screening_needs_consent_or_an_override_with_its_own_permission(worker):
    case = new_case(worker, consents=())
    with pytest.raises(ValidationError, match="consent"):
        workflow.screen(worker, case, **PRESUMED)
    with pytest.raises(PermissionDenied):
        workflow.screen(worker, case, override_reason="urgent", **PRESUMED)
    boss = supervisor_for(worker)
    workflow.screen(boss, case, override_reason="Person unconscious, urgent", **PRESUMED)
    assert AuditEvent.objects.filter(action="care.consent.override").count() == 1


def test_withdrawn_consent_stops_the_next_step(worker):
    case = new_case(worker)
    workflow.screen(worker, case, **PRESUMED)
    given = case.consents.get(purpose=ConsentPurpose.SERVICES)
    consent.withdraw_consent(worker, given)
    with pytest.raises(ValidationError, match="consent"):
        workflow.assess(worker, case, notes="x", risk_level="low")


def test_plan_author_cannot_approve_own_plan(worker):
    boss = supervisor_for(worker)
    case = new_case(boss)
    workflow.screen(boss, case, **PRESUMED)
    workflow.assess(boss, case, notes="n", risk_level="low")
    plan = workflow.propose_plan(boss, case, [{"service_type": "shelter", "goal": "bed"}])
    with pytest.raises(ValidationError, match="other than its author"):
        workflow.approve_plan(boss, plan)


def test_service_outside_the_plan_is_refused(worker):
    case = in_services(worker, supervisor_for(worker))
    with pytest.raises(ValidationError, match="not in the approved case plan"):
        workflow.record_service(worker, case, service_type="legal_aid",
                                delivered_on=case.registered_on)


def test_other_countrys_case_is_concealed(worker):
    case = new_case(worker)
    stranger = staff(Role.CASE_SUPERVISOR, "SG")
    with pytest.raises(Http404):
        workflow.screen(stranger, case, **PRESUMED)
