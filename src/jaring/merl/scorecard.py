"""Scorecards: each indicator's value for a year against its target, and a status.

The rule (docs/merl/overview.md): the year's target is the one set for the year, or
else the straight line from the latest baseline before it to the next target after
it. Progress is the share of the way from baseline to target that the value has
covered, ``(value - baseline) / (target - baseline)``, which works for both
directions because a lower-is-better target lies below its baseline; with no
baseline it is ``value / target`` (higher is better) or ``target / value`` (lower).
At least 0.9 is **on track**, at least 0.6 **at risk**, below that **off track**. A
country without a target of its own is held to the regional one for percentages,
scores and days; counts and amounts differ too much between countries for that.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jaring.merl.models import Indicator, TargetValue
from jaring.merl.periods import Period
from jaring.merl.values import REGION, Request, country_table, indicator_queryset, with_region
from jaring.reference.models import Country

ON_TRACK, AT_RISK, OFF_TRACK = 0.9, 0.6, 0.0
RELATIVE_UNITS = {Indicator.Unit.PERCENT, Indicator.Unit.SCORE, Indicator.Unit.DAYS}
STATUS_LABELS = {"on_track": "On track", "at_risk": "At risk", "off_track": "Off track",
                 "no_target": "No target", "no_data": "No data"}


@dataclass(frozen=True)
class ScoreRow:
    indicator: Indicator
    value: Decimal | None
    baseline: Decimal | None
    target: Decimal | None
    progress: float | None
    status: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def _line(points: dict[tuple[int, str], Decimal], year: int) -> tuple[Decimal | None,
                                                                      Decimal | None]:
    """(baseline, target for ``year``) from {(year, kind): value}."""
    baselines = sorted((y, v) for (y, k), v in points.items() if k == "baseline" and y <= year)
    baseline = baselines[-1] if baselines else None
    if (year, "target") in points:
        return (baseline[1] if baseline else None), points[(year, "target")]
    later = sorted((y, v) for (y, k), v in points.items() if k == "target" and y > year)
    if not later or baseline is None:
        return (baseline[1] if baseline else None), None
    (y0, v0), (y1, v1) = baseline, later[0]
    return v0, v0 + (v1 - v0) * Decimal(year - y0) / Decimal(y1 - y0)


def status_of(indicator: Indicator, value: Decimal | None, baseline: Decimal | None,
              target: Decimal | None) -> tuple[float | None, str]:
    if value is None:
        return None, "no_data"
    if target is None:
        return None, "no_target"
    higher = indicator.direction == Indicator.Direction.HIGHER
    if baseline is not None and target != baseline:
        progress = float((value - baseline) / (target - baseline))
    elif higher:
        progress = float(value / target) if target else (1.0 if value >= 0 else 0.0)
    else:
        progress = float(target / value) if value else 1.0
    if progress >= ON_TRACK:
        return progress, "on_track"
    if progress >= AT_RISK:
        return progress, "at_risk"
    return progress, "off_track"


def scorecard(area: str, year: int, indicators: list[Indicator] | None = None) -> list[ScoreRow]:
    """Rows for a member state or the region (``XR``) in one year, published figures only."""
    return scorecards([area], year, indicators)[area]


def scorecards(areas: list[str], year: int, indicators: list[Indicator] | None = None, *,
               members: list[str] | None = None) -> dict[str, list[ScoreRow]]:
    """Rows for several areas at once, from one evaluation of the values and one read of
    the targets: the regional overview colours eleven countries and the region.

    ``members``: the member states' codes, when the caller has them already."""
    indicators = indicators if indicators is not None else list(indicator_queryset())
    if not indicators:
        return {area: [] for area in areas}
    if members is None:
        members = list(Country.objects.filter(is_member_state=True)
                       .values_list("code", flat=True))
    countries = members if REGION in areas else [a for a in areas if a != REGION]
    period = Period(year, 1, "year")
    req = Request(tuple(countries), period, period, "year")
    table = country_table(indicators, req)
    if REGION in areas:
        table = with_region(indicators, table, "year")
    points: dict[tuple[int, str | None], dict[tuple[int, str], Decimal]] = {}
    for target in TargetValue.objects.filter(
            indicator__in=indicators, country_id__in=[a for a in areas if a != REGION]) \
            | TargetValue.objects.filter(indicator__in=indicators, country__isnull=True):
        points.setdefault((target.indicator_id, target.country_id), {})[
            (target.year, target.kind)] = target.value
    result: dict[str, list[ScoreRow]] = {}
    goal: Decimal | None
    for area in areas:
        rows = []
        for indicator in indicators:
            value = table.get((indicator.code, area, str(period), ""))
            own = points.get((indicator.pk, None if area == REGION else area), {})
            baseline, goal = _line(own, year)
            if goal is None and area != REGION and indicator.unit in RELATIVE_UNITS:
                baseline, goal = _line(points.get((indicator.pk, None), {}), year)
            progress, status = status_of(indicator, value, baseline, goal)
            rows.append(ScoreRow(indicator, value, baseline, goal, progress, status))
        result[area] = rows
    return result
