"""What every care service shares: the history line, the read-only guard, settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from jaring.audit.services import record_event
from jaring.care.models import Case, CaseEvent
from jaring.identity import policy


def log(case: Case, user: Any, action: str, detail: dict | None = None, *,
        target: Any = None) -> None:
    """One line in the case history and one audit event; never personal data in detail."""
    detail = detail or {}
    label = user.get_username() if getattr(user, "pk", None) else "system"
    CaseEvent.objects.create(case=case, actor_label=label, action=action, detail=detail)
    record_event(f"care.{action}", actor=user if getattr(user, "pk", None) else None,
                 target=target if target is not None else case,
                 detail={"case": case.reference, **detail})


def touch(case: Case, *fields: str) -> None:
    case.updated_at = timezone.now()
    case.save(update_fields=[*fields, "updated_at"])


def lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def guard(user: Any, permission: str, case: Case) -> Case:
    """Lock the case, check the user may act on it and that it can still change."""
    policy.check(user, permission, case, conceal=True)
    case = lock(case)
    if case.is_read_only:
        raise ValidationError({"case": f"case {case.reference} is read-only "
                               f"({'anonymised' if case.anonymised_on else 'transferred'})"})
    return case


def assessment_days() -> int:
    return int(getattr(settings, "CARE_ASSESSMENT_DAYS", 7))


def retention_days() -> int:
    return int(getattr(settings, "CARE_RETENTION_DAYS", 3650))
