"""Reading cases: the scoped list (names masked), opening one (decrypted, audited)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from jaring.audit.services import record_event
from jaring.care.models import (
    Case,
    CasePlan,
    CaseState,
    Consent,
    PersonToken,
    Referral,
    Screening,
    ServiceDelivery,
    Task,
    Team,
    Transfer,
)
from jaring.care.personal import DOCUMENT_PURPOSE, NAME_PURPOSE, PersonalData, unseal
from jaring.crypto.cipher import blind_index, decrypt
from jaring.identity import policy
from jaring.identity.policy import Scope


def visible_cases(user: Any, permission: str = "care.case.view") -> QuerySet[Case]:
    """The cases the user may see under the permission: own and assigned, organisation,
    country or region, as the role's grant reaches."""
    scope = policy.grant_scope(user, permission)
    cases = Case.objects.all()
    if scope == Scope.REGION:
        return cases
    if scope == Scope.COUNTRY and user.country_code:
        return cases.filter(country_id=user.country_code)
    if scope == Scope.ORGANISATION and user.organisation_id:
        return cases.filter(organisation_id=user.organisation_id)
    if scope in (Scope.OWN, Scope.TEAM):
        assigned = Case.assigned.through.objects.filter(user_id=user.pk).values("case_id")
        mine = Q(owner_id=user.pk) | Q(pk__in=assigned)
        if scope == Scope.TEAM:
            teams = Team.members.through.objects.filter(user_id=user.pk).values("team_id")
            mine |= Q(team_id__in=teams)
        return cases.filter(mine)
    return cases.none()


@dataclass
class CaseFilters:
    state: str = ""
    case_type: str = ""
    risk_level: str = ""
    name: str = ""  # exact, through the blind index
    document: str = ""
    since: datetime.date | None = None
    non_punishment: bool | None = None


def case_list(user: Any, filters: CaseFilters) -> QuerySet[Case]:
    rows = visible_cases(user).select_related("person", "organisation")
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.case_type:
        rows = rows.filter(case_type=filters.case_type)
    if filters.risk_level:
        rows = rows.filter(risk_level=filters.risk_level)
    if filters.since:
        rows = rows.filter(registered_on__gte=filters.since)
    if filters.non_punishment is not None:
        rows = rows.filter(non_punishment=filters.non_punishment)
    for value, kind, purpose in ((filters.name, PersonToken.Kind.NAME, NAME_PURPOSE),
                                 (filters.document, PersonToken.Kind.DOCUMENT, DOCUMENT_PURPOSE)):
        if value.strip():
            token = blind_index(purpose, value)
            # Driven from the token index: matching cases are few, the scope is large.
            rows = rows.filter(pk__in=PersonToken.objects.filter(
                kind=kind, token=token).values("person__case_id"))
    return rows.order_by("-registered_on", "-pk")


def list_row(case: Case) -> dict[str, Any]:
    """A case as lists show it: no name, no contact — those wait for the case to be opened."""
    person = case.person
    return {
        "id": case.pk, "reference": case.reference, "country": case.country_id,
        "organisation": case.organisation.short_name, "case_type": case.case_type,
        "state": case.state, "risk_level": case.risk_level,
        "non_punishment": case.non_punishment, "registered_on": case.registered_on,
        "name": "●●●●●", "sex": person.sex, "age_group": person.age_group,
        "nationality": person.nationality_id or "",
    }


def find_case(pk: int) -> Case:
    case = Case.objects.select_related("person", "organisation", "owner").filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


@dataclass
class OpenCase:
    case: Case
    person: PersonalData
    assessment: str
    supervisor_note: str | None  # None: the user may not see supervisor-only fields
    screenings: list[Screening] = field(default_factory=list)
    consents: list[Consent] = field(default_factory=list)
    plans: list[CasePlan] = field(default_factory=list)
    services: list[ServiceDelivery] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    history: list[Any] = field(default_factory=list)
    incoming: Transfer | None = None

    @property
    def age(self) -> int | None:
        return self.person.age(timezone.localdate())


def open_case(user: Any, pk: int, *, request: Any = None) -> OpenCase:
    """Open one case: another country's or one out of scope is 404, and the refusal is
    audited; every opening is audited, since it shows the person's name."""
    case = find_case(pk)
    policy.check(user, "care.case.view", case, conceal=True, request=request)
    record_event("care.case.open", actor=user, target=case, request=request)
    supervisor = policy.allowed(user, "care.case.supervise", case)
    return OpenCase(
        case=case,
        person=unseal(case.country_id, case.person.data_enc),
        assessment=decrypt(case.country_id, case.assessment_enc or None) or "",
        supervisor_note=(decrypt(case.country_id, case.supervisor_note_enc or None) or "")
        if supervisor else None,
        screenings=list(case.screenings.select_related("screened_by")),
        consents=list(case.consents.select_related("recorded_by")),
        plans=list(case.plans.select_related("proposed_by", "approved_by")),
        services=list(case.services.select_related("provider")),
        referrals=list(case.referrals.select_related("provider")),
        transfers=list(case.transfers_out.select_related("to_organisation", "received_case")),
        tasks=list(case.tasks.all()),
        history=list(case.events.all()),
        incoming=Transfer.objects.filter(received_case=case).first(),
    )


def overdue_tasks(user: Any, today: datetime.date | None = None) -> QuerySet[Task]:
    today = today or timezone.localdate()
    return (Task.objects.filter(done_on__isnull=True, due_on__lt=today,
                                case__in=visible_cases(user).values("pk"))
            .exclude(case__state=CaseState.TRANSFERRED)
            .select_related("case", "assignee").order_by("due_on", "pk"))


def referral_inbox(user: Any) -> QuerySet[Referral]:
    """Referrals to the user's organisation (to answer) and from their cases (to follow)."""
    incoming = Q(provider__organisation_id=user.organisation_id) if policy.allowed(
        user, "care.referral.respond") and user.organisation_id else Q(pk__in=[])
    outgoing = Q(case__in=visible_cases(user).values("pk"))
    return (Referral.objects.filter(incoming | outgoing)
            .select_related("provider", "case").order_by("-sent_at")[:200])


def package_summary(transfer: Transfer) -> dict[str, Any]:
    """What the receiver decides on: the case facts and which fields travel, no names."""
    from jaring.care.package import PackageRefused
    from jaring.care.services.transfers import read_package

    try:
        document = read_package(transfer)
    except PackageRefused as exc:
        return {"refused": str(exc)}
    person = document.get("person", {})
    return {"case_type": document["case"]["case_type"],
            "non_punishment": document["case"].get("non_punishment", False),
            "nationality": person.get("nationality", ""), "sex": person.get("sex", ""),
            "age_group": person.get("age_group", ""),
            "fields": ", ".join(document.get("consented_fields", [])) or "none",
            "version": document["version"]}


def transfer_inbox(user: Any) -> tuple[list[Transfer], list[Transfer]]:
    incoming: list[Transfer] = []
    if policy.allowed(user, "care.transfer.receive") and user.organisation_id:
        incoming = list(Transfer.objects.filter(to_organisation_id=user.organisation_id)
                        .select_related("case", "to_organisation", "received_case")
                        .order_by("-sent_at")[:200])
    outgoing = list(Transfer.objects.filter(case__in=visible_cases(user).values("pk"))
                    .select_related("case", "to_organisation").order_by("-sent_at")[:200])
    return incoming, outgoing


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def detail_dict(opened: OpenCase) -> dict[str, Any]:
    """An opened case for the API: the same facts the case page shows."""
    case = opened.case
    person = case.person
    return {
        "id": case.pk, "reference": case.reference, "country": case.country_id,
        "organisation": case.organisation.short_name, "owner": case.owner.get_username(),
        "case_type": case.case_type, "state": case.state, "risk_level": case.risk_level,
        "non_punishment": case.non_punishment, "registered_on": case.registered_on,
        "closed_on": case.closed_on, "closure_reason": case.closure_reason,
        "person": {**opened.person.to_dict(), "sex": person.sex,
                   "nationality": person.nationality_id or "", "age_group": person.age_group},
        "assessment": opened.assessment, "supervisor_note": opened.supervisor_note,
        "screenings": [{"id": s.pk, "result": s.result, "reasons": s.reasons,
                        "screened_on": _iso(s.screened_on)} for s in opened.screenings],
        "consents": [{"id": c.pk, "purpose": c.purpose, "method": c.method,
                      "given_on": _iso(c.given_on), "fields": c.fields,
                      "withdrawn_on": _iso(c.withdrawn_on)} for c in opened.consents],
        "plans": [{"id": p.pk, "version": p.version, "goals": p.goals,
                   "approved": p.approved_at is not None} for p in opened.plans],
        "services": [{"service_type": s.service_type, "delivered_on": _iso(s.delivered_on),
                      "provider": s.provider.name if s.provider else ""}
                     for s in opened.services],
        "referrals": [{"id": r.pk, "provider": r.provider.name, "service_type": r.service_type,
                       "state": r.state} for r in opened.referrals],
        "transfers": [{"id": t.pk, "to_country": t.to_country_id, "state": t.state}
                      for t in opened.transfers],
        "tasks": [{"id": t.pk, "title": t.title, "due_on": _iso(t.due_on),
                   "done_on": _iso(t.done_on)} for t in opened.tasks],
        "history": [{"at": _iso(e.at), "by": e.actor_label, "action": e.action,
                     "origin": e.origin_country} for e in opened.history],
    }


def referral_dict(r: Referral) -> dict[str, Any]:
    return {"id": r.pk, "case": r.case.reference, "provider": r.provider.name,
            "service_type": r.service_type, "state": r.state, "sent_at": r.sent_at}


def transfer_dict(t: Transfer) -> dict[str, Any]:
    return {"id": t.pk, "package_id": t.package_id, "case": t.case.reference,
            "from_country": t.from_country_id, "to_country": t.to_country_id,
            "to_organisation": t.to_organisation.short_name, "state": t.state,
            "sent_at": t.sent_at, "received_case": t.received_case_id}
