"""Who is acting and from where, for audit events written deep inside services."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass
class Actor:
    user: Any = None
    ip_address: str | None = None
    via: str = "system"


current_actor: ContextVar[Actor] = ContextVar("current_actor", default=Actor())  # noqa: B039


def client_ip(request: Any) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy
    # rewrites it, and audit records must not be forgeable by the client.
    return request.META.get("REMOTE_ADDR") or None
