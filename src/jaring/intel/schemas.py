from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Field, Schema


class IndicatorIn(Schema):
    kind: str = Field(..., description="phone, bank_account, ewallet, crypto_wallet, url, "
                      "domain, ip, email or social_handle")
    value: str = Field(..., max_length=2000)
    role: str | None = Field(None, description="caller, payee_account, website, ...")
    hint: str | None = Field(None, description="Bank, e-wallet provider or platform, "
                             "when the value alone does not say")


class ReportIn(Schema):
    reference: str = Field(..., max_length=100,
                           description="Your own reference; sending it again updates the report")
    reported_on: str
    incident_on: str | None = None
    scam_type: str
    channel: str | None = None
    loss_amount: str | None = None
    loss_currency: str | None = None
    victim_age_group: str | None = None
    victim_sex: str | None = None
    victim_nationality: str | None = None
    victim_residence: str | None = None
    victim_name: str | None = Field(None, description="Personal data: encrypted, never shared")
    victim_contact: str | None = Field(None, description="Personal data: encrypted, never shared")
    narrative: str | None = Field(None, description="Personal data: encrypted, never shared")
    tlp: str = Field("amber", description="clear, green, amber, amber+strict or red")
    indicators: list[IndicatorIn] = Field(default_factory=list, max_length=200)


class SightingOut(Schema):
    id: int
    kind: str
    value: str
    role: str
    linkable: bool


class ReportOut(Schema):
    id: int
    country: str
    organisation: str
    reference: str | None = Field(None, description="Only for the reporting country")
    reported_on: datetime.date
    incident_on: datetime.date | None
    scam_type: str
    channel: str | None
    loss_usd: Decimal | None
    tlp: str
    campaign: str | None
    access: str = Field(..., description="full (your country's report) or shared")
    indicators: list[SightingOut]


class ReportDetailOut(ReportOut):
    loss_amount: Decimal | None = None
    loss_currency: str | None = None
    victim_age_group: str | None = None
    victim_sex: str | None = None
    victim_nationality: str | None = None
    victim_residence: str | None = None
    victim_name: str | None = None
    victim_contact: str | None = None
    narrative: str | None = None


class SubmitOut(Schema):
    report: ReportOut
    created: bool
    campaigns: list[str]
    alerts: int


class MatchNoticeOut(Schema):
    country: str
    organisation: str
    contact_email: str
    reports: int


class CampaignOut(Schema):
    code: str
    report_count: int
    countries: list[str]
    total_loss_usd: Decimal
    first_seen: datetime.date | None
    last_seen: datetime.date | None


class SharedIndicatorOut(Schema):
    kind: str
    value: str
    reports: int


class CampaignDetailOut(CampaignOut):
    reports: list[ReportOut]
    shared_indicators: list[SharedIndicatorOut]
    match_notices: list[MatchNoticeOut]


class SearchOut(Schema):
    query: str
    kind: str | None
    value: str | None
    reason: str | None = None
    reports: list[ReportOut]
    campaigns: list[CampaignOut]
    match_notices: list[MatchNoticeOut]
    status: str | None = None


class AlertOut(Schema):
    id: int
    sequence: int
    campaign: str
    country: str
    day: datetime.date
    state: str
    report_count: int
    countries: list[str]
    total_loss_usd: Decimal
    first_seen: datetime.date | None
    last_seen: datetime.date | None
    shared_indicators: list[SharedIndicatorOut]


class AlertFeedOut(Schema):
    alerts: list[AlertOut]
    next_after: int = Field(..., description="Pass as ?after= to resume from here")


class AlertStateIn(Schema):
    state: str = Field(..., description="read, acknowledged or actioned")


class ReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=300)


class ReviewIn(ReasonIn):
    approve: bool


class WarninglistIn(Schema):
    kind: str
    value: str = Field(..., max_length=2000)
    reason: str = Field(..., min_length=1, max_length=300)


class WarninglistOut(Schema):
    id: int
    kind: str
    value: str
    reason: str
    created_at: datetime.datetime


class FlaggedOut(Schema):
    id: int
    kind: str
    value: str
    report_count: int
    status: str
