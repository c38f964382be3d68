"""The assistance part's headline figures for the regional overview and its reports.

Every figure counts people (cases), so the overview passes each value through
disclosure control before anyone sees it; counts are aggregates over all cases of
a country, whatever the case's consent to statistics, which governs record-level
exports (HTCDS) only. Each figure is answered from one grouped query per period:
counts per case country, kept in the context's memo so that the map's eleven
countries and the previous period cost nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Count, QuerySet
from django.urls import reverse

from jaring.care.models import Screening, ServiceDelivery, ServiceType, Transfer
from jaring.identity import policy
from jaring.overview import figures
from jaring.overview.figures import ASSISTANCE, COOPERATION, REGION, Context, Figure

PART = "care"


def _grouped(rows: QuerySet, country_field: str) -> dict[str, int]:
    return dict(rows.values_list(country_field).annotate(n=Count("case", distinct=True))
                .values_list(country_field, "n"))


def _counter(name: str, compute: Callable[[Context], dict[str, int]]
             ) -> Callable[[Context, str], int | None]:
    def value(ctx: Context, scope: str) -> int | None:
        counts: dict[str, int] = ctx.memo((PART, name), lambda: compute(ctx))
        return sum(counts.values()) if scope == REGION else counts.get(scope, 0)

    return value


def _in_period(ctx: Context, field: str) -> dict[str, Any]:
    return {f"{field}__gte": ctx.period.start, f"{field}__lte": ctx.period.end}


def _assisted(ctx: Context) -> dict[str, int]:
    return _grouped(ServiceDelivery.objects.filter(**_in_period(ctx, "delivered_on")),
                    "case__country_id")


def _identified(ctx: Context) -> dict[str, int]:
    return _grouped(Screening.objects.filter(result=Screening.Result.PRESUMED_VICTIM,
                                             **_in_period(ctx, "screened_on")),
                    "case__country_id")


def _repatriated(ctx: Context) -> dict[str, int]:
    return _grouped(ServiceDelivery.objects.filter(service_type=ServiceType.REPATRIATION,
                                                   **_in_period(ctx, "delivered_on")),
                    "case__country_id")


def _transferred(ctx: Context) -> dict[str, int]:
    """Accepted transfers, counted for the receiving country: the survivor's way home."""
    return _grouped(Transfer.objects.filter(state=Transfer.State.ACCEPTED,
                                            **_in_period(ctx, "answered_at__date")),
                    "to_country_id")


def _report_url(ctx: Context, scope: str) -> str | None:
    return reverse("care:report") if policy.allowed(ctx.user, "care.report.view") else None


FIGURES = [
    Figure("care.assisted", "Victims assisted", "people", PART, "overview.view",
           _counter("assisted", _assisted), dimension=ASSISTANCE, counts_people=True,
           detail_url=_report_url, order=50,
           help="People (fraud victims and trafficking survivors) who received at least "
                "one service in the period, by the country of their case."),
    Figure("care.identified", "Presumed trafficking victims identified", "people", PART,
           "overview.view", _counter("identified", _identified), dimension=ASSISTANCE,
           counts_people=True, detail_url=_report_url, order=55,
           help="People screened in the period whose screening found them presumed victims "
                "of trafficking (ILO indicators, Palermo Protocol elements)."),
    Figure("care.repatriations", "Repatriations", "people", PART, "overview.view",
           _counter("repatriated", _repatriated), dimension=ASSISTANCE, counts_people=True,
           detail_url=_report_url, order=60,
           help="People whose repatriation was recorded as a service delivered in the "
                "period, by the country of their case."),
    Figure("care.transfers", "Cases transferred across borders", "people", PART,
           "overview.view", _counter("transferred", _transferred), dimension=COOPERATION,
           counts_people=True, detail_url=_report_url, order=65,
           help="Cases another member state handed over and the receiving country "
                "accepted in the period, counted for the receiving country."),
]


def register_all() -> None:
    for figure in FIGURES:
        figures.register(figure)
    figures.register_source(
        PART, "Case records of victim-assistance services (social-welfare agencies and "
              "NGOs): screenings, services delivered and cross-border case transfers, "
              "counted as people and published only above the disclosure threshold.")
