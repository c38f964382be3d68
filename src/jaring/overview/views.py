from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse

from jaring.core import disclosure
from jaring.core.decorators import AuthenticatedRequest, public, requires
from jaring.identity import policy
from jaring.overview import charts, dashboard, figures, periods, report
from jaring.overview.figures import REGION, Context, Figure
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


CHARTS = ("map", "trend", "losses", "types", "channels")


def _spec(name: str, ctx: Context, scope: str, countries: dict[str, str],
          measure: Figure | None, board: dashboard.Dashboard | None = None) -> dict | None:
    """One chart's Vega-Lite specification, or None when there is nothing to draw."""
    if name == "map":
        if measure is None:
            return None
        links: dict[tuple[str, str], int] = {}
        if board is not None:
            links = board.links
        elif dashboard.intel_installed():
            from jaring.overview import intel_figures

            links = intel_figures.stats(ctx).links()
        return charts.country_map(
            figures.map_values(ctx, measure, list(countries)), label=measure.label,
            unit=measure.unit, links=links, names=countries,
            geo_url=static("overview/asean.geojson"),
            highlight=None if scope == REGION else scope)
    if not dashboard.intel_installed():
        return None
    from jaring.overview import intel_figures

    if name in ("trend", "losses"):
        rows = board.trend if board is not None else intel_figures.monthly(ctx, scope)
        if not rows:
            return None
        return charts.trend(rows) if name == "trend" else charts.losses(rows)
    if name in ("types", "channels"):
        dimension = "scam_type" if name == "types" else "channel"
        ranked = (board.types if name == "types" else board.channels) if board is not None \
            else intel_figures.top(ctx, scope, dimension)
        if not ranked:
            return None
        title = "Top scam types" if name == "types" else "Top contact channels"
        return charts.ranking(ranked, title=title)
    return None


def _page(request: AuthenticatedRequest, scope: str, countries: dict[str, str]
          ) -> HttpResponse:
    try:
        period = _period(request)
    except BadParameter as exc:
        return render(request, "overview/bad_request.html", {"error": str(exc)}, status=400)
    user = request.user
    board = dashboard.build(user, period, scope, place="overview" if scope == REGION
                            else "country")
    measure = dashboard.map_figure(user, request.GET.get("measure"))
    # The specifications travel in the page: one request, and the figures computed for
    # the headline are reused rather than queried again per chart.
    specs = [(f"chart-{name}", spec) for name in CHARTS
             if (spec := _spec(name, board.ctx, scope, countries, measure, board)) is not None]
    return render(request, "overview/index.html" if scope == REGION else "overview/country.html",
                  {
        "board": board, "period": period, "scope": scope, "countries": countries,
        "country_name": countries.get(scope, ""), "periods": periods.choices(),
        "measures": dashboard.map_measures(user), "measure": measure,
        "map_spec": next((s for s in specs if s[0] == "chart-map"), None),
        "other_specs": [s for s in specs if s[0] != "chart-map"],
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
    if name not in CHARTS:
        raise Http404
    measure = dashboard.map_figure(request.user, request.GET.get("measure"))
    spec = _spec(name, Context(request.user, period), scope, countries, measure)
    if spec is None:
        raise Http404
    return JsonResponse(spec)


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
