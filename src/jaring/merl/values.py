"""Indicator values for countries x periods x disaggregations, whatever their source.

Reported values come from the data-value table (only approved or accepted periods
when ``published_only``), computed ones from their registered function, formula
ones from their terms; all of them at the moment of asking. Values reported more
often than asked for are aggregated over time with the indicator's aggregation;
the region is aggregated across countries the same way (see docs/merl/overview.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef

from jaring.merl import computed, disagg
from jaring.merl.models import PUBLISHED_STATES, DataValue, Indicator, PeriodApproval
from jaring.merl.periods import FREQUENCIES, Period, periods_between

REGION = "XR"  # the ASEAN region as a whole, in tables and exports
ALL_DIMENSIONS = "*"

Cell = tuple[str, str, str, str]  # indicator code, country, period, disaggregation key
Table = dict[Cell, Decimal]


@dataclass(frozen=True)
class Request:
    countries: tuple[str, ...]
    first: Period
    last: Period
    frequency: str
    # None: totals only; a code list: totals and that breakdown; "*": every breakdown
    dimension: str | None = None
    published_only: bool = True

    def periods(self) -> list[Period]:
        return periods_between(self.first, self.last, self.frequency)


def _finer_or_same(indicator: Indicator, frequency: str) -> bool:
    return FREQUENCIES.index(indicator.frequency) <= FREQUENCIES.index(frequency)


def _wanted_key(key: str, dimension: str | None) -> bool:
    if not key:
        return True
    if dimension is None:
        return False
    parts = disagg.decode(key)
    return len(parts) == 1 and (dimension == ALL_DIMENSIONS or dimension in parts)


def _combine(aggregation: str, items: list[tuple[str, Decimal]],
             weights: dict[str, Decimal] | None = None) -> Decimal | None:
    """Aggregate values over sub-periods (or countries); ``items`` are (sort key, value)."""
    if not items:
        return None
    if aggregation == Indicator.Aggregation.SUM:
        return sum((v for _, v in items), Decimal(0))
    if aggregation == Indicator.Aggregation.LATEST:
        return max(items)[1]
    if aggregation == Indicator.Aggregation.WEIGHTED and weights:
        total = sum((weights.get(k, Decimal(0)) for k, _ in items), Decimal(0))
        if total:
            return sum((v * weights.get(k, Decimal(0)) for k, v in items), Decimal(0)) / total
    return sum((v for _, v in items), Decimal(0)) / len(items)


def _reported(indicators: list[Indicator], req: Request) -> Table:
    if not indicators:
        return {}
    periods = req.periods()
    by_code = {i.pk: i for i in indicators}
    wanted: dict[str, str] = {}  # stored period -> requested period
    for period in periods:
        for frequency in FREQUENCIES[:FREQUENCIES.index(req.frequency) + 1]:
            for month in period.months():
                wanted[str(Period.parse(month).in_frequency(frequency))] = str(period)
    rows = DataValue.objects.filter(indicator_id__in=by_code, country_id__in=req.countries,
                                    period__in=wanted)
    if req.published_only:
        rows = rows.filter(Exists(PeriodApproval.objects.filter(
            country_id=OuterRef("country_id"), period=OuterRef("period"),
            state__in=PUBLISHED_STATES)))
    grouped: dict[Cell, list[tuple[str, Decimal]]] = defaultdict(list)
    for indicator_id, country, stored, key, value in rows.values_list(
            "indicator_id", "country_id", "period", "disaggregation", "value").iterator(
            chunk_size=5000):
        indicator = by_code[indicator_id]
        if not _wanted_key(key, req.dimension) or \
                Period.parse(stored).frequency != indicator.frequency:
            continue
        grouped[(indicator.code, country, wanted[stored], key)].append((stored, value))
    table: Table = {}
    aggregations = {i.code: i.aggregation for i in indicators}
    for cell, items in grouped.items():
        combined = _combine(aggregations[cell[0]], items)
        if combined is not None:
            table[cell] = combined
    return table


def _computed(indicator: Indicator, req: Request) -> Table:
    query = computed.Query(tuple(req.countries), tuple(req.periods()))
    table: Table = {}
    dimensions: list[str | None] = [None]
    if req.dimension == ALL_DIMENSIONS:
        dimensions += list(computed.discover()[indicator.computed_key].dimensions)
    elif req.dimension is not None:
        dimensions.append(req.dimension)
    # Breakdowns first: a computation may then sum its totals from a breakdown it read
    # already (see computed.shared_exists); the table keeps totals first all the same.
    rows = {dimension: computed.evaluate(indicator.computed_key,
                                         computed.Query(query.countries, query.periods,
                                                        dimension))
            for dimension in reversed(dimensions)}
    for dimension in dimensions:
        for country, period, key, value in rows[dimension]:
            table[(indicator.code, country, period, key)] = Decimal(value)
    return table


def closure(indicators: Iterable[Indicator]) -> dict[str, Indicator]:
    """The indicators asked for plus the formula terms and weights they need."""
    found = {i.code: i for i in indicators}
    for indicator in list(found.values()):
        for term in (indicator.numerator, indicator.denominator, indicator.weight):
            if term is not None:
                found.setdefault(term.code, term)
    return found


def country_table(indicators: Iterable[Indicator], req: Request) -> Table:
    """Values per country for the indicators asked for and their terms and weights."""
    needed = closure(indicators)
    reported = [i for i in needed.values() if i.source == Indicator.Source.REPORTED
                and _finer_or_same(i, req.frequency)]
    table = _reported(reported, req)
    with computed.evaluation():
        for indicator in needed.values():
            if indicator.source == Indicator.Source.COMPUTED:
                table.update(_computed(indicator, req))
    _apply_formulas(needed.values(), table, req.frequency)
    return table


def _apply_formulas(indicators: Iterable[Indicator], table: Table, frequency: str) -> None:
    for indicator in indicators:
        if indicator.source != Indicator.Source.FORMULA or not _finer_or_same(
                indicator, frequency):
            continue
        num, den = indicator.numerator.code, indicator.denominator.code  # type: ignore[union-attr]
        for (code, country, period, key), value in list(table.items()):
            if code != num:
                continue
            divisor = table.get((den, country, period, key))
            if divisor:
                table[(indicator.code, country, period, key)] = value / divisor * indicator.factor


def with_region(indicators: Iterable[Indicator], table: Table, frequency: str) -> Table:
    """Add the region (``XR``) rows: each indicator across countries, aggregated.

    A formula is recomputed from the regional sums of its terms, so the region's
    share is the share of regional totals, not an average of national shares.
    """
    needed = closure(indicators)
    grouped: dict[Cell, list[tuple[str, Decimal]]] = defaultdict(list)
    for (code, country, period, key), value in table.items():
        if country != REGION and code in needed:
            grouped[(code, REGION, period, key)].append((country, value))
    result = dict(table)
    for cell, items in grouped.items():
        indicator = needed[cell[0]]
        if indicator.source == Indicator.Source.FORMULA:
            continue
        aggregation = indicator.aggregation
        if aggregation == Indicator.Aggregation.LATEST:
            aggregation = Indicator.Aggregation.SUM  # a stock across countries adds up
        weights = None
        if indicator.weight is not None:
            weights = {country: table.get((indicator.weight.code, country, cell[2], cell[3]),
                                          Decimal(0)) for country, _ in items}
        combined = _combine(aggregation, items, weights)
        if combined is not None:
            result[cell] = combined
    regional = {cell: v for cell, v in result.items() if cell[1] == REGION}
    _apply_formulas(needed.values(), regional, frequency)
    result.update(regional)
    return result


def indicator_queryset():
    return Indicator.objects.select_related("numerator", "denominator", "weight", "node")
