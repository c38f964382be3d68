"""The intelligence part of the JSON API (/api/v1/intel)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from jaring.core.http import MAX_OFFSET
from jaring.identity import policy
from jaring.intel import queries, services, visibility
from jaring.intel.export import export_document
from jaring.intel.indicators import IndicatorKind
from jaring.intel.models import Alert, Campaign, Indicator, Sighting, WarninglistEntry
from jaring.intel.schemas import (
    AlertFeedOut,
    AlertOut,
    AlertStateIn,
    CampaignDetailOut,
    CampaignOut,
    FlaggedOut,
    ReasonIn,
    ReportDetailOut,
    ReportIn,
    ReportOut,
    ReviewIn,
    SearchOut,
    SubmitOut,
    WarninglistIn,
    WarninglistOut,
)
from jaring.intel.sharing import TLP
from jaring.reference.models import Country, ScamType

router = Router(tags=["intel"])


class ReportFilters(Schema):
    country: str | None = Field(None, pattern="^[A-Za-z]{2}$")
    scam_type: str | None = Field(None, max_length=40)
    campaign: str | None = Field(None, max_length=20)
    since: datetime.date | None = None
    until: datetime.date | None = None
    tlp: TLP | None = None
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


def _codes(campaign_ids: set[int]) -> list[str]:
    rows = Campaign.objects.filter(pk__in=campaign_ids, status=Campaign.Status.ACTIVE)
    return sorted(c.code for c in rows)


def _page(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(limit, 500)), max(0, offset)


@router.post("/reports", response={200: SubmitOut, 201: SubmitOut},
             summary="Submit a fraud report, or update it by sending the same reference")
def submit_report(request: HttpRequest, body: ReportIn):
    policy.check(request.user, "intel.report.submit", request=request)
    report, result = services.submit_report(request.user, body.dict())
    report = queries.visible_report_list(request.user).get(pk=report.pk)
    out = {
        "report": queries.report_dict(request.user, report, visibility.FULL),
        "created": bool(result.created),
        "campaigns": _codes(result.campaigns),
        "alerts": result.alerts,
    }
    return Status(201 if result.created else 200, out)


@router.get("/reports", response=list[ReportOut], summary="Reports you may see")
def list_reports(request: HttpRequest, filters: Query[ReportFilters]):
    policy.check(request.user, "intel.shared.view", request=request)
    if filters.scam_type and not ScamType.objects.filter(pk=filters.scam_type).exists():
        raise ValidationError({"scam_type": f"unknown scam type {filters.scam_type!r}"})
    if filters.country and not Country.objects.filter(pk=filters.country.upper()).exists():
        raise ValidationError({"country": f"unknown country {filters.country!r}"})
    campaign = None
    if filters.campaign:
        campaign = services.campaign_by_code(filters.campaign)
        if campaign is None:
            return []
    limit, offset = filters.limit, filters.offset
    rows = list(queries.visible_report_list(
        request.user, country=filters.country, scam_type=filters.scam_type, campaign=campaign,
        since=filters.since, until=filters.until, tlp=filters.tlp,
    )[offset:offset + limit])
    return queries.shown_reports(request.user, rows, action="intel.reports.view_shared",
                                 request=request)


@router.get("/reports/{report_id}", response=ReportDetailOut, summary="One report")
def get_report(request: HttpRequest, report_id: int):
    policy.check(request.user, "intel.shared.view", request=request)
    report, access = queries.open_report(request.user, report_id, request=request)
    return queries.report_detail(request.user, report, access, request=request)


@router.get("/search", response=SearchOut,
            summary="Find every report and campaign with an indicator, pasted as it comes")
def search(request: HttpRequest, q: str = Query(..., min_length=1, max_length=2000),
           kind: IndicatorKind | None = None):
    policy.check(request.user, "intel.shared.view", request=request)
    return vars(queries.search(request.user, q, kind, request=request))


@router.get("/campaigns", response=list[CampaignOut], summary="Campaigns you may see")
def list_campaigns(request: HttpRequest, cross_border: bool = False, limit: int = 50,
                   offset: int = Query(0, ge=0, le=MAX_OFFSET)):
    policy.check(request.user, "intel.shared.view", request=request)
    limit, offset = _page(limit, offset)
    rows = queries.visible_campaigns(request.user).order_by("-updated_at", "-pk")
    if cross_border:
        rows = rows.filter(countries__contains=",")
    return [queries.campaign_dict(c) for c in rows[offset:offset + limit]]


@router.get("/campaigns/{code}", response=CampaignDetailOut, summary="One campaign")
def get_campaign(request: HttpRequest, code: str):
    policy.check(request.user, "intel.shared.view", request=request)
    campaign = queries.open_campaign(request.user, code, request=request)
    return queries.campaign_detail(request.user, campaign, request=request)


@router.get("/alerts", response=AlertFeedOut,
            summary="Your country's alerts after a sequence number, oldest first (poll this)")
def alert_feed(request: HttpRequest, after: int = 0, limit: int = 100):
    policy.check(request.user, "intel.alert.view", request=request)
    limit = max(1, min(limit, 500))
    rows = list(queries.alerts_for(request.user).filter(sequence__gt=after)
                .order_by("sequence")[:limit])
    return {
        "alerts": queries.alert_dicts(request.user, rows, request=request),
        "next_after": rows[-1].sequence if rows else after,
    }


@router.post("/alerts/{alert_id}/state", response=AlertOut, summary="Mark an alert")
def alert_state(request: HttpRequest, alert_id: int, body: AlertStateIn):
    policy.check(request.user, "intel.alert.update", request=request)
    alert = get_object_or_404(Alert, pk=alert_id)
    policy.check(request.user, "intel.alert.update", alert, conceal=True, request=request)
    alert = services.set_alert_state(request.user, alert, body.state)
    return queries.alert_dict(request.user, alert)


@router.post("/sightings/{sighting_id}/unlink", response=list[str],
             summary="Mark a link wrong: this indicator does not connect this report")
def unlink(request: HttpRequest, sighting_id: int, body: ReasonIn):
    policy.check(request.user, "intel.link.manage", request=request)
    sighting = get_object_or_404(Sighting.objects.select_related("report"), pk=sighting_id)
    policy.check(request.user, "intel.link.manage", sighting, conceal=True, request=request)
    changed = services.mark_link_wrong(request.user, sighting, body.reason)
    return _codes(changed)


@router.get("/export", response=dict,
            summary="Reports you may see as a STIX 2.1 bundle or a MISP event, without "
            "personal data")
def export(request: HttpRequest, format: str = "stix", campaign: str | None = None,
           country: str | None = None, since: datetime.date | None = None):
    policy.check(request.user, "intel.exchange", request=request)
    if format not in ("stix", "misp"):
        raise ValidationError({"format": "use stix or misp"})
    found = queries.open_campaign(request.user, campaign, request=request) if campaign else None
    document, _ = export_document(request.user, format, campaign=found, country=country,
                                  since=since, actor=request.user)
    return document


@router.get("/indicators/flagged", response=list[FlaggedOut],
            summary="Indicators over the fan-out cap, awaiting review")
def flagged(request: HttpRequest):
    policy.check(request.user, "intel.indicator.review", request=request)
    rows = queries.flagged_for(request.user)
    return [{"id": i.pk, "kind": i.kind, "value": i.value or "(restricted)",
             "report_count": i.report_count, "status": i.status} for i in rows[:500]]


@router.post("/indicators/{indicator_id}/review", response=FlaggedOut,
             summary="Approve a flagged indicator to link, or warninglist it")
def review(request: HttpRequest, indicator_id: int, body: ReviewIn):
    policy.check(request.user, "intel.indicator.review", request=request)
    indicator = get_object_or_404(Indicator, pk=indicator_id)
    if not services.may_review(request.user, indicator):
        policy.deny(request.user, "intel.indicator.review", indicator, conceal=True,
                    request=request)
    services.review_flagged(request.user, indicator, approve=body.approve, reason=body.reason)
    indicator.refresh_from_db()
    return {"id": indicator.pk, "kind": indicator.kind, "value": indicator.value or "(restricted)",
            "report_count": indicator.report_count, "status": indicator.status}


@router.get("/warninglist", response=list[WarninglistOut], summary="Values that never link")
def warninglist(request: HttpRequest):
    policy.check(request.user, "intel.warninglist.view", request=request)
    return list(WarninglistEntry.objects.all()[:2000])


@router.post("/warninglist", response={201: WarninglistOut},
             summary="Add to the warninglist (adding a listed value again answers 201 too)")
def add_warning(request: HttpRequest, body: WarninglistIn):
    policy.check(request.user, "intel.warninglist.manage", request=request)
    return Status(201, services.add_to_warninglist(request.user, body.kind, body.value,
                                                   body.reason))


@router.delete("/warninglist/{entry_id}", response={204: None},
               summary="Remove from the warninglist")
def remove_warning(request: HttpRequest, entry_id: int):
    policy.check(request.user, "intel.warninglist.manage", request=request)
    services.remove_from_warninglist(request.user, get_object_or_404(WarninglistEntry,
                                                                     pk=entry_id))
    return Status(204, None)
