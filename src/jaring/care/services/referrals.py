"""Referrals to service providers, and disclosure to law enforcement."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jaring.care.models import Case, ConsentPurpose, Referral, ServiceProvider, ServiceType
from jaring.care.services.base import guard, log
from jaring.care.services.consent import precheck_override, require_consent
from jaring.identity import policy

# Who may move a referral where: the sender withdraws nothing; the provider answers.
_NEXT = {
    Referral.State.SENT: {Referral.State.ACCEPTED, Referral.State.DECLINED},
    Referral.State.ACCEPTED: {Referral.State.COMPLETED},
}


def refer(user: Any, case: Case, *, provider: ServiceProvider, service_type: str,
          note: str = "", override_reason: str = "") -> Referral:
    precheck_override(user, case, ConsentPurpose.REFERRAL, override_reason)
    return _refer(user, case, provider=provider, service_type=service_type, note=note,
                  override_reason=override_reason)


@transaction.atomic
def _refer(user: Any, case: Case, *, provider: ServiceProvider, service_type: str,
          note: str = "", override_reason: str = "") -> Referral:
    case = guard(user, "care.case.edit", case)
    if not case.is_open:
        raise ValidationError({"case": f"case {case.reference} is closed"})
    if service_type not in ServiceType.values:
        raise ValidationError({"service_type": f"unknown service {service_type!r}"})
    if not provider.is_active:
        raise ValidationError({"provider": f"{provider.name} is no longer active"})
    if service_type not in provider.services:
        raise ValidationError({"service_type": f"{provider.name} does not offer "
                               f"{ServiceType(service_type).label.lower()}"})
    basis = require_consent(user, case, ConsentPurpose.REFERRAL, override_reason=override_reason)
    referral = Referral.objects.create(case=case, provider=provider, service_type=service_type,
                                       note=note.strip()[:500], sent_by=user)
    log(case, user, "referral.send", {"referral": referral.pk, "provider": provider.pk,
                                      "service_type": service_type, "basis": basis})
    return referral


def answer_referral(user: Any, referral: Referral, state: str) -> Referral:
    """The provider accepts, declines or completes; the sender sees the same state.

    The permission check runs before the transaction, so that a refusal's audit
    event is not rolled back with it."""
    may_answer(user, referral, state)
    return _answer_referral(user, referral, state)


def may_answer(user: Any, referral: Referral, state: str) -> None:
    sender_side = policy.allowed(user, "care.case.edit", referral.case)
    # The sending caseworker may mark a referral completed, and records every answer
    # of a provider that has no Jaring organisation (it answers by phone or letter).
    offline = referral.provider.organisation_id is None
    if not policy.allowed(user, "care.referral.respond", referral) and not (
            sender_side and (offline or state == Referral.State.COMPLETED)):
        policy.deny(user, "care.referral.respond", referral, conceal=not sender_side)


@transaction.atomic
def _answer_referral(user: Any, referral: Referral, state: str) -> Referral:
    referral = Referral.objects.select_for_update().select_related("provider", "case").get(
        pk=referral.pk)
    if state not in _NEXT.get(Referral.State(referral.state), set()):
        raise ValidationError({"state": f"a {referral.state} referral cannot become {state!r}"})
    referral.state = state
    referral.answered_by = user
    referral.updated_at = timezone.now()
    referral.save(update_fields=["state", "answered_by", "updated_at"])
    log(referral.case, user, f"referral.{state}", {"referral": referral.pk})
    return referral


def disclose_to_law_enforcement(user: Any, case: Case, *, recipient: str, purpose: str,
                                override_reason: str = "") -> None:
    precheck_override(user, case, ConsentPurpose.LAW_ENFORCEMENT, override_reason)
    return _disclose_to_law_enforcement(user, case, recipient=recipient, purpose=purpose,
                                        override_reason=override_reason)


@transaction.atomic
def _disclose_to_law_enforcement(user: Any, case: Case, *, recipient: str, purpose: str,
                                override_reason: str = "") -> None:
    """Record that case information went to the police or a prosecutor, on consent."""
    case = guard(user, "care.case.edit", case)
    if not recipient.strip() or not purpose.strip():
        raise ValidationError({"recipient": "name the recipient and the purpose"})
    basis = require_consent(user, case, ConsentPurpose.LAW_ENFORCEMENT,
                            override_reason=override_reason)
    log(case, user, "disclosure.law_enforcement",
        {"recipient": recipient.strip()[:200], "purpose": purpose.strip()[:300], "basis": basis})
