from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from jaring.core.decorators import AuthenticatedRequest, public, requires
from jaring.core.disclosure import Policy
from jaring.identity import policy
from jaring.merl import charts, imports, services
from jaring.merl.export import open_years, render_export
from jaring.merl.forms import (
    DimensionForm,
    EntryChoiceForm,
    ExplainForm,
    FollowUpForm,
    LearningForm,
    ReasonForm,
    ScorecardForm,
    UploadForm,
)
from jaring.merl.models import (
    Indicator,
    LearningEntry,
    PeriodApproval,
    Plan,
    ResultNode,
    Violation,
)
from jaring.merl.periods import Period, PeriodError
from jaring.merl.publication import public_values
from jaring.merl.rows import RowIn
from jaring.merl.scorecard import scorecard as build_scorecard
from jaring.merl.values import REGION

ACTIONS = {"submit", "approve", "return", "accept", "unlock"}
MAX_ERRORS_SHOWN = 500


def _period_or_404(text: str) -> Period:
    try:
        return Period.parse(text)
    except PeriodError:
        raise Http404 from None


def _indicator_or_404(code: str) -> Indicator:
    return get_object_or_404(Indicator.objects.select_related("node", "numerator",
                                                              "denominator"), code=code)


# --- Framework --------------------------------------------------------------------------


@requires("merl.framework.view")
def framework(request: AuthenticatedRequest) -> HttpResponse:
    plans = Plan.objects.prefetch_related(Prefetch(
        "nodes", queryset=ResultNode.objects.prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.annotate(
                dimension_count=Count("dimensions"))))))
    return render(request, "merl/framework.html", {"plans": plans})


@requires("merl.framework.view")
@require_http_methods(["GET", "POST"])
def indicator_detail(request: AuthenticatedRequest, code: str) -> HttpResponse:
    indicator = _indicator_or_404(code)
    form = DimensionForm(request.POST or None)
    if request.method == "POST":
        policy.check(request.user, "merl.framework.manage", request=request)
        if form.is_valid():
            services.add_dimension(request.user, indicator, form.cleaned_data["code_list"])
            messages.success(request, "Disaggregation added; stored values are kept as totals.")
            return redirect("merl:indicator", code=indicator.code)
    return render(request, "merl/indicator.html", {
        "indicator": indicator, "dimensions": indicator.dimensions.select_related("code_list"),
        "targets": indicator.targets.all(), "learning": indicator.learning.all()[:20],
        "form": form, "can_manage": policy.allowed(request.user, "merl.framework.manage"),
    }, status=400 if request.method == "POST" else 200)


# --- Data entry ---------------------------------------------------------------------------


@requires("merl.value.enter")
def entry_choose(request: AuthenticatedRequest) -> HttpResponse:
    countries = [request.user.country_code] if request.user.country_code else []
    form = EntryChoiceForm(request.GET or None, countries=countries)
    if form.is_bound and form.is_valid():
        return redirect("merl:entry", country=form.cleaned_data["country"],
                        period=form.cleaned_data["period"])
    return render(request, "merl/entry_choose.html", {"form": form})


def _grid_rows(request, country: str, period: Period) -> list[RowIn]:
    rows = []
    for n, (indicator, key, _) in enumerate(imports.template_rows(country, period), 1):
        value = request.POST.get(f"v|{indicator.code}|{key}", "").strip()
        if value:
            rows.append(RowIn(n, indicator.code, country, str(period), value, key))
    return rows


@requires("merl.value.enter")
@require_http_methods(["GET", "POST"])
def entry(request: AuthenticatedRequest, country: str, period: str) -> HttpResponse:
    """The data-entry grid: every cell of the country's form for the period."""
    parsed = _period_or_404(period)
    policy.check(request.user, "merl.value.enter", services.country_scope(country),
                 request=request)
    errors: dict[int, list[str]] = {}
    if request.method == "POST":
        result = services.store_values(request.user, _grid_rows(request, country, parsed),
                                       "web")
        for error in result.errors:
            errors.setdefault(error.line, []).append(f"{error.field}: {error.reason}")
        if not errors:
            messages.success(request, f"Saved: {result.created} new, {result.updated} "
                                      f"changed, {result.unchanged} unchanged.")
            return redirect("merl:entry", country=country, period=str(parsed))
    approval = PeriodApproval.objects.filter(country_id=country, period=str(parsed)).first()
    rows = [{"n": n, "indicator": i, "key": k, "value": v, "errors": errors.get(n, []),
             "name": f"v|{i.code}|{k}",
             "posted": request.POST.get(f"v|{i.code}|{k}", v) if request.method == "POST"
             else v}
            for n, (i, k, v) in enumerate(imports.template_rows(country, parsed), 1)]
    return render(request, "merl/entry.html", {
        "country": country, "period": str(parsed), "rows": rows, "approval": approval,
        "locked": approval is not None and approval.locked,
    }, status=400 if errors else 200)


@requires("merl.value.enter")
def template_download(request: AuthenticatedRequest, country: str, period: str) -> HttpResponse:
    parsed = _period_or_404(period)
    policy.check(request.user, "merl.value.enter", services.country_scope(country),
                 request=request)
    response = HttpResponse(
        imports.template_workbook(country, parsed),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="jaring-{country}-{parsed}.xlsx"'
    return response


@requires("merl.value.enter")
@require_http_methods(["GET", "POST"])
def upload(request: AuthenticatedRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            fmt = form.cleaned_data["format"] or imports.guess_format(upload_file.name)
        except imports.FileRejected as exc:
            form.add_error("format", str(exc))
        else:
            result = services.import_values(request.user, upload_file.read(), fmt)
    return render(request, "merl/upload.html", {
        "form": form, "result": result,
        "errors": result.errors[:MAX_ERRORS_SHOWN] if result else [],
    }, status=400 if request.method == "POST" and result is None else 200)


# --- Approval and validation -----------------------------------------------------------------


@requires("merl.value.view")
def approvals(request: AuthenticatedRequest) -> HttpResponse:
    rows = PeriodApproval.objects.select_related("country")
    if request.user.is_regional and policy.allowed(request.user, "merl.regional.review"):
        queue = rows.filter(state__in=[PeriodApproval.State.APPROVED,
                                       PeriodApproval.State.ACCEPTED])
    else:
        queue = policy.scope_queryset(request.user, "merl.value.view", rows)
    return render(request, "merl/approvals.html", {
        "queue": queue.order_by("state", "-period")[:300],
        "can_submit": policy.allowed(request.user, "merl.period.submit"),
        "can_approve": policy.allowed(request.user, "merl.period.approve"),
        "is_secretariat": request.user.is_regional and policy.allowed(
            request.user, "merl.regional.review"),
        "reason_form": ReasonForm(),
    })


@requires("merl.value.view")
@require_POST
def period_action(request: AuthenticatedRequest, country: str, period: str,
                  action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    _period_or_404(period)
    reason = request.POST.get("reason", "")
    try:
        if action == "submit":
            services.submit_period(request.user, country, period)
        elif action == "approve":
            services.approve_period(request.user, country, period)
        elif action == "return":
            services.return_period(request.user, country, period, reason)
        elif action == "accept":
            services.accept_period(request.user, country, period)
        else:
            services.unlock_period(request.user, country, period, reason)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{country} {period}: {action} done.")
    return redirect("merl:approvals")


@requires("merl.value.view")
def validation(request: AuthenticatedRequest) -> HttpResponse:
    rows = Violation.objects.select_related("indicator")
    if not (request.user.is_regional and policy.allowed(request.user, "merl.regional.review")):
        rows = policy.scope_queryset(request.user, "merl.value.view", rows)
    status = request.GET.get("status", "open")
    if status in Violation.Status.values:
        rows = rows.filter(status=status)
    return render(request, "merl/validation.html", {
        "violations": rows[:500], "status": status, "statuses": Violation.Status.choices,
        "explain_form": ExplainForm(),
        "can_explain": policy.allowed(request.user, "merl.value.enter"),
    })


@requires("merl.value.view")
@require_POST
def validation_run(request: AuthenticatedRequest) -> HttpResponse:
    summary = services.validate(request.user, request.user.country_code,
                                request.POST.get("period") or None)
    messages.success(request, f"{summary.found} findings, {summary.new} new, "
                              f"{summary.resolved} resolved.")
    return redirect("merl:validation")


@requires("merl.value.enter")
@require_POST
def violation_explain(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    violation = get_object_or_404(Violation, pk=pk)
    policy.check(request.user, "merl.value.enter", violation, conceal=True, request=request)
    form = ExplainForm(request.POST)
    if form.is_valid():
        services.explain_violation(request.user, violation, form.cleaned_data["note"])
        messages.success(request, "Explanation recorded.")
    else:
        messages.error(request, "Say why the value is right.")
    return redirect("merl:validation")


# --- Analysis --------------------------------------------------------------------------------


@requires("merl.framework.view")
def scorecard(request: AuthenticatedRequest) -> HttpResponse:
    default_year = timezone.localdate().year - 1
    form = ScorecardForm(request.GET or {"area": request.user.country_code or REGION,
                                         "year": default_year})
    area, year = REGION, default_year
    if form.is_valid():
        area, year = form.cleaned_data["area"], form.cleaned_data["year"]
    rows = build_scorecard(area, year)
    return render(request, "merl/scorecard.html", {
        "form": form, "rows": rows, "area": area, "year": year,
        "chart_indicator": request.GET.get("indicator") or "VA.REFERRAL_RATE",
        "indicators": [r.indicator for r in rows],
    })


@requires("merl.framework.view")
def chart(request: AuthenticatedRequest, name: str) -> HttpResponse:
    if name not in charts.CHARTS:
        raise Http404
    indicator = _indicator_or_404(request.GET.get("indicator", ""))
    area = request.GET.get("area", REGION)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return HttpResponseBadRequest("year: give a year such as 2025")
    if name == "trend":
        spec = charts.trend(indicator, area, year - 2, year)
    elif name == "comparison":
        spec = charts.comparison(indicator, year)
    else:
        spec = charts.breakdown(indicator, area, year)
    return JsonResponse(spec)


# --- Learning log ------------------------------------------------------------------------


@requires("merl.learning.view")
@require_http_methods(["GET", "POST"])
def learning(request: AuthenticatedRequest) -> HttpResponse:
    form = LearningForm(request.POST or None)
    if request.method == "POST":
        country = request.user.country_code or ""
        policy.check(request.user, "merl.learning.manage", services.country_scope(country),
                     request=request)
        if form.is_valid():
            codes = [c.strip() for c in form.cleaned_data["indicators"].split(",") if c.strip()]
            found = list(Indicator.objects.filter(code__in=codes))
            plan = Plan.objects.order_by("-start_year").first()
            if plan is None:
                form.add_error(None, "No results framework is loaded yet.")
            elif len(found) != len(set(codes)):
                form.add_error("indicators", "Unknown indicator code(s): " + ", ".join(
                    sorted(set(codes) - {i.code for i in found})))
            else:
                services.record_learning(
                    request.user, plan=plan, country=country, kind=form.cleaned_data["kind"],
                    title=form.cleaned_data["title"], text=form.cleaned_data["text"],
                    indicators=found, nodes={i.node for i in found})
                messages.success(request, "Recorded in the learning log.")
                return redirect("merl:learning")
    entries = LearningEntry.objects.prefetch_related("indicators").select_related("country")
    return render(request, "merl/learning.html", {
        "entries": entries[:200], "form": form, "follow_up_form": FollowUpForm(),
        "can_manage": policy.allowed(request.user, "merl.learning.manage"),
    }, status=400 if request.method == "POST" else 200)


@requires("merl.learning.manage")
@require_POST
def learning_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(LearningEntry, pk=pk)
    policy.check(request.user, "merl.learning.manage", entry, conceal=True, request=request)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        services.update_learning(request.user, entry, form.cleaned_data["status"],
                                 form.cleaned_data["follow_up"])
        messages.success(request, "Follow-up updated.")
    else:
        messages.error(request, "Choose a follow-up status.")
    return redirect("merl:learning")


# --- Publication ------------------------------------------------------------------------------

DOWNLOADS = {
    "csv": ("text/csv", "csv"),
    "sdmx-csv": ("application/vnd.sdmx.data+csv; version=2.0.0", "csv"),
    "sdmx-ml": ("application/vnd.sdmx.structurespecificdata+xml; version=3.0.0", "xml"),
    "structure": ("application/vnd.sdmx.structure+xml; version=3.0.0", "xml"),
}


@public
def open_data(request) -> HttpResponse:
    first, last = open_years()
    year = timezone.localdate().year - 1
    names = dict(Indicator.objects.values_list("code", "name"))
    values = [{"indicator": v.indicator, "name": names.get(v.indicator, ""), "period": v.period,
               "value": v.value}
              for v in public_values(first=Period(year, 1, "year"), last=Period(year, 1, "year"))
              if not v.disaggregation and v.country == REGION]
    return render(request, "merl/open_data.html", {
        "values": values, "year": year, "downloads": DOWNLOADS, "first": first, "last": last,
        "disclosure": Policy.from_settings(),
    })


@public
def open_data_download(request, fmt: str) -> HttpResponse:
    if fmt not in DOWNLOADS:
        raise Http404
    content_type, suffix = DOWNLOADS[fmt]
    response = HttpResponse(render_export(fmt), content_type=content_type)
    stamp = datetime.date.today().isoformat()
    response["Content-Disposition"] = f'attachment; filename="jaring-merl-{fmt}-{stamp}.{suffix}"'
    return response
