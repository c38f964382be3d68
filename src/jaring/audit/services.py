"""Writing and verifying the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from jaring.audit.context import Actor, client_ip, current_actor
from jaring.audit.models import GENESIS_HASH, AuditEvent, AuditHead


def _describe(target: Any) -> tuple[str, str, str]:
    if target is None:
        return "", "", ""
    object_type = f"{target._meta.app_label}.{target._meta.model_name}"
    country = ""
    if hasattr(target, "policy_country"):
        country = target.policy_country() or ""
    else:
        country = getattr(target, "country_id", None) or ""
    # A refused request may name a "country" straight from its URL: only a real code
    # is recorded as the event's country (the column holds two letters).
    if not (isinstance(country, str) and len(country) == 2 and country.isalpha()):
        country = ""
    return object_type, str(target.pk), country


def record_event(
    action: str,
    *,
    actor: Any = None,
    target: Any = None,
    object_type: str = "",
    object_id: str = "",
    country: str = "",
    detail: dict | None = None,
    request: Any = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction if there is one.

    Never put personal data in ``detail``: name the record, not its contents.
    """
    context = current_actor.get()
    if actor is None:
        actor = context.user
    ip_address = client_ip(request) if request is not None else context.ip_address
    if target is not None:
        object_type, object_id, target_country = _describe(target)
        country = country or target_country
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            seq=head.seq + 1,
            actor=actor if actor is not None and actor.pk else None,
            actor_label=actor.get_username() if actor is not None and actor.pk else context.via,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            country=country or "",
            ip_address=ip_address,
            via=context.via,
            detail=detail or {},
            prev_hash=head.hash,
        )
        event.hash = event.compute_hash()
        event.save(force_insert=True)
        AuditHead.objects.filter(pk=1).update(seq=event.seq, hash=event.hash)
    return event


@dataclass(frozen=True)
class Verification:
    checked: int
    broken_at: int | None
    reason: str

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def _events(batch: int = 5000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify_chain(progress: Any = None) -> Verification:
    """Walk the chain from the start; report the first event whose link is broken."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for event in _events():
        if event.seq != expected_seq:
            return Verification(checked, event.seq, f"sequence gap: expected #{expected_seq}")
        if event.prev_hash != expected_prev:
            return Verification(checked, event.seq, "link to the previous event does not match")
        if event.compute_hash() != event.hash:
            return Verification(checked, event.seq, "content does not match its hash")
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
        if progress is not None:
            progress(checked)
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != checked or head.hash != expected_prev):
        return Verification(checked, checked + 1, "events after the last one are missing")
    return Verification(checked, None, "")


@contextmanager
def as_system(via: str = "cli") -> Iterator[None]:
    """Mark the events written inside as coming from the CLI or background work."""
    token = current_actor.set(Actor(user=None, ip_address=None, via=via))
    try:
        yield
    finally:
        current_actor.reset(token)
