from __future__ import annotations

from datetime import datetime

from ninja import Schema


class OrganisationOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    country: str | None


class MeOut(Schema):
    username: str
    role: str
    organisation: OrganisationOut | None
    country: str | None
    permissions: list[str]
    token_scopes: list[str] | None = None
    token_expires_at: datetime | None = None
