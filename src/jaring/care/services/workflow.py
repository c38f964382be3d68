"""The case state machine: one function per transition.

registered → screened → assessed → case_plan → services → closed → follow_up,
and back to services on reopening. Each transition checks permission, the
person's consent to receive services, and its own required fields. The case plan
and the closure wait for a supervisor's approval.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jaring.care import screening as rules
from jaring.care.identification import refresh_identified_on
from jaring.care.models import (
    Case,
    CasePlan,
    CaseState,
    ClosureReason,
    ConsentPurpose,
    RiskLevel,
    Screening,
    ServiceDelivery,
    ServiceProvider,
    ServiceType,
    Task,
)
from jaring.care.services.base import guard, log, touch
from jaring.care.services.consent import precheck_override, require_consent
from jaring.crypto.cipher import encrypt

FOLLOW_UPS = [(Task.Kind.FOLLOW_UP_3, "Follow-up at 3 months", 91),
              (Task.Kind.FOLLOW_UP_6, "Follow-up at 6 months", 182)]


def _expect(case: Case, *states: str) -> None:
    if case.state not in states:
        allowed = " or ".join(CaseState(s).label.lower() for s in states)
        raise ValidationError({"state": f"case {case.reference} is "
                               f"{CaseState(case.state).label.lower()}; this step needs it "
                               f"{allowed}"})


def screen(user: Any, case: Case, *, indicators: dict[str, bool], elements: dict[str, bool],
           override_reason: str = "") -> Screening:
    """Record a trafficking screening; a presumed victim gets the non-punishment flag.

    Screening again is allowed at any open stage (new facts come out late); only the
    first one moves the case on from registered."""
    precheck_override(user, case, ConsentPurpose.SERVICES, override_reason)
    return _screen(user, case, indicators=indicators, elements=elements,
                   override_reason=override_reason)


@transaction.atomic
def _screen(user: Any, case: Case, *, indicators: dict[str, bool], elements: dict[str, bool],
           override_reason: str = "") -> Screening:
    case = guard(user, "care.case.edit", case)
    if not case.is_open:
        _expect(case, CaseState.REGISTERED, CaseState.SERVICES)
    require_consent(user, case, ConsentPurpose.SERVICES, override_reason=override_reason)
    try:
        outcome = rules.assess(indicators, elements, minor=case.person.is_minor)
    except ValueError as exc:
        raise ValidationError({"indicators": str(exc)}) from None
    record = Screening.objects.create(
        case=case, indicators={k: bool(v) for k, v in indicators.items()},
        elements={k: bool(v) for k, v in elements.items()},
        result=outcome.result, reasons=outcome.reasons, screened_by=user,
    )
    fields = []
    if outcome.result == rules.PRESUMED:
        refresh_identified_on([case.pk])
        case.refresh_from_db(fields=["identified_on"])
    if outcome.result == rules.PRESUMED and not case.non_punishment:
        case.non_punishment = True
        fields.append("non_punishment")
    if case.state == CaseState.REGISTERED:
        case.state = CaseState.SCREENED
        fields.append("state")
    touch(case, *fields)
    log(case, user, "case.screen", {"result": outcome.result})
    return record


@transaction.atomic
def assess(user: Any, case: Case, *, notes: str, risk_level: str) -> Case:
    case = guard(user, "care.case.edit", case)
    _expect(case, CaseState.SCREENED)
    require_consent(user, case, ConsentPurpose.SERVICES)
    if not notes.strip():
        raise ValidationError({"notes": "write the assessment"})
    if risk_level not in RiskLevel.values:
        raise ValidationError({"risk_level": f"unknown risk level {risk_level!r}"})
    case.assessment_enc = encrypt(case.country_id, notes.strip()) or ""
    case.risk_level = risk_level
    case.state = CaseState.ASSESSED
    touch(case, "assessment_enc", "risk_level", "state")
    Task.objects.filter(case=case, kind=Task.Kind.ASSESSMENT, done_on__isnull=True).update(
        done_on=timezone.localdate())
    log(case, user, "case.assess", {"risk_level": risk_level})
    return case


def _clean_goals(goals: list[dict]) -> list[dict]:
    cleaned = []
    for n, goal in enumerate(goals, 1):
        kind = str(goal.get("service_type", ""))
        text = str(goal.get("goal", "")).strip()
        if kind not in ServiceType.values:
            raise ValidationError({f"goals[{n}].service_type": f"unknown service {kind!r}"})
        if not text:
            raise ValidationError({f"goals[{n}].goal": "say what the service should achieve"})
        cleaned.append({"service_type": kind, "goal": text[:300]})
    if not cleaned:
        raise ValidationError({"goals": "a case plan needs at least one goal"})
    return cleaned


@transaction.atomic
def propose_plan(user: Any, case: Case, goals: list[dict]) -> CasePlan:
    """A new version of the case plan, waiting for a supervisor (services pause meanwhile)."""
    case = guard(user, "care.case.edit", case)
    _expect(case, CaseState.ASSESSED, CaseState.CASE_PLAN, CaseState.SERVICES)
    require_consent(user, case, ConsentPurpose.SERVICES)
    last = CasePlan.objects.filter(case=case).order_by("-version").first()
    plan = CasePlan.objects.create(case=case, version=(last.version + 1) if last else 1,
                                   goals=_clean_goals(goals), proposed_by=user)
    case.state = CaseState.CASE_PLAN
    touch(case, "state")
    log(case, user, "plan.propose", {"version": plan.version, "goals": len(plan.goals)})
    return plan


@transaction.atomic
def approve_plan(user: Any, plan: CasePlan) -> CasePlan:
    """A supervisor approves the plan; services start."""
    case = guard(user, "care.case.approve", plan.case)
    _expect(case, CaseState.CASE_PLAN)
    plan = CasePlan.objects.select_for_update().get(pk=plan.pk)
    latest = CasePlan.objects.filter(case=case).order_by("-version").first()
    if latest is None or latest.pk != plan.pk:
        raise ValidationError({"plan": "only the latest plan version can be approved"})
    if plan.proposed_by_id == user.pk:
        raise ValidationError({"plan": "a plan is approved by someone other than its author"})
    plan.approved_by = user
    plan.approved_at = timezone.now()
    plan.save(update_fields=["approved_by", "approved_at"])
    case.state = CaseState.SERVICES
    touch(case, "state")
    log(case, user, "plan.approve", {"version": plan.version})
    return plan


def current_plan(case: Case) -> CasePlan | None:
    return (CasePlan.objects.filter(case=case, approved_at__isnull=False)
            .order_by("-version").first())


@transaction.atomic
def record_service(user: Any, case: Case, *, service_type: str, delivered_on: datetime.date,
                   provider: ServiceProvider | None = None, note: str = "") -> ServiceDelivery:
    case = guard(user, "care.case.edit", case)
    _expect(case, CaseState.SERVICES)
    require_consent(user, case, ConsentPurpose.SERVICES)
    plan = current_plan(case)
    if plan is None or service_type not in plan.service_types:
        raise ValidationError({"service_type": f"{service_type!r} is not in the approved case "
                               "plan; propose a new plan version first"})
    if delivered_on > timezone.localdate():
        raise ValidationError({"delivered_on": "is in the future"})
    if delivered_on < case.registered_on:
        raise ValidationError({"delivered_on": "is before the case was registered"})
    delivery = ServiceDelivery.objects.create(
        case=case, plan=plan, service_type=service_type, provider=provider,
        delivered_on=delivered_on, note=note.strip()[:500], recorded_by=user)
    if case.first_service_on is None or delivered_on < case.first_service_on:
        case.first_service_on = delivered_on
        touch(case, "first_service_on")
    log(case, user, "service.record", {"service_type": service_type})
    return delivery


@transaction.atomic
def request_closure(user: Any, case: Case, *, reason: str) -> Case:
    case = guard(user, "care.case.edit", case)
    _expect(case, CaseState.SERVICES, CaseState.ASSESSED, CaseState.SCREENED,
            CaseState.REGISTERED, CaseState.CASE_PLAN)
    if reason not in ClosureReason.values:
        raise ValidationError({"reason": f"unknown closure reason {reason!r}; use "
                               f"{', '.join(ClosureReason.values)}"})
    case.closure_reason = reason
    case.closure_requested_by = user
    touch(case, "closure_reason", "closure_requested_by")
    log(case, user, "closure.request", {"reason": reason})
    return case


@transaction.atomic
def approve_closure(user: Any, case: Case, *, today: datetime.date | None = None) -> Case:
    """A supervisor closes the case; follow-ups at 3 and 6 months are scheduled."""
    case = guard(user, "care.case.approve", case)
    if not case.closure_reason or case.closure_requested_by_id is None:
        raise ValidationError({"closure": "no closure has been requested"})
    if not case.is_open:
        _expect(case, CaseState.SERVICES)
    today = today or timezone.localdate()
    case.state = CaseState.CLOSED
    case.closed_on = today
    touch(case, "state", "closed_on")
    Task.objects.filter(case=case, done_on__isnull=True).update(done_on=today)
    Task.objects.bulk_create([
        Task(case=case, kind=kind, title=title, due_on=today + datetime.timedelta(days=days),
             assignee=case.owner) for kind, title, days in FOLLOW_UPS])
    log(case, user, "closure.approve", {"reason": case.closure_reason})
    return case


@transaction.atomic
def start_follow_up(user: Any, case: Case) -> Case:
    case = guard(user, "care.case.edit", case)
    _expect(case, CaseState.CLOSED)
    case.state = CaseState.FOLLOW_UP
    touch(case, "state")
    log(case, user, "case.follow_up")
    return case


@transaction.atomic
def reopen(user: Any, case: Case, *, reason: str) -> Case:
    case = guard(user, "care.case.edit", case)
    _expect(case, CaseState.CLOSED, CaseState.FOLLOW_UP)
    if not reason.strip():
        raise ValidationError({"reason": "say why the case is reopened"})
    require_consent(user, case, ConsentPurpose.SERVICES)
    case.state = CaseState.SERVICES if current_plan(case) else CaseState.ASSESSED
    case.closed_on = None
    case.closure_reason = ""
    case.closure_requested_by = None
    touch(case, "state", "closed_on", "closure_reason", "closure_requested_by")
    log(case, user, "case.reopen", {"reason": reason.strip()[:300]})
    return case

