"""Computed indicators: one small function each, aggregating the live tables in SQL.

Nothing is cached or pre-built: every view or export calls the function, so a report
stored a second ago is already counted. A part adds its indicators by registering
functions in its own module (imported by :func:`discover`)::

    from jaring.merl.computed import Query, bucketed, computed

    @computed("care.cases_opened", dimensions=("sex",))
    def cases_opened(q: Query):
        rows = (Case.objects.filter(**q.date_range("opened_on"), **q.country_filter())
                .values("country_id", "opened_on").annotate(n=Count("id")).order_by())
        yield from bucketed(((r["country_id"], r["opened_on"], "", r["n"]) for r in rows),
                            q.periods)

and an indicator whose ``computed_key`` is ``care.cases_opened`` then shows it.
A function receives the countries, the periods (all of one frequency) and at most
one dimension to break down by (``None``: totals), and yields
``(country, period, disaggregation key, value)``; it must compute the statistic for
the whole period itself, so medians and shares stay correct for any period length.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from jaring.merl import disagg
from jaring.merl.periods import Period

Row = tuple[str, str, str, Decimal]


@dataclass(frozen=True)
class Query:
    countries: tuple[str, ...]
    periods: tuple[Period, ...]
    dimension: str | None = None

    @property
    def start(self) -> datetime.date:
        return min(p.start for p in self.periods)

    @property
    def end(self) -> datetime.date:
        return max(p.end for p in self.periods)

    def date_range(self, field: str) -> dict[str, datetime.date]:
        return {f"{field}__gte": self.start, f"{field}__lte": self.end}

    def country_filter(self, field: str = "country_id") -> dict[str, Any]:
        return {f"{field}__in": self.countries}


@dataclass(frozen=True)
class Computation:
    key: str
    func: Callable[[Query], Iterable[Row]]
    dimensions: tuple[str, ...]
    description: str


_REGISTRY: dict[str, Computation] = {}


def computed(key: str, *, dimensions: tuple[str, ...] = ()) -> Callable:
    """Register a computed indicator's function under ``key`` (see the module docs)."""

    def register(func: Callable[[Query], Iterable[Row]]) -> Callable[[Query], Iterable[Row]]:
        existing = _REGISTRY.get(key)
        if existing is not None and existing.func.__qualname__ != func.__qualname__:
            raise ValueError(f"computed indicator {key!r} is registered twice")
        _REGISTRY[key] = Computation(key, func, tuple(dimensions),
                                     (func.__doc__ or "").strip().split("\n")[0])
        return func

    return register


def discover() -> dict[str, Computation]:
    """Every registered computation, after importing each installed app's ``merl_indicators``."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("merl_indicators")
    return dict(_REGISTRY)


def evaluate(key: str, query: Query) -> list[Row]:
    computations = discover()
    if key not in computations:
        raise LookupError(f"no computed indicator is registered as {key!r}")
    computation = computations[key]
    if query.dimension is not None and query.dimension not in computation.dimensions:
        return []
    if not query.countries or not query.periods:
        return []
    return list(computation.func(query))


def month_buckets(periods: Iterable[Period]) -> dict[str, str]:
    """Month ("2025-07") -> the period string holding it, for the periods asked for."""
    return {month: str(period) for period in periods for month in period.months()}


def bucketed(rows: Iterable[tuple[str, datetime.date | None, str, Any]],
             periods: Iterable[Period]) -> Iterator[Row]:
    """Sum SQL rows (country, day or month, key, value) into the periods asked for.

    Grouping by the date itself, not by ``TruncMonth``, keeps the aggregation in the
    database's own code: on SQLite ``TruncMonth`` is a Python function called for
    every row, which costs seconds over a million reports.
    """
    buckets = month_buckets(periods)
    totals: dict[tuple[str, str, str], Decimal] = {}
    for country, day, key, value in rows:
        if day is None or value is None:
            continue
        period = buckets.get(f"{day.year}-{day.month:02d}")
        if period is None:
            continue
        cell = (country, period, key)
        totals[cell] = totals.get(cell, Decimal(0)) + Decimal(value)
    for (country, period, key), value in totals.items():
        yield country, period, key, value


def dimension_key(dimension: str | None, code: Any) -> str:
    if dimension is None:
        return disagg.TOTAL
    return disagg.encode({dimension: str(code)})


# Each dimension a report-based indicator can break down by: (field, code when empty).
REPORT_DIMENSIONS = {
    "scam-type": ("scam_type_id", "other"),
    "sex": ("victim_sex", "_U"),
    "age-group": ("victim_age_group", "unknown"),
}


def _reports(q: Query, extra: Q | None = None):
    from jaring.intel.models import FraudReport

    rows = FraudReport.objects.filter(**q.date_range("reported_on"), **q.country_filter())
    return rows.filter(extra) if extra is not None else rows


def _report_rows(q: Query, queryset, measure) -> Iterator[Row]:
    group = ["country_id"]
    field, empty = REPORT_DIMENSIONS.get(q.dimension or "", (None, ""))
    if field:
        group.append(field)
    rows = queryset.values(*group, "reported_on").annotate(measure=measure).order_by()
    yield from bucketed(
        ((r["country_id"], r["reported_on"], dimension_key(q.dimension, r[field] or empty)
          if field else disagg.TOTAL, r["measure"]) for r in rows),
        q.periods)


_CROSS_BORDER = Q(campaign__countries__contains=",", campaign__status="active")


@computed("intel.reports", dimensions=tuple(REPORT_DIMENSIONS))
def reports(q: Query) -> Iterator[Row]:
    """Fraud reports submitted, by the date reported."""
    yield from _report_rows(q, _reports(q), Count("id"))


@computed("intel.cross_border_reports", dimensions=("scam-type",))
def cross_border_reports(q: Query) -> Iterator[Row]:
    """Fraud reports in a campaign spanning two or more member states."""
    yield from _report_rows(q, _reports(q, _CROSS_BORDER), Count("id"))


@computed("intel.loss_usd", dimensions=("scam-type",))
def loss_usd(q: Query) -> Iterator[Row]:
    """Reported losses in US dollars."""
    yield from _report_rows(q, _reports(q, Q(loss_usd__isnull=False)), Sum("loss_usd"))


@computed("intel.cross_border_campaigns")
def cross_border_campaigns(q: Query) -> Iterator[Row]:
    """Campaigns spanning two or more member states that a country's reports are part of,
    counted in the month the campaign was first seen."""
    from jaring.intel.models import FraudReport

    # A campaign has one first day, so distinct campaigns per day add up to the month's.
    rows = (FraudReport.objects.filter(_CROSS_BORDER, **q.country_filter(),
                                       **q.date_range("campaign__first_seen"))
            .values("country_id", "campaign__first_seen")
            .annotate(measure=Count("campaign_id", distinct=True)).order_by())
    yield from bucketed(((r["country_id"], r["campaign__first_seen"], disagg.TOTAL,
                          r["measure"]) for r in rows), q.periods)
