from __future__ import annotations

from decimal import Decimal

from ninja import Schema


class CountryOut(Schema):
    code: str
    iso3: str
    name: str
    calling_code: str
    currency: str
    is_member_state: bool


class RateOut(Schema):
    currency: str
    year: int
    units_per_usd: Decimal
    source: str


class ScamTypeOut(Schema):
    code: str
    name: str
    description: str
    mitre_f3: str
    gsma: str


class ChannelOut(Schema):
    code: str
    name: str
    kind: str


class CodeOut(Schema):
    code: str
    label: str
    lower: int | None = None
    upper: int | None = None


class CodeListOut(Schema):
    code: str
    name: str
    codes: list[CodeOut]
