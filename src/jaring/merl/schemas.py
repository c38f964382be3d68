from __future__ import annotations

from decimal import Decimal

from ninja import Field, Schema


class IndicatorOut(Schema):
    code: str
    name: str
    definition: str
    unit: str
    direction: str
    aggregation: str
    frequency: str
    source: str
    counts_people: bool
    result: str
    dimensions: list[str]


class ValueIn(Schema):
    indicator: str = Field(..., max_length=30)
    country: str = Field(..., max_length=2)
    period: str = Field(..., max_length=12, description="2025, 2025-S1, 2025-Q3 or 2025-07")
    value: str = Field(..., max_length=40)
    disaggregation: str = Field("", max_length=200, description="e.g. sex=F;age-group=18-24")
    comment: str = Field("", max_length=500)


class ValuesIn(Schema):
    values: list[ValueIn] = Field(..., max_length=100_000)


class RowErrorOut(Schema):
    row: int
    field: str
    reason: str


class StoreOut(Schema):
    created: int
    updated: int
    unchanged: int
    errors: list[RowErrorOut]


class ValueOut(Schema):
    indicator: str
    country: str
    period: str
    disaggregation: str
    value: Decimal
    source: str
    entered_by: str | None
    entered_at: str


class DhisValueIn(Schema):
    dataElement: str
    period: str | None = None
    orgUnit: str | None = None
    categoryOptionCombo: str | None = None
    value: str | None = None
    comment: str | None = None


class DataValueSetIn(Schema):
    period: str | None = None
    orgUnit: str | None = None
    dataValues: list[DhisValueIn] = Field(..., max_length=1_000_000)


class ReasonIn(Schema):
    reason: str = Field("", max_length=500)


class ApprovalOut(Schema):
    country: str
    period: str
    state: str
    unlock_reason: str


class ViolationOut(Schema):
    id: int
    kind: str
    country: str
    period: str
    indicator: str | None
    disaggregation: str
    message: str
    status: str
    note: str


class ValidationOut(Schema):
    found: int
    new: int
    resolved: int


class ScoreOut(Schema):
    indicator: str
    value: Decimal | None
    baseline: Decimal | None
    target: Decimal | None
    progress: float | None
    status: str


class PublicValueOut(Schema):
    indicator: str
    country: str
    period: str
    disaggregation: str
    value: Decimal | None
    status: str
    unit: str


class LearningIn(Schema):
    kind: str
    title: str = Field(..., max_length=200)
    text: str = Field(..., max_length=20_000)
    indicators: list[str] = Field(default_factory=list, max_length=50)


class LearningOut(Schema):
    id: int
    kind: str
    country: str
    title: str
    text: str
    indicators: list[str]
    status: str
    follow_up: str


class NoteIn(Schema):
    note: str = Field(..., max_length=500)


class FollowUpIn(Schema):
    status: str = Field(..., description="open, in_progress, done or dropped")
    follow_up: str = Field("", max_length=5000)
