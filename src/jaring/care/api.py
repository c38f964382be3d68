"""The care part of the JSON API (/api/v1/care)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Status

from jaring.care import queries, reporting
from jaring.care.models import (
    CasePlan,
    CaseState,
    CaseType,
    Consent,
    Referral,
    RiskLevel,
    ServiceProvider,
    Task,
    Team,
    Transfer,
)
from jaring.care.personal import PersonalData
from jaring.care.schemas import (
    AssignIn,
    CaseDetailOut,
    CaseIn,
    CaseOut,
    ConsentIn,
    ConsentOut,
    DisclosureIn,
    InboxOut,
    NoteIn,
    PlanIn,
    PlanOut,
    ProviderOut,
    ReasonIn,
    ReferralIn,
    ReferralOut,
    ReferralStateIn,
    ReportLinksIn,
    Schema,
    ScreeningIn,
    ScreeningOut,
    ServiceIn,
    TaskOut,
    TeamIn,
    TransferAnswerIn,
    TransferIn,
    TransferOut,
    TransitionIn,
)
from jaring.care.services import cases, consent, protection, referrals, transfers, workflow
from jaring.core.http import MAX_OFFSET
from jaring.identity import policy
from jaring.identity.models import Organisation, User

router = Router(tags=["care"])


class CaseFiltersIn(Schema):
    state: CaseState | None = None
    case_type: CaseType | None = None
    risk_level: RiskLevel | None = None
    name: str = Field("", max_length=200, description="Exact name or alias")
    document: str = Field("", max_length=60, description="Exact identity document number")
    since: datetime.date | None = None
    non_punishment: bool | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


def _case(request: HttpRequest, case_id: int, permission: str):
    case = queries.find_case(case_id)
    policy.check(request.user, permission, case, conceal=True, request=request)
    return case


def _detail(request: HttpRequest, case_id: int) -> dict:
    return queries.detail_dict(queries.open_case(request.user, case_id, request=request))


@router.get("/cases", response=list[CaseOut], summary="Cases you may see, names masked")
def list_cases(request: HttpRequest, filters: Query[CaseFiltersIn]):
    policy.check(request.user, "care.case.view", request=request)
    found = queries.CaseFilters(
        state=filters.state or "", case_type=filters.case_type or "",
        risk_level=filters.risk_level or "", name=filters.name, document=filters.document,
        since=filters.since, non_punishment=filters.non_punishment)
    rows = queries.case_list(request.user, found)[filters.offset:filters.offset + filters.limit]
    return [queries.list_row(c) for c in rows]


@router.post("/cases", response={201: CaseDetailOut}, summary="Register a case")
def register(request: HttpRequest, body: CaseIn):
    policy.check(request.user, "care.case.create", request=request)
    raw = body.person.dict()
    raw["documents"] = [d for d in raw["documents"]]
    case = cases.register_case(request.user, case_type=body.case_type,
                               person=PersonalData.from_dict(raw), sex=body.sex,
                               nationality=body.nationality, risk_level=body.risk_level)
    return Status(201, _detail(request, case.pk))


@router.get("/cases/{case_id}", response=CaseDetailOut,
            summary="Open a case (decrypted; every opening is audited)")
def get_case(request: HttpRequest, case_id: int):
    policy.check(request.user, "care.case.view", request=request)
    return _detail(request, case_id)


@router.post("/cases/{case_id}/screening", response=ScreeningOut,
             summary="Record a trafficking screening (ILO indicators, Palermo elements)")
def screen(request: HttpRequest, case_id: int, body: ScreeningIn):
    policy.check(request.user, "care.case.edit", request=request)
    case = _case(request, case_id, "care.case.edit")
    record = workflow.screen(request.user, case, indicators=body.indicators,
                             elements=body.elements, override_reason=body.override_reason)
    case.refresh_from_db()
    return {"id": record.pk, "result": record.result, "reasons": record.reasons,
            "non_punishment": case.non_punishment}


@router.post("/cases/{case_id}/transition", response=CaseDetailOut,
             summary="Assess, request or approve closure, start follow-up, reopen")
def transition(request: HttpRequest, case_id: int, body: TransitionIn):
    permission = "care.case.approve" if body.action == "approve_closure" else "care.case.edit"
    policy.check(request.user, permission, request=request)
    case = _case(request, case_id, permission)
    user = request.user
    if body.action == "assess":
        workflow.assess(user, case, notes=body.notes, risk_level=body.risk_level)
    elif body.action == "request_closure":
        workflow.request_closure(user, case, reason=body.reason)
    elif body.action == "approve_closure":
        workflow.approve_closure(user, case)
    elif body.action == "follow_up":
        workflow.start_follow_up(user, case)
    else:
        workflow.reopen(user, case, reason=body.reason)
    return _detail(request, case.pk)


@router.post("/cases/{case_id}/plans", response={201: PlanOut},
             summary="Propose a case plan version (a supervisor approves it)")
def propose_plan(request: HttpRequest, case_id: int, body: PlanIn):
    policy.check(request.user, "care.case.edit", request=request)
    case = _case(request, case_id, "care.case.edit")
    plan = workflow.propose_plan(request.user, case, [g.dict() for g in body.goals])
    return Status(201, {"id": plan.pk, "version": plan.version, "goals": plan.goals,
                        "approved": False})


@router.post("/plans/{plan_id}/approve", response=PlanOut, summary="Approve a case plan")
def approve_plan(request: HttpRequest, plan_id: int):
    policy.check(request.user, "care.case.approve", request=request)
    plan = get_object_or_404(CasePlan.objects.select_related("case"), pk=plan_id)
    policy.check(request.user, "care.case.approve", plan.case, conceal=True, request=request)
    plan = workflow.approve_plan(request.user, plan)
    return {"id": plan.pk, "version": plan.version, "goals": plan.goals, "approved": True}


@router.post("/cases/{case_id}/consents", response={201: ConsentOut},
             summary="Record consent for one purpose")
def give_consent(request: HttpRequest, case_id: int, body: ConsentIn):
    policy.check(request.user, "care.case.edit", request=request)
    case = _case(request, case_id, "care.case.edit")
    return Status(201, consent.record_consent(request.user, case, purpose=body.purpose,
                                              method=body.method, given_on=body.given_on,
                                              fields=body.fields))


@router.post("/consents/{consent_id}/withdraw", response=ConsentOut,
             summary="Withdraw a consent")
def withdraw_consent(request: HttpRequest, consent_id: int):
    policy.check(request.user, "care.case.edit", request=request)
    given = get_object_or_404(Consent.objects.select_related("case"), pk=consent_id)
    policy.check(request.user, "care.case.edit", given.case, conceal=True, request=request)
    return consent.withdraw_consent(request.user, given)


@router.post("/cases/{case_id}/services", response={201: dict},
             summary="Record a service delivered under the approved case plan")
def record_service(request: HttpRequest, case_id: int, body: ServiceIn):
    policy.check(request.user, "care.case.edit", request=request)
    case = _case(request, case_id, "care.case.edit")
    provider = get_object_or_404(ServiceProvider, pk=body.provider) if body.provider else None
    delivery = workflow.record_service(request.user, case, service_type=body.service_type,
                                       delivered_on=body.delivered_on, provider=provider,
                                       note=body.note)
    return Status(201, {"id": delivery.pk, "service_type": delivery.service_type})


@router.post("/cases/{case_id}/referrals", response={201: ReferralOut},
             summary="Refer to a service provider (needs referral consent)")
def refer(request: HttpRequest, case_id: int, body: ReferralIn):
    policy.check(request.user, "care.case.edit", request=request)
    case = _case(request, case_id, "care.case.edit")
    provider = get_object_or_404(ServiceProvider, pk=body.provider)
    referral = referrals.refer(request.user, case, provider=provider,
                               service_type=body.service_type, note=body.note,
                               override_reason=body.override_reason)
    return Status(201, queries.referral_dict(referral))


@router.post("/referrals/{referral_id}/state", response=ReferralOut,
             summary="Accept, decline or complete a referral")
def referral_state(request: HttpRequest, referral_id: int, body: ReferralStateIn):
    policy.check(request.user, "care.referral.respond", request=request)
    referral = get_object_or_404(Referral.objects.select_related("provider", "case"),
                                 pk=referral_id)
    return queries.referral_dict(referrals.answer_referral(request.user, referral, body.state))


@router.post("/cases/{case_id}/transfers", response={201: TransferOut},
             summary="Transfer a case to an organisation in another member state")
def send_transfer(request: HttpRequest, case_id: int, body: TransferIn):
    policy.check(request.user, "care.transfer.send", request=request)
    case = _case(request, case_id, "care.transfer.send")
    target = Organisation.objects.filter(pk=body.to_organisation).first()
    if target is None:
        raise ValidationError({"to_organisation": f"no organisation {body.to_organisation}"})
    transfer = transfers.send_transfer(request.user, case, to_organisation=target,
                                       override_reason=body.override_reason,
                                       override_fields=body.override_fields)
    return Status(201, queries.transfer_dict(transfer))


@router.post("/transfers/{transfer_id}/answer", response=TransferOut,
             summary="Accept (ownership moves here) or decline a transfer")
def answer_transfer(request: HttpRequest, transfer_id: int, body: TransferAnswerIn):
    policy.check(request.user, "care.transfer.receive", request=request)
    transfer = get_object_or_404(Transfer.objects.select_related("case", "to_organisation"),
                                 pk=transfer_id)
    transfer = transfers.answer_transfer(request.user, transfer, accept=body.accept,
                                         reason=body.reason)
    return queries.transfer_dict(transfer)


@router.get("/tasks/overdue", response=list[TaskOut], summary="Overdue tasks on your cases")
def overdue(request: HttpRequest):
    policy.check(request.user, "care.case.view", request=request)
    return [{"id": t.pk, "case_id": t.case_id, "case": t.case.reference, "kind": t.kind,
             "title": t.title, "due_on": t.due_on}
            for t in queries.overdue_tasks(request.user)[:500]]


@router.get("/inbox", response=InboxOut, summary="Referrals and transfers, both directions")
def inbox(request: HttpRequest):
    policy.check(request.user, "care.transfer.receive", request=request)
    incoming, outgoing = queries.transfer_inbox(request.user)
    return {"referrals": [queries.referral_dict(r) for r in queries.referral_inbox(request.user)],
            "transfers_in": [queries.transfer_dict(t) for t in incoming],
            "transfers_out": [queries.transfer_dict(t) for t in outgoing]}


@router.get("/providers", response=list[ProviderOut], summary="The service-provider directory")
def providers(request: HttpRequest, country: str | None = Query(None, pattern="^[A-Z]{2}$"),
              service: str | None = None):
    policy.check(request.user, "care.provider.view", request=request)
    rows = ServiceProvider.objects.filter(is_active=True)
    if country:
        rows = rows.filter(country_id=country)
    found = [p for p in rows[:2000] if not service or service in p.services]
    return [{"id": p.pk, "name": p.name, "country": p.country_id, "city": p.city,
             "services": p.services, "contact": p.contact,
             "organisation_id": p.organisation_id} for p in found]


@router.get("/kpis", response=list[dict], summary="Caseload and KPIs per organisation")
def kpis(request: HttpRequest):
    policy.check(request.user, "care.report.view", request=request)
    return reporting.kpis(request.user)


@router.get("/cases/{case_id}/access-request", response=dict,
            summary="Everything held on the person (data subject access request)")
def access_request(request: HttpRequest, case_id: int):
    policy.check(request.user, "care.subject.access", request=request)
    return protection.access_request(request.user, _case(request, case_id,
                                                         "care.subject.access"))


@router.post("/cases/{case_id}/assign", response=CaseDetailOut,
             summary="Assign a caseworker of the case's organisation (or remove them)")
def assign(request: HttpRequest, case_id: int, body: AssignIn):
    policy.check(request.user, "care.case.edit", request=request)
    case = _case(request, case_id, "care.case.edit")
    assignee = User.objects.filter(pk=body.user, organisation_id=case.organisation_id).first()
    if assignee is None:
        raise ValidationError({"user": f"no user {body.user} in the case's organisation"})
    cases.assign(request.user, case, assignee, remove=body.remove)
    return _detail(request, case.pk)


@router.post("/cases/{case_id}/fraud-reports", response=CaseDetailOut,
             summary="Link the fraud reports behind the case (same country)")
def link_reports(request: HttpRequest, case_id: int, body: ReportLinksIn):
    policy.check(request.user, "care.case.edit", request=request)
    case = _case(request, case_id, "care.case.edit")
    cases.link_reports(request.user, case, body.report_ids)
    return _detail(request, case.pk)


@router.post("/cases/{case_id}/supervisor-note", response=CaseDetailOut,
             summary="Write the supervisor-only note")
def supervisor_note(request: HttpRequest, case_id: int, body: NoteIn):
    policy.check(request.user, "care.case.supervise", request=request)
    case = _case(request, case_id, "care.case.supervise")
    cases.set_supervisor_note(request.user, case, body.note)
    return _detail(request, case.pk)


@router.post("/cases/{case_id}/disclosures", response={204: None},
             summary="Record a disclosure to law enforcement (needs its consent)")
def disclose(request: HttpRequest, case_id: int, body: DisclosureIn):
    policy.check(request.user, "care.case.edit", request=request)
    case = _case(request, case_id, "care.case.edit")
    referrals.disclose_to_law_enforcement(request.user, case, recipient=body.recipient,
                                          purpose=body.purpose,
                                          override_reason=body.override_reason)
    return Status(204, None)


@router.post("/tasks/{task_id}/done", response={204: None}, summary="Mark a task done")
def task_done(request: HttpRequest, task_id: int):
    policy.check(request.user, "care.case.edit", request=request)
    task = get_object_or_404(Task.objects.select_related("case"), pk=task_id)
    policy.check(request.user, "care.case.edit", task.case, conceal=True, request=request)
    cases.complete_task(request.user, task)
    return Status(204, None)


@router.post("/cases/{case_id}/erase", response={204: None},
             summary="Anonymise the person (erasure on request); the case stays in figures")
def erase(request: HttpRequest, case_id: int, body: ReasonIn):
    policy.check(request.user, "care.erase", request=request)
    case = _case(request, case_id, "care.erase")
    protection.erase(request.user, case, reason=body.reason)
    return Status(204, None)


@router.post("/cases/{case_id}/team", response=CaseDetailOut,
             summary="Hand the case to a team of its organisation (its members may work on it)")
def set_team(request: HttpRequest, case_id: int, body: TeamIn):
    policy.check(request.user, "care.case.edit", request=request)
    case = _case(request, case_id, "care.case.edit")
    team = None
    if body.team is not None:
        team = Team.objects.filter(pk=body.team, organisation_id=case.organisation_id).first()
        if team is None:
            raise ValidationError({"team": f"no team {body.team} in the case's organisation"})
    cases.set_team(request.user, case, team)
    return _detail(request, case.pk)
