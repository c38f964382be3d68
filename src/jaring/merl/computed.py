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
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

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
_discovered = False
_SHARED: ContextVar[dict | None] = ContextVar("merl_computed_shared", default=None)


@contextmanager
def evaluation() -> Iterator[None]:
    """One request for values: computations inside may share a scan (:func:`shared`).

    Nothing outlives the block, so the next view or export reads the live tables again.
    """
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def shared(key: tuple, build: Callable[[], Any]) -> Any:
    """``build()``, computed once per key within the current :func:`evaluation`."""
    store = _SHARED.get()
    if store is None:
        return build()
    if key not in store:
        store[key] = build()
    return store[key]


def shared_exists(key: tuple) -> bool:
    """Whether the current :func:`evaluation` has built ``key`` already."""
    store = _SHARED.get()
    return store is not None and key in store


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
    global _discovered
    if not _discovered:
        from django.utils.module_loading import autodiscover_modules

        # Once per process: a page evaluates a dozen indicators, and walking every
        # app's modules for each cost about 20 ms per scorecard.
        autodiscover_modules("merl_indicators")
        _discovered = True
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


# A campaign spanning two or more member states, as the campaigns table says it.
_CROSS_BORDER_CAMPAIGN = {"countries__contains": ",", "status": "active"}


def _cube(key: tuple, detailed: list[str], fields: list[str], rows: Any,
          measures: dict[str, Any]) -> list[dict[str, Any]]:
    """Measures of ``rows`` per country and month, and per ``fields`` when a breakdown
    is asked for: shared within one evaluation (see :func:`shared`), so a page or
    export reads the table once, not once per indicator and dimension. Totals are
    summed from the breakdown when it was read already, which
    :func:`jaring.merl.values.country_table` arranges by asking for breakdowns first.

    The month is the date's text cut to ``YYYY-MM``, which both databases compute
    natively.
    """
    from django.db.models import CharField
    from django.db.models.functions import Cast, Substr

    if not fields and shared_exists((*key, tuple(detailed))):
        return shared((*key, tuple(detailed)), list)

    def build() -> list[dict[str, Any]]:
        if not fields:
            # Totals by day follow the index's order, so the database groups without
            # sorting; a year is a few hundred rows per country, summed here by month.
            return [{**r, "month": f"{r['reported_on']:%Y-%m}"} for r in
                    rows.values("country_id", "reported_on").annotate(**measures)
                    .order_by()]
        return list(rows
                    .annotate(month=Substr(Cast("reported_on", output_field=CharField()), 1, 7))
                    .values("country_id", "month", *fields).annotate(**measures).order_by())

    return shared((*key, tuple(fields)), build)


def _report_cube(q: Query) -> list[dict[str, Any]]:
    """One scan of the reports: count and losses per country and month, and per scam
    type, sex and age group when a breakdown is asked for. The index
    ``report_merl_cube`` holds every column read, so the scan never reads the (wide)
    report rows themselves.
    """
    from jaring.intel.models import FraudReport

    detailed = [f for f, _ in REPORT_DIMENSIONS.values()]
    # Counted by a column of the index (never empty), not the id: PostgreSQL's index
    # holds no id, and reading it would visit every report's row.
    return _cube(("intel.report_cube", q.countries, q.periods), detailed,
                 [] if q.dimension is None else detailed,
                 FraudReport.objects.filter(**q.date_range("reported_on"), **q.country_filter()),
                 {"reports": Count("reported_on"), "loss": Sum("loss_usd")})


def _cross_border_cube(q: Query) -> list[dict[str, Any]]:
    """Reports in cross-border campaigns per country and month (and scam type), read
    from the campaign members' index alone (decision 53)."""
    from jaring.intel.models import Campaign, CampaignMember

    detailed = [REPORT_DIMENSIONS["scam-type"][0]]
    # The database reads the cross-border campaigns' ids once (from the index
    # campaign_cross_border), instead of joining every member to its campaign row.
    members = CampaignMember.objects.filter(
        campaign_id__in=Campaign.objects.filter(**_CROSS_BORDER_CAMPAIGN).values("id"),
        **q.date_range("reported_on"), **q.country_filter())
    return _cube(("intel.cross_border_cube", q.countries, q.periods), detailed,
                 [] if q.dimension is None else detailed, members,
                 {"cross_border": Count("reported_on")})


def _from_cube(q: Query, measure: str) -> Iterator[Row]:
    buckets = month_buckets(q.periods)
    field, empty = REPORT_DIMENSIONS.get(q.dimension or "", (None, ""))
    totals: dict[tuple[str, str, str], Decimal] = {}
    cube = _cross_border_cube(q) if measure == "cross_border" else _report_cube(q)
    for r in cube:
        period = buckets.get(r["month"])
        if period is None or r[measure] is None:
            continue
        key = dimension_key(q.dimension, r[field] or empty) if field else disagg.TOTAL
        cell = (r["country_id"], period, key)
        totals[cell] = totals.get(cell, Decimal(0)) + Decimal(r[measure])
    for (country, period, key), value in totals.items():
        yield country, period, key, value


@computed("intel.reports", dimensions=tuple(REPORT_DIMENSIONS))
def reports(q: Query) -> Iterator[Row]:
    """Fraud reports submitted, by the date reported."""
    yield from _from_cube(q, "reports")


@computed("intel.cross_border_reports", dimensions=("scam-type",))
def cross_border_reports(q: Query) -> Iterator[Row]:
    """Fraud reports in a campaign spanning two or more member states."""
    yield from _from_cube(q, "cross_border")


@computed("intel.loss_usd", dimensions=("scam-type",))
def loss_usd(q: Query) -> Iterator[Row]:
    """Reported losses in US dollars."""
    yield from _from_cube(q, "loss")


@computed("intel.cross_border_campaigns")
def cross_border_campaigns(q: Query) -> Iterator[Row]:
    """Campaigns spanning two or more member states that a country's reports are part of,
    counted in the month the campaign was first seen."""
    from jaring.intel.models import Campaign

    # A campaign keeps its countries with it (linking recounts them with every
    # change of its reports), so the index campaign_cross_border (status, first
    # seen, countries) answers alone, without reading a campaign's members.
    campaigns = Campaign.objects.filter(**_CROSS_BORDER_CAMPAIGN, **q.date_range("first_seen"))
    if len(q.countries) == 1:
        # Two-letter codes between commas: the code can only match itself.
        campaigns = campaigns.filter(countries__contains=q.countries[0])
    wanted = set(q.countries)
    counts: dict[tuple[str, datetime.date | None], int] = {}
    for first_seen, countries in campaigns.values_list("first_seen", "countries").order_by():
        for country in countries.split(","):
            if country in wanted:
                counts[(country, first_seen)] = counts.get((country, first_seen), 0) + 1
    yield from bucketed(((country, day, disagg.TOTAL, n) for (country, day), n in counts.items()),
                        q.periods)
