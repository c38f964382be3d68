"""Consent per purpose, and the one check every referral, transfer and disclosure makes."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jaring.care.models import Case, Consent, ConsentMethod, ConsentPurpose
from jaring.care.personal import CONSENTABLE_FIELDS
from jaring.care.services.base import guard, log
from jaring.identity import policy


def active_consent(case: Case, purpose: str) -> Consent | None:
    return (Consent.objects.filter(case=case, purpose=purpose, withdrawn_on__isnull=True)
            .order_by("-recorded_at").first())


def require_consent(user: Any, case: Case, purpose: str, *, override_reason: str = "") -> str:
    """Pass when the person consented to ``purpose``; otherwise only an override with
    its own permission and a written reason passes, and it is audited as such.

    Returns ``"consent"`` or ``"override"`` for the caller's history line."""
    if active_consent(case, purpose) is not None:
        return "consent"
    reason = override_reason.strip()
    if not reason:
        raise ValidationError({"consent": f"no {ConsentPurpose(purpose).label.lower()} consent "
                               f"({purpose}) is recorded for {case.reference}"})
    if not policy.allowed(user, "care.consent.override", case):
        policy.deny(user, "care.consent.override", case)
    log(case, user, "consent.override", {"purpose": purpose, "reason": reason[:300]})
    return "override"


def precheck_override(user: Any, case: Case, purpose: str, override_reason: str) -> None:
    """Refuse an override the user may not make before any transaction starts, so the
    refusal's audit event is not rolled back with the step it refused."""
    if (override_reason.strip() and active_consent(case, purpose) is None
            and not policy.allowed(user, "care.consent.override", case)):
        policy.deny(user, "care.consent.override", case)


@transaction.atomic
def record_consent(user: Any, case: Case, *, purpose: str, method: str,
                   given_on: datetime.date | None = None,
                   fields: list[str] | None = None) -> Consent:
    case = guard(user, "care.case.edit", case)
    if purpose not in ConsentPurpose.values:
        raise ValidationError({"purpose": f"unknown purpose {purpose!r}; use one of "
                               f"{', '.join(ConsentPurpose.values)}"})
    if method not in ConsentMethod.values:
        raise ValidationError({"method": f"unknown method {method!r}; use one of "
                               f"{', '.join(ConsentMethod.values)}"})
    given_on = given_on or timezone.localdate()
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": "is in the future"})
    fields = list(fields or [])
    unknown = sorted(set(fields) - set(CONSENTABLE_FIELDS))
    if unknown:
        raise ValidationError({"fields": f"unknown field(s) {', '.join(unknown)}; use "
                               f"{', '.join(CONSENTABLE_FIELDS)}"})
    if purpose != ConsentPurpose.TRANSFER and fields:
        raise ValidationError({"fields": "only a transfer consent names fields"})
    consent = Consent.objects.create(case=case, purpose=purpose, method=method,
                                     given_on=given_on, fields=fields, recorded_by=user)
    log(case, user, "consent.give", {"purpose": purpose, "method": method, "fields": fields},
        target=case)
    return consent


@transaction.atomic
def withdraw_consent(user: Any, consent: Consent) -> Consent:
    guard(user, "care.case.edit", consent.case)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        return consent
    consent.withdrawn_on = timezone.localdate()
    consent.withdrawn_by = user
    consent.save(update_fields=["withdrawn_on", "withdrawn_by"])
    log(consent.case, user, "consent.withdraw", {"purpose": consent.purpose})
    return consent
