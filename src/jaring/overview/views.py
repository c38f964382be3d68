from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse

from jaring.core import disclosure
from jaring.core.decorators import AuthenticatedRequest, public, requires
from jaring.identity import policy
from jaring.overview import charts, dashboard, figures, periods, report
from jaring.overview.figures import REGION, Context
from jaring.overview.periods import Period


class BadParameter(ValueError):
    pass


def _period(request: HttpRequest) -> Period:
    raw = request.GET.get("period", "")
    if not raw:
        return periods.current_year()
    try:
        return periods.parse_period(raw)
    except ValueError as exc:
        raise BadParameter(str(exc)) from None


def _scope(raw: str, countries: dict[str, str]) -> str:
    scope = (raw or REGION).strip()
    if scope.lower() == REGION:
        return REGION
    if scope.upper() in countries:
        return scope.upper()
    raise BadParameter(f"scope {scope!r}: expected 'region' or a member state's code "
                       f"({', '.join(countries)})")


def _page(request: AuthenticatedRequest, scope: str, countries: dict[str, str]
          ) -> HttpResponse:
    try:
        period = _period(request)
    except BadParameter as exc:
        return render(request, "overview/bad_request.html", {"error": str(exc)}, status=400)
    user = request.user
    board = dashboard.build(user, period, scope, place="overview" if scope == REGION
                            else "country")
    measures = dashboard.map_measures(user)
    measure = dashboard.map_figure(user, request.GET.get("measure"))
    query: dict[str, Any] = {"period": period.code, "scope": scope}
    if measure is not None:
        query["measure"] = measure.key

    def chart_url(name: str) -> str:
        from urllib.parse import urlencode

        return f"{reverse('overview:chart', args=[name])}?{urlencode(query)}"

    return render(request, "overview/index.html" if scope == REGION else "overview/country.html",
                  {
        "board": board, "period": period, "scope": scope, "countries": countries,
        "country_name": countries.get(scope, ""), "periods": periods.choices(),
        "measures": measures, "measure": measure,
        "map_url": chart_url("map") if measure is not None else "",
        "trend_urls": [chart_url(n) for n in ("trend", "losses")] if board.trend else [],
        "rank_urls": [chart_url(n) for n, rows in (("types", board.types),
                                                   ("channels", board.channels)) if rows],
        "can_report": policy.allowed(user, "overview.report"),
        "report_kinds": report.KINDS,
    })


@requires("overview.view")
def index(request: AuthenticatedRequest) -> HttpResponse:
    return _page(request, REGION, dashboard.member_states())


@requires("overview.view")
def country(request: AuthenticatedRequest, code: str) -> HttpResponse:
    countries = dashboard.member_states()
    if code.upper() not in countries:
        raise Http404
    return _page(request, code.upper(), countries)


@requires("overview.view")
def chart(request: AuthenticatedRequest, name: str) -> HttpResponse:
    countries = dashboard.member_states()
    try:
        period = _period(request)
        scope = _scope(request.GET.get("scope", ""), countries)
    except BadParameter as exc:
        return HttpResponseBadRequest(str(exc))
    ctx = Context(request.user, period)
    if name == "map":
        figure = dashboard.map_figure(request.user, request.GET.get("measure"))
        if figure is None:
            raise Http404
        links: dict[tuple[str, str], int] = {}
        if dashboard.intel_installed():
            from jaring.overview import intel_figures

            links = intel_figures.stats(ctx).links()
        spec = charts.country_map(
            figures.map_values(ctx, figure, list(countries)), label=figure.label,
            unit=figure.unit, links=links, names=countries,
            geo_url=static("overview/asean.geojson"),
            highlight=None if scope == REGION else scope)
        return JsonResponse(spec)
    if not dashboard.intel_installed() or name not in ("trend", "losses", "types", "channels"):
        raise Http404
    from jaring.overview import intel_figures

    if name in ("trend", "losses"):
        rows = intel_figures.monthly(ctx, scope)
        return JsonResponse(charts.trend(rows) if name == "trend" else charts.losses(rows))
    dimension = "scam_type" if name == "types" else "channel"
    title = "Top scam types" if name == "types" else "Top contact channels"
    return JsonResponse(charts.ranking(intel_figures.top(ctx, scope, dimension), title=title))


@requires("overview.report")
def report_pdf(request: AuthenticatedRequest) -> HttpResponse:
    countries = dashboard.member_states()
    try:
        period = _period(request)
        scope = _scope(request.GET.get("scope", ""), countries)
        kind = report.check_kind(request.GET.get("kind", "progress"))
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc))
    document = report.render(request.user, kind, period, scope, request=request)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{report.filename(kind, period, scope)}"')
    return response


def _download_url(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


@public
def open_data(request: HttpRequest) -> HttpResponse:
    downloads = [
        {**vars(d), "url": _download_url(d.url_name)}
        for d in figures.REGISTRY.downloads
    ]
    return render(request, "overview/open_data.html", {
        "downloads": [d for d in downloads if d["url"]],
        "threshold": disclosure.threshold(),
        "rule": disclosure.rule_text(),
        "sources": sorted(figures.REGISTRY.sources.items()),
    })
