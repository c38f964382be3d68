"""Shapes of the care API (/api/v1/care)."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from ninja import Field
from ninja import Schema as NinjaSchema
from pydantic import field_validator


def _no_nul(value: Any) -> Any:
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("must not contain NUL characters")
    if isinstance(value, list | tuple):
        for item in value:
            _no_nul(item)
    if isinstance(value, dict):
        for key, item in value.items():
            _no_nul(key)
            _no_nul(item)
    return value


class Schema(NinjaSchema):
    """Refuses NUL characters anywhere in a request body: PostgreSQL cannot store them,
    and free text here ends up in text and JSON columns."""

    @field_validator("*", mode="before")
    @classmethod
    def _reject_nul(cls, value: Any) -> Any:
        return _no_nul(value)


class DocumentIn(Schema):
    type: str = Field(..., max_length=40, description="passport, national_id, ...")
    number: str = Field(..., max_length=60)
    country: str = Field("", max_length=2)


class PersonIn(Schema):
    given_name: str = Field("", max_length=200)
    family_name: str = Field("", max_length=200)
    aliases: list[str] = Field(default_factory=list, max_length=20)
    date_of_birth: str = Field("", description="YYYY-MM-DD, or empty with estimated_age")
    estimated_age: int | None = Field(None, ge=0, le=120)
    languages: list[str] = Field(default_factory=list, max_length=20)
    contact: str = Field("", max_length=300)
    documents: list[DocumentIn] = Field(default_factory=list, max_length=20)


class CaseIn(Schema):
    case_type: str = Field(..., description="fraud_victim, trafficking_survivor or both")
    person: PersonIn
    sex: str = Field("", description="female, male, other or empty")
    nationality: str | None = Field(None, pattern="^[A-Z]{2}$")
    risk_level: str = "medium"


class CaseOut(Schema):
    id: int
    reference: str
    country: str
    organisation: str
    case_type: str
    state: str
    risk_level: str
    non_punishment: bool = Field(..., description="Presumed trafficking victim: must not be "
                                 "treated as an offender for what they were forced to do")
    registered_on: datetime.date
    name: str = Field(..., description="Masked on lists; open the case to see it")
    sex: str
    age_group: str
    nationality: str


class CaseDetailOut(Schema):
    id: int
    reference: str
    country: str
    organisation: str
    owner: str
    case_type: str
    state: str
    risk_level: str
    non_punishment: bool
    registered_on: datetime.date
    closed_on: datetime.date | None
    closure_reason: str
    person: dict[str, Any]
    assessment: str
    supervisor_note: str | None = Field(None, description="Supervisors only")
    screenings: list[dict[str, Any]]
    consents: list[dict[str, Any]]
    plans: list[dict[str, Any]]
    services: list[dict[str, Any]]
    referrals: list[dict[str, Any]]
    transfers: list[dict[str, Any]]
    tasks: list[dict[str, Any]]
    history: list[dict[str, Any]]


class ScreeningIn(Schema):
    indicators: dict[str, bool] = Field(default_factory=dict)
    elements: dict[str, bool] = Field(default_factory=dict)
    override_reason: str = Field("", max_length=300)


class ScreeningOut(Schema):
    id: int
    result: str
    reasons: list[str]
    non_punishment: bool


class TransitionIn(Schema):
    action: Literal["assess", "request_closure", "approve_closure", "follow_up", "reopen"]
    notes: str = Field("", max_length=5000)
    risk_level: str = "medium"
    reason: str = Field("", max_length=300)


class GoalIn(Schema):
    service_type: str
    goal: str = Field(..., max_length=300)


class PlanIn(Schema):
    goals: list[GoalIn] = Field(..., max_length=30)


class PlanOut(Schema):
    id: int
    version: int
    goals: list[dict[str, str]]
    approved: bool


class ConsentIn(Schema):
    purpose: str
    method: str
    given_on: datetime.date | None = None
    fields: list[str] = Field(default_factory=list)


class ConsentOut(Schema):
    id: int
    purpose: str
    method: str
    given_on: datetime.date
    fields: list[str]
    withdrawn_on: datetime.date | None


class ServiceIn(Schema):
    service_type: str
    delivered_on: datetime.date
    provider: int | None = None
    note: str = Field("", max_length=500)


class ReferralIn(Schema):
    provider: int
    service_type: str
    note: str = Field("", max_length=500)
    override_reason: str = Field("", max_length=300)


class ReferralOut(Schema):
    id: int
    case: str
    provider: str
    service_type: str
    state: str
    sent_at: datetime.datetime


class ReferralStateIn(Schema):
    state: Literal["accepted", "declined", "completed"]


class TransferIn(Schema):
    to_organisation: int
    override_reason: str = Field("", max_length=300)
    override_fields: list[str] = Field(default_factory=list)


class TransferOut(Schema):
    id: int
    package_id: str
    case: str
    from_country: str
    to_country: str
    to_organisation: str
    state: str
    sent_at: datetime.datetime
    received_case: int | None = None


class TransferAnswerIn(Schema):
    accept: bool
    reason: str = Field("", max_length=300)


class TaskOut(Schema):
    id: int
    case_id: int
    case: str
    kind: str
    title: str
    due_on: datetime.date


class ProviderOut(Schema):
    id: int
    name: str
    country: str
    city: str
    services: list[str]
    contact: str
    organisation_id: int | None


class InboxOut(Schema):
    referrals: list[ReferralOut]
    transfers_in: list[TransferOut]
    transfers_out: list[TransferOut]


class AssignIn(Schema):
    user: int
    remove: bool = False


class ReportLinksIn(Schema):
    report_ids: list[int] = Field(..., min_length=1, max_length=50)


class NoteIn(Schema):
    note: str = Field("", max_length=5000)


class ReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=300)


class DisclosureIn(Schema):
    recipient: str = Field(..., max_length=200)
    purpose: str = Field(..., max_length=300)
    override_reason: str = Field("", max_length=300)


class TeamIn(Schema):
    team: int | None = Field(None, description="A team of the case's organisation, or null")
