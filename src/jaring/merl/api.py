"""The MERL part of the JSON API (/api/v1/merl)."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from jaring.core.http import MAX_OFFSET
from jaring.identity import policy
from jaring.merl import services
from jaring.merl.models import DataValue, Indicator, LearningEntry, PeriodApproval, Plan, Violation
from jaring.merl.periods import Period, PeriodError
from jaring.merl.publication import public_values
from jaring.merl.rows import RowIn, StoreResult
from jaring.merl.schemas import (
    ApprovalOut,
    DataValueSetIn,
    FollowUpIn,
    IndicatorOut,
    LearningIn,
    LearningOut,
    NoteIn,
    PublicValueOut,
    ReasonIn,
    ScoreOut,
    StoreOut,
    ValidationOut,
    ValueOut,
    ValuesIn,
    ViolationOut,
)
from jaring.merl.scorecard import scorecard
from jaring.merl.values import REGION

router = Router(tags=["merl"])
ACTIONS = ("submit", "approve", "return", "accept", "unlock")


def _secretariat(user) -> bool:
    """The secretariat's approvers review every country; everyone else their own."""
    return getattr(user, "is_regional", False) and policy.allowed(user, "merl.regional.review")


def _store_out(result: StoreResult) -> dict:
    return {"created": result.created, "updated": result.updated, "unchanged": result.unchanged,
            "errors": [{"row": e.line, "field": e.field, "reason": e.reason}
                       for e in result.errors]}


def _period(text: str, field: str = "period") -> Period:
    try:
        return Period.parse(text)
    except PeriodError as exc:
        raise ValidationError({field: str(exc)}) from None


@router.get("/indicators", response=list[IndicatorOut], summary="The results framework's "
            "indicators")
def indicators(request: HttpRequest):
    policy.check(request.user, "merl.framework.view", request=request)
    rows = Indicator.objects.select_related("node").prefetch_related("dimensions")
    return [{"code": i.code, "name": i.name, "definition": i.definition, "unit": i.unit,
             "direction": i.direction, "aggregation": i.aggregation, "frequency": i.frequency,
             "source": i.source, "counts_people": i.counts_people, "result": i.node.code,
             "dimensions": sorted(d.code_list_id for d in i.dimensions.all())} for i in rows]


class ValueFilters(Schema):
    country: str | None = Field(None, pattern="^[A-Za-z]{2}$")
    period: str | None = Field(None, max_length=12)
    indicator: str | None = Field(None, max_length=30)
    limit: int = Field(1000, ge=1, le=10_000)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


@router.get("/values", response=list[ValueOut], summary="Stored values you may see, drafts "
            "included")
def list_values(request: HttpRequest, filters: Query[ValueFilters]):
    policy.check(request.user, "merl.value.view", request=request)
    rows = policy.scope_queryset(request.user, "merl.value.view",
                                 DataValue.objects.select_related("indicator", "entered_by"))
    if filters.country:
        rows = rows.filter(country_id=filters.country.upper())
    if filters.period:
        rows = rows.filter(period=str(_period(filters.period)))
    if filters.indicator:
        rows = rows.filter(indicator__code=filters.indicator)
    return [{"indicator": v.indicator.code, "country": v.country_id, "period": v.period,
             "disaggregation": v.disaggregation, "value": v.value, "source": v.source,
             "entered_by": v.entered_by.username if v.entered_by else None,
             "entered_at": v.entered_at.isoformat()}
            for v in rows[filters.offset:filters.offset + filters.limit]]


@router.post("/values", response=StoreOut, summary="Enter values; the good rows are stored, "
             "the others listed by row, field and reason")
def store_values(request: HttpRequest, body: ValuesIn):
    policy.check(request.user, "merl.value.enter", request=request)
    rows = [RowIn(n, v.indicator, v.country, v.period, v.value, v.disaggregation, v.comment)
            for n, v in enumerate(body.values, 1)]
    return _store_out(services.store_values(request.user, rows, "api"))


@router.post("/dhis2/dataValueSets", response=StoreOut,
             summary="Import a DHIS2 dataValueSet (idScheme=code)")
def import_dhis2(request: HttpRequest, body: DataValueSetIn):
    policy.check(request.user, "merl.value.enter", request=request)
    data = json.dumps(body.dict()).encode()
    return _store_out(services.import_values(request.user, data, "dhis2"))


@router.post("/adx", response=StoreOut, summary="Import an ADX document (the request body, "
             "as application/adx+xml)")
def import_adx(request: HttpRequest):
    policy.check(request.user, "merl.value.enter", request=request)
    return _store_out(services.import_values(request.user, request.body, "adx"))


@router.post("/files/{fmt}", response=StoreOut,
             summary="Import a file sent as the request body: xlsx (the template), csv, "
             "dhis2 or adx")
def import_file(request: HttpRequest, fmt: str):
    policy.check(request.user, "merl.value.enter", request=request)
    if fmt not in services.FORMAT_SOURCES:
        raise ValidationError({"fmt": f"one of {', '.join(services.FORMAT_SOURCES)}"})
    return _store_out(services.import_values(request.user, request.body, fmt))


@router.get("/template/{country}/{period}", response={200: None},
            summary="The Excel template for one country and period (xlsx)")
def template(request: HttpRequest, country: str, period: str):
    from jaring.merl.imports import template_workbook

    country = country.upper()
    policy.check(request.user, "merl.value.enter", services.country_scope(country),
                 request=request)
    response = HttpResponse(
        template_workbook(country, _period(period)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="jaring-{country}-{period}.xlsx"'
    return response


@router.post("/periods/{country}/{period}/{action}", response=ApprovalOut,
             summary="submit, approve, return, accept or unlock one country's period")
def period_action(request: HttpRequest, country: str, period: str, action: str,
                  body: ReasonIn):
    policy.check(request.user, "merl.value.view", request=request)
    if action not in ACTIONS:
        raise ValidationError({"action": f"one of {', '.join(ACTIONS)}"})
    period = str(_period(period))
    country = country.upper()
    if action == "submit":
        approval = services.submit_period(request.user, country, period)
    elif action == "approve":
        approval = services.approve_period(request.user, country, period)
    elif action == "return":
        approval = services.return_period(request.user, country, period, body.reason)
    elif action == "accept":
        approval = services.accept_period(request.user, country, period)
    else:
        approval = services.unlock_period(request.user, country, period, body.reason)
    return _approval(approval)


def _approval(a: PeriodApproval) -> dict:
    return {"country": a.country_id, "period": a.period, "state": a.state,
            "unlock_reason": a.unlock_reason}


@router.get("/periods", response=list[ApprovalOut], summary="Approval state of the periods "
            "you may see")
def periods(request: HttpRequest):
    policy.check(request.user, "merl.value.view", request=request)
    rows = PeriodApproval.objects.all()
    if not _secretariat(request.user):
        rows = policy.scope_queryset(request.user, "merl.value.view", rows)
    return [_approval(a) for a in rows[:5000]]


@router.get("/violations", response=list[ViolationOut], summary="Validation findings")
def violations(request: HttpRequest, status: str = "open"):
    policy.check(request.user, "merl.value.view", request=request)
    rows = Violation.objects.select_related("indicator").filter(status=status)
    if not _secretariat(request.user):
        rows = policy.scope_queryset(request.user, "merl.value.view", rows)
    return [_violation(v) for v in rows[:5000]]


def _violation(v: Violation) -> dict:
    return {"id": v.pk, "kind": v.kind, "country": v.country_id, "period": v.period,
            "indicator": v.indicator.code if v.indicator else None,
            "disaggregation": v.disaggregation, "message": v.message, "status": v.status,
            "note": v.note}


@router.post("/violations/{violation_id}/explain", response=ViolationOut,
             summary="Say why a flagged value is right; the finding stays listed")
def explain(request: HttpRequest, violation_id: int, body: NoteIn):
    policy.check(request.user, "merl.value.enter", request=request)
    violation = get_object_or_404(Violation, pk=violation_id)
    policy.check(request.user, "merl.value.enter", violation, conceal=True, request=request)
    return _violation(services.explain_violation(request.user, violation, body.note))


@router.post("/validation", response=ValidationOut, summary="Validate your country's values")
def run_validation(request: HttpRequest, period: str | None = None):
    policy.check(request.user, "merl.value.view", request=request)
    summary = services.validate(request.user, getattr(request.user, "country_code", None), period)
    return {"found": summary.found, "new": summary.new, "resolved": summary.resolved}


@router.get("/scorecard", response=list[ScoreOut], summary="A country's or the region's "
            "scorecard for a year")
def get_scorecard(request: HttpRequest, year: int = Query(..., ge=2000, le=2100),
                  area: str = Query(REGION, pattern="^[A-Za-z]{2}$")):
    policy.check(request.user, "merl.framework.view", request=request)
    return [{"indicator": r.indicator.code, "value": r.value, "baseline": r.baseline,
             "target": r.target, "progress": r.progress, "status": r.status}
            for r in scorecard(area.upper(), year)]


@router.get("/open-data", response=list[PublicValueOut],
            summary="Published figures, disclosure-controlled as on the open-data page")
def open_data(request: HttpRequest, first: int = Query(..., ge=2000, le=2100),
              last: int = Query(..., ge=2000, le=2100)):
    policy.check(request.user, "merl.framework.view", request=request)
    return [vars(v) for v in public_values(first=Period(first, 1, "year"),
                                           last=Period(max(first, last), 1, "year"))]


def _learning(e: LearningEntry) -> dict:
    return {"id": e.pk, "kind": e.kind, "country": e.country_id, "title": e.title,
            "text": e.text, "indicators": [i.code for i in e.indicators.all()],
            "status": e.status, "follow_up": e.follow_up}


@router.get("/learning", response=list[LearningOut], summary="The learning log")
def learning(request: HttpRequest):
    policy.check(request.user, "merl.learning.view", request=request)
    return [_learning(e) for e in LearningEntry.objects.prefetch_related("indicators")[:500]]


@router.post("/learning", response={201: LearningOut}, summary="Record a lesson or "
             "recommendation for your country")
def add_learning(request: HttpRequest, body: LearningIn):
    policy.check(request.user, "merl.learning.manage", request=request)
    plan = Plan.objects.order_by("-start_year").first()
    if plan is None:
        raise ValidationError({"plan": "no results framework is loaded"})
    found = list(Indicator.objects.filter(code__in=body.indicators))
    if len(found) != len(set(body.indicators)):
        raise ValidationError({"indicators": "unknown indicator code"})
    entry = services.record_learning(
        request.user, plan=plan, country=getattr(request.user, "country_code", None) or "",
        kind=body.kind,
        title=body.title, text=body.text, indicators=found, nodes={i.node for i in found})
    return Status(201, _learning(entry))


@router.get("/learning/{entry_id}", response=LearningOut, summary="One learning-log entry")
def get_learning(request: HttpRequest, entry_id: int):
    policy.check(request.user, "merl.learning.view", request=request)
    return _learning(get_object_or_404(LearningEntry, pk=entry_id))


@router.post("/learning/{entry_id}/follow-up", response=LearningOut,
             summary="Update a learning-log entry's follow-up status")
def follow_up(request: HttpRequest, entry_id: int, body: FollowUpIn):
    policy.check(request.user, "merl.learning.manage", request=request)
    entry = get_object_or_404(LearningEntry, pk=entry_id)
    return _learning(services.update_learning(request.user, entry, body.status, body.follow_up))
