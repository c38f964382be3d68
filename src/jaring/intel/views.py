from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from jaring.core.decorators import AuthenticatedRequest, requires
from jaring.identity import policy
from jaring.intel import charts, graph, queries, services, visibility
from jaring.intel.export import export_document
from jaring.intel.forms import (
    IndicatorFormSet,
    ReasonForm,
    ReportFilterForm,
    ReportForm,
    SearchForm,
    WarninglistForm,
)
from jaring.intel.models import Alert, FraudReport, Indicator, Sighting, WarninglistEntry

PAGE = 50


@requires("intel.report.submit")
@require_http_methods(["GET", "POST"])
def report_new(request: AuthenticatedRequest) -> HttpResponse:
    form = ReportForm(request.POST or None)
    indicators = IndicatorFormSet(request.POST or None, prefix="ind")
    errors: list = []
    if request.method == "POST" and form.is_valid() and indicators.is_valid():
        raw = {k: (v.isoformat() if hasattr(v, "isoformat") else v)
               for k, v in form.cleaned_data.items() if v not in (None, "")}
        raw["indicators"] = [
            {k: v for k, v in row.items() if v}
            for row in indicators.cleaned_data if row.get("value")
        ]
        try:
            report, result = services.submit_report(request.user, raw)
        except services.ReportRejected as exc:
            errors = exc.field_errors
            for error in errors:
                if error.field in form.fields:
                    form.add_error(error.field, error.reason)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            verb = "updated" if result.updated else "submitted"
            note = f" It links into {len(result.campaigns)} campaign(s)." if result.campaigns \
                else ""
            messages.success(request, f"Report {report.reference} {verb}.{note}")
            return redirect("intel:report", pk=report.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "intel/report_form.html", {
        "form": form, "indicators": indicators,
        "indicator_errors": [e for e in errors if e.field.startswith("indicator")],
    }, status=status)


@requires("intel.shared.view")
def report_list(request: AuthenticatedRequest) -> HttpResponse:
    form = ReportFilterForm(request.GET or None)
    # An invalid filter shows the form's error and no rows, never the unfiltered list.
    filters: dict[str, Any] = {}
    if form.is_bound:
        filters = form.cleaned_data if form.is_valid() else {"campaign": "-"}
    campaign = None
    if filters.get("campaign"):
        campaign = services.campaign_by_code(filters["campaign"])
    rows = queries.visible_report_list(
        request.user, country=filters.get("country"), scam_type=filters.get("scam_type"),
        campaign=campaign, since=filters.get("since"), until=filters.get("until"),
        tlp=filters.get("tlp"),
    ).select_related("scam_type")
    if filters.get("campaign") and campaign is None:
        rows = rows.none()
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    reports = queries.shown_reports(request.user, list(page.object_list),
                                    action="intel.reports.view_shared", request=request)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "intel/report_list.html", {
        "form": form, "page": page, "reports": reports, "query": query.urlencode(),
    }, status=400 if form.errors else 200)


@requires("intel.shared.view")
def report_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report, access = queries.open_report(request.user, pk, request=request)
    detail = queries.report_detail(request.user, report, access, request=request)
    can_unlink = policy.allowed(request.user, "intel.link.manage", report)
    return render(request, "intel/report_detail.html", {
        "report": report, "detail": detail, "own": access == visibility.FULL,
        "can_unlink": can_unlink, "reason_form": ReasonForm(),
    })


@requires("intel.link.manage")
@require_POST
def unlink(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    sighting = get_object_or_404(Sighting.objects.select_related("report"), pk=pk)
    policy.check(request.user, "intel.link.manage", sighting, conceal=True, request=request)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the link is wrong.")
    else:
        changed = services.mark_link_wrong(request.user, sighting, form.cleaned_data["reason"])
        messages.success(request, f"Link removed; {len(changed)} campaign(s) recomputed.")
    return redirect("intel:report", pk=sighting.report_id)


@requires("intel.shared.view")
def search(request: AuthenticatedRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    result = None
    if form.is_valid() and form.cleaned_data["q"]:
        result = queries.search(request.user, form.cleaned_data["q"],
                                form.cleaned_data["kind"] or None, request=request)
    template = "intel/_search_results.html" if request.headers.get("HX-Request") \
        else "intel/search.html"
    return render(request, template, {"form": form, "result": result})


@requires("intel.shared.view")
def campaign_list(request: AuthenticatedRequest) -> HttpResponse:
    rows = queries.visible_campaigns(request.user).order_by("-updated_at", "-pk")
    if request.GET.get("cross_border"):
        rows = rows.filter(countries__contains=",")
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(request, "intel/campaign_list.html", {
        "page": page, "cross_border": bool(request.GET.get("cross_border")),
    })


@requires("intel.shared.view")
def campaign_detail(request: AuthenticatedRequest, code: str) -> HttpResponse:
    campaign = queries.open_campaign(request.user, code, request=request)
    if campaign.code != code.upper():
        return redirect("intel:campaign", code=campaign.code)
    detail = queries.campaign_detail(request.user, campaign, request=request)
    return render(request, "intel/campaign_detail.html", {
        "campaign": campaign, "detail": detail,
        "graph": graph.campaign_graph(request.user, campaign, detail),
    })


@requires("intel.shared.view")
def campaign_chart(request: AuthenticatedRequest, code: str, name: str) -> JsonResponse:
    campaign = queries.open_campaign(request.user, code, request=request)
    builders = {"timeline": charts.timeline, "losses": charts.losses_by_country}
    if name not in builders:
        raise Http404
    members = FraudReport.objects.filter(membership__campaign=campaign)
    rows = list(visibility.visible_reports(request.user, members)
                .values_list("country_id", "reported_on", "loss_usd", "scam_type_id")
                .order_by()[:charts.MAX_ROWS])
    return JsonResponse(builders[name](rows))


@requires("intel.exchange")
def campaign_export(request: AuthenticatedRequest, code: str, fmt: str) -> HttpResponse:
    campaign = queries.open_campaign(request.user, code, request=request)
    if fmt not in ("stix", "misp"):
        raise Http404
    document, _ = export_document(request.user, fmt, campaign=campaign, actor=request.user)
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="{campaign.code}.{fmt}.json"'
    return response


@requires("intel.alert.view")
def alert_inbox(request: AuthenticatedRequest) -> HttpResponse:
    state = request.GET.get("state") or ""
    rows = queries.alerts_for(request.user)
    if state in Alert.State.values:
        rows = rows.filter(state=state)
    page = Paginator(rows.order_by("-sequence"), PAGE).get_page(request.GET.get("page"))
    return render(request, "intel/alert_inbox.html", {
        "page": page, "state": state, "states": Alert.State.choices,
        "can_update": policy.allowed(request.user, "intel.alert.update"),
    })


@requires("intel.alert.update")
@require_POST
def alert_state(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(Alert, pk=pk)
    policy.check(request.user, "intel.alert.update", alert, conceal=True, request=request)
    try:
        services.set_alert_state(request.user, alert, request.POST.get("state", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/intel/alerts/") else "intel:alerts")


@requires("intel.indicator.review")
@require_http_methods(["GET", "POST"])
def flagged(request: AuthenticatedRequest) -> HttpResponse:
    if request.method == "POST":
        chosen = request.POST.get("indicator", "")
        if not chosen.isdecimal():
            return HttpResponseBadRequest("indicator: not an indicator id")
        indicator = get_object_or_404(Indicator, pk=int(chosen))
        if not services.may_review(request.user, indicator):
            policy.deny(request.user, "intel.indicator.review", indicator, conceal=True,
                        request=request)
        form = ReasonForm(request.POST)
        if form.is_valid():
            try:
                services.review_flagged(request.user, indicator,
                                        approve=request.POST.get("decision") == "approve",
                                        reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, "Decision recorded.")
        else:
            messages.error(request, "Say why.")
        return redirect("intel:flagged")
    return render(request, "intel/flagged.html",
                  {"indicators": queries.flagged_for(request.user)[:500]})


@requires("intel.warninglist.view")
@require_http_methods(["GET", "POST"])
def warninglist(request: AuthenticatedRequest) -> HttpResponse:
    can_manage = policy.allowed(request.user, "intel.warninglist.manage")
    form = WarninglistForm(request.POST or None)
    if request.method == "POST":
        policy.check(request.user, "intel.warninglist.manage", request=request)
        if "remove" in request.POST:
            chosen = request.POST["remove"]
            if not chosen.isdecimal():
                return HttpResponseBadRequest("remove: not a warninglist entry id")
            entry = get_object_or_404(WarninglistEntry, pk=int(chosen))
            services.remove_from_warninglist(request.user, entry)
            messages.success(request, f"{entry.value} removed from the warninglist.")
            return redirect("intel:warninglist")
        if form.is_valid():
            try:
                services.add_to_warninglist(request.user, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, "Added to the warninglist.")
                return redirect("intel:warninglist")
    return render(request, "intel/warninglist.html", {
        "entries": WarninglistEntry.objects.all(), "form": form, "can_manage": can_manage,
    }, status=400 if request.method == "POST" else 200)
