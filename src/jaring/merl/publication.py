"""The open-data table: approved values and live computed ones, disclosure-controlled.

Every public output (the publication page, the CSV and SDMX downloads, ``jaring merl
export``) is built here and nowhere else, so none can skip the disclosure control.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from jaring.core.disclosure import Policy, is_sensitive, protect_indicator, round_to_base
from jaring.merl import disagg
from jaring.merl.models import Indicator
from jaring.merl.periods import Period
from jaring.merl.values import (
    ALL_DIMENSIONS,
    REGION,
    Request,
    Table,
    country_table,
    indicator_queryset,
    with_region,
)
from jaring.reference.models import Country

CONFIDENTIAL = "C"
FREE = "F"


@dataclass(frozen=True)
class PublicValue:
    indicator: str
    country: str
    period: str
    disaggregation: str
    value: Decimal | None  # None: withheld
    status: str  # F published, C withheld for confidentiality
    unit: str


def _tables(table: Table, code: str, period: str) -> dict[str, dict[tuple[str, str], Decimal]]:
    """One table per disaggregation (rows: countries and the region; columns: its codes and
    the total), the totals-only table when the indicator has no breakdown."""
    tables: dict[str, dict[tuple[str, str], Decimal]] = defaultdict(dict)
    totals = {}
    for (c, country, p, key), value in table.items():
        if c != code or p != period:
            continue
        if key == disagg.TOTAL:
            totals[(country, "")] = value
            continue
        (dimension, item), = disagg.decode(key).items()
        tables[dimension][(country, item)] = value
    if not tables:
        return {"": totals}
    for cells in tables.values():
        cells.update(totals)
    return dict(tables)


def _withheld(table: Table, indicators: dict[str, Indicator],
              policy: Policy) -> set[tuple[str, str, str, str]]:
    hidden: set[tuple[str, str, str, str]] = set()
    if policy.threshold <= 0:
        return hidden
    periods = {p for _, _, p, _ in table}
    for code, indicator in indicators.items():
        if not indicator.counts_people:
            continue
        for period in periods:
            tables = _tables(table, code, period)
            result = protect_indicator(tables, policy.threshold, total_row=REGION)
            for dimension, cells in result.items():
                for country, item in cells:
                    key = disagg.encode({dimension: item}) if item else disagg.TOTAL
                    hidden.add((code, country, period, key))
    # A share over people is withheld when either of its terms is, or when it rests on
    # so few people that the share itself would tell who they are.
    for code, indicator in indicators.items():
        if indicator.source != Indicator.Source.FORMULA:
            continue
        terms = [indicator.numerator, indicator.denominator]
        if not any(t is not None and t.counts_people for t in terms):
            continue
        num, den = terms[0].code, terms[1].code  # type: ignore[union-attr]
        for (c, country, period, key) in table:
            if c != code:
                continue
            denominator = table.get((den, country, period, key), Decimal(0))
            if (num, country, period, key) in hidden or (den, country, period, key) in hidden \
                    or is_sensitive(denominator, policy.threshold):
                hidden.add((code, country, period, key))
    return hidden


def public_values(indicators: list[Indicator] | None = None, *, first: Period, last: Period,
                  policy: Policy | None = None) -> list[PublicValue]:
    """Every published figure for the indicators and years asked for, each at its own
    frequency, with counts of people protected."""
    policy = policy or Policy.from_settings()
    indicators = indicators if indicators is not None else list(indicator_queryset())
    countries = tuple(Country.objects.filter(is_member_state=True).values_list("code", flat=True))
    rows: list[PublicValue] = []
    by_frequency: dict[str, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        by_frequency[indicator.frequency].append(indicator)
    for frequency, group in sorted(by_frequency.items()):
        req = Request(countries, first, last, frequency, dimension=ALL_DIMENSIONS,
                      published_only=True)
        table = with_region(group, country_table(group, req), frequency)
        needed = {i.code: i for i in group}
        for indicator in group:
            for term in (indicator.numerator, indicator.denominator):
                if term is not None:
                    needed.setdefault(term.code, term)
        hidden = _withheld(table, needed, policy)
        asked = {i.code: i for i in group}
        for cell in sorted(table):
            code, country, period, key = cell
            found = asked.get(code)
            if found is None:
                continue
            if cell in hidden:
                rows.append(PublicValue(code, country, period, key, None, CONFIDENTIAL,
                                        found.unit))
                continue
            value = table[cell]
            if found.counts_people:
                value = round_to_base(value, policy.rounding_base)
            rows.append(PublicValue(code, country, period, key, _tidy(value), FREE,
                                    found.unit))
    return rows


def _tidy(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01")).normalize() if value % 1 else value.quantize(
        Decimal(1))
