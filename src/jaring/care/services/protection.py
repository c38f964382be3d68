"""Data-subject rights: access (everything held, as JSON and PDF), erasure, retention.

Erasure anonymises rather than deletes: the case stays in every count, but
nothing in it points to the person any more — names, documents, contact and
notes are gone, the age is an age group and every date is the first of its month.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jaring.audit.models import AuditEvent
from jaring.audit.services import record_event
from jaring.care.models import (
    Case,
    CaseEvent,
    CaseState,
    Consent,
    PersonToken,
    Referral,
    Screening,
    ServiceDelivery,
    Task,
    Transfer,
)
from jaring.care.personal import unseal
from jaring.care.services.base import log, retention_days
from jaring.crypto.cipher import decrypt
from jaring.identity import policy


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def subject_document(case: Case) -> dict[str, Any]:
    """Everything held on the person of a case, decrypted (no permission check here)."""
    person = case.person
    data = unseal(case.country_id, person.data_enc)
    return {
        "generated": timezone.now().isoformat(timespec="seconds"),
        "case": {
            "reference": case.reference, "country": case.country_id,
            "organisation": case.organisation.name, "case_type": case.case_type,
            "state": case.state, "risk_level": case.risk_level,
            "non_punishment": case.non_punishment,
            "registered_on": _iso(case.registered_on), "closed_on": _iso(case.closed_on),
            "closure_reason": case.closure_reason,
            "assessment": decrypt(case.country_id, case.assessment_enc or None) or "",
            "fraud_reports": list(case.fraud_reports.values_list("reference", flat=True)),
        },
        "person": {**data.to_dict(), "sex": person.sex,
                   "nationality": person.nationality_id or "", "age_group": person.age_group},
        "consents": [{"purpose": c.purpose, "given_on": _iso(c.given_on), "method": c.method,
                      "fields": c.fields, "withdrawn_on": _iso(c.withdrawn_on)}
                     for c in Consent.objects.filter(case=case)],
        "screenings": [{"screened_on": _iso(s.screened_on), "result": s.result,
                        "reasons": s.reasons, "indicators": s.indicators,
                        "elements": s.elements}
                       for s in Screening.objects.filter(case=case)],
        "plans": [{"version": p.version, "goals": p.goals,
                   "approved_at": _iso(p.approved_at)} for p in case.plans.all()],
        "services": [{"service_type": s.service_type, "delivered_on": _iso(s.delivered_on),
                      "provider": s.provider.name if s.provider else "", "note": s.note}
                     for s in ServiceDelivery.objects.filter(case=case).select_related(
                         "provider")],
        "referrals": [{"provider": r.provider.name, "service_type": r.service_type,
                       "state": r.state, "sent_at": _iso(r.sent_at)}
                      for r in Referral.objects.filter(case=case).select_related("provider")],
        "transfers": [{"to_country": t.to_country_id, "state": t.state,
                       "sent_at": _iso(t.sent_at)}
                      for t in Transfer.objects.filter(case=case)],
        "tasks": [{"title": t.title, "due_on": _iso(t.due_on), "done_on": _iso(t.done_on)}
                  for t in Task.objects.filter(case=case)],
        "history": [{"at": _iso(e.at), "by": e.actor_label, "action": e.action,
                     "detail": e.detail} for e in CaseEvent.objects.filter(case=case)],
        "access_log": [{"at": _iso(a.at), "by": a.actor_label, "action": a.action}
                       for a in AuditEvent.objects.filter(object_type="care.case",
                                                          object_id=str(case.pk))
                       .order_by("seq")],
    }


def access_request(user: Any, case: Case) -> dict[str, Any]:
    """The data subject's export; the export itself is audited (a read of everything).

    ``user`` None is the operator at the command line, who holds the key file anyway."""
    if user is not None:
        policy.check(user, "care.subject.access", case, conceal=True)
    document = subject_document(case)
    record_event("care.subject.access", actor=user, target=case)
    return document


def _month(day: datetime.date | None) -> datetime.date | None:
    return day.replace(day=1) if day else None


def _anonymise(case: Case) -> None:
    person = case.person
    person.data_enc = ""
    person.save(update_fields=["data_enc"])
    PersonToken.objects.filter(person=person).delete()
    case.assessment_enc = ""
    case.supervisor_note_enc = ""
    case.registered_on = _month(case.registered_on)  # type: ignore[assignment]
    case.first_service_on = _month(case.first_service_on)
    case.closed_on = _month(case.closed_on)
    case.anonymised_on = timezone.localdate()
    case.save()
    ServiceDelivery.objects.filter(case=case).update(note="")
    Referral.objects.filter(case=case).update(note="")
    for delivery in ServiceDelivery.objects.filter(case=case):
        delivery.delivered_on = _month(delivery.delivered_on)  # type: ignore[assignment]
        delivery.save(update_fields=["delivered_on"])
    # History lines name staff and actions, never the person; their details may hold
    # free text (reasons), so they go too.
    CaseEvent.objects.filter(case=case).update(detail={})
    Transfer.objects.filter(case=case).update(package_enc="")


@transaction.atomic
def erase(user: Any, case: Case, *, reason: str) -> Case:
    """Anonymise on the person's request (``user`` None: from the command line)."""
    if user is not None:
        policy.check(user, "care.erase", case, conceal=True)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.anonymised_on is not None:
        return case
    if not reason.strip():
        raise ValidationError({"reason": "say why (the person's request, its date)"})
    _anonymise(case)
    log(case, user, "case.erase", {"basis": "request"})
    return case


def retention_cutoff(today: datetime.date | None = None) -> datetime.date:
    return (today or timezone.localdate()) - datetime.timedelta(days=retention_days())


@transaction.atomic
def apply_retention(today: datetime.date | None = None) -> int:
    """Anonymise every case closed (or transferred away) longer ago than the retention
    period allows; run by `jaring care apply-retention`, as the system."""
    cutoff = retention_cutoff(today)
    due = Case.objects.select_for_update().filter(anonymised_on__isnull=True).filter(
        state__in=[CaseState.CLOSED, CaseState.FOLLOW_UP, CaseState.TRANSFERRED],
        updated_at__date__lt=cutoff)
    count = 0
    for case in due:
        if case.closed_on and case.closed_on >= cutoff:
            continue
        _anonymise(case)
        log(case, None, "case.erase", {"basis": "retention", "cutoff": cutoff.isoformat()})
        count += 1
    return count
