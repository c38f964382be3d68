"""Validation of reported values: rules between values, parts against totals, robust
outliers, completeness and timeliness. Findings are stored as violations and kept.

Outliers (see docs/merl/overview.md): a value is compared with the same country's
earlier values of the same indicator and disaggregation (at least
``MIN_HISTORY`` of them). The centre is the median and the spread the median
absolute deviation (MAD), scaled by 1.4826 so it estimates a standard deviation
for normal data; the robust score is ``|x - median| / (1.4826 * MAD)``. Small
counts are often mostly zeros, where the MAD is 0 and any non-zero value would
score infinity, so then the spread falls back to the mean absolute deviation
scaled by 1.2533 (the same estimate for normal data); if that is 0 too, the
history is constant and only a value differing from it by more than
``MIN_ABSOLUTE_JUMP`` is flagged. A score above ``THRESHOLD`` (3.5, after
Iglewicz and Hoaglin) is an outlier. Counts below ``MIN_ABSOLUTE_JUMP`` away from
the median are never flagged: 0 → 3 victims is not a data problem.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jaring.audit.services import record_event
from jaring.merl import disagg
from jaring.merl.models import DataValue, Indicator, ValidationRule, Violation
from jaring.merl.periods import Period, PeriodError

THRESHOLD = 3.5
MIN_HISTORY = 6
MIN_ABSOLUTE_JUMP = 5.0
MAD_SCALE = 1.4826
MEAN_AD_SCALE = 1.2533


@dataclass(frozen=True)
class Finding:
    kind: str
    country: str
    period: str
    message: str
    indicator_id: int | None = None
    disaggregation: str = ""
    detail: str = ""  # tells apart two findings of one kind on the same cell

    @property
    def fingerprint(self) -> str:
        return "|".join([self.kind, self.country, self.period, str(self.indicator_id or ""),
                         self.disaggregation, self.detail])[:200]


def robust_score(value: float, history: Sequence[float]) -> float | None:
    """How far ``value`` lies from ``history`` in robust standard deviations; None when the
    history is too short or the difference too small to matter."""
    if len(history) < MIN_HISTORY:
        return None
    centre = statistics.median(history)
    distance = abs(value - centre)
    if distance < MIN_ABSOLUTE_JUMP:
        return 0.0
    mad = statistics.median(abs(h - centre) for h in history)
    spread = MAD_SCALE * mad
    if spread == 0:
        spread = MEAN_AD_SCALE * statistics.fmean(abs(h - centre) for h in history)
    if spread == 0:
        return float("inf")
    return distance / spread


def is_outlier(value: float, history: Sequence[float]) -> bool:
    score = robust_score(value, history)
    return score is not None and score > THRESHOLD


_OPS = {"le": lambda a, b: a <= b, "lt": lambda a, b: a < b, "ge": lambda a, b: a >= b,
        "gt": lambda a, b: a > b, "eq": lambda a, b: a == b}


def _scope(rows, country: str | None, period: str | None):
    if country:
        rows = rows.filter(country_id=country)
    if period:
        rows = rows.filter(period=period)
    return rows


def check_rules(country: str | None, period: str | None) -> list[Finding]:
    findings = []
    totals: dict[tuple[str, str], dict[int, Decimal]] = defaultdict(dict)
    for indicator_id, c, p, value in _scope(DataValue.objects.filter(disaggregation=""),
                                            country, period).values_list(
            "indicator_id", "country_id", "period", "value"):
        totals[(c, p)][indicator_id] = value
    for rule in ValidationRule.objects.select_related("left", "right"):
        for (c, p), values in totals.items():
            left, right = values.get(rule.left_id), values.get(rule.right_id)
            if left is None or right is None:
                continue
            if not _OPS[rule.operator](left, right * rule.factor):
                findings.append(Finding(
                    Violation.Kind.RULE, c, p,
                    f"{rule.description}: {rule.left.code} = {left:g} but "
                    f"{rule.right.code} = {right:g}", rule.left_id, detail=rule.code))
    return findings


def check_sums(country: str | None, period: str | None) -> list[Finding]:
    """For each single dimension: when every part is there, the parts must add up to the
    total; more than the total is wrong even when some parts are missing."""
    codes = _codes_by_list()
    cells: dict[tuple[int, str, str], dict[str, Decimal]] = defaultdict(dict)
    for indicator_id, c, p, key, value in _scope(DataValue.objects.all(), country,
                                                 period).values_list(
            "indicator_id", "country_id", "period", "disaggregation", "value"):
        cells[(indicator_id, c, p)][key] = value
    findings = []
    for (indicator_id, c, p), values in cells.items():
        total = values.get("")
        if total is None:
            continue
        parts: dict[str, dict[str, Decimal]] = defaultdict(dict)
        for key, value in values.items():
            decoded = disagg.decode(key)
            if len(decoded) == 1:
                (dimension, code), = decoded.items()
                parts[dimension][code] = value
        for dimension, found in parts.items():
            added = sum(found.values(), Decimal(0))
            complete = set(found) >= codes.get(dimension, set())
            if added > total or (complete and added != total):
                findings.append(Finding(
                    Violation.Kind.SUM, c, p,
                    f"parts by {dimension} add up to {added:g}, the total is {total:g}",
                    indicator_id, detail=dimension))
    return findings


def _codes_by_list() -> dict[str, set[str]]:
    from jaring.reference.models import Code

    found: dict[str, set[str]] = defaultdict(set)
    for code_list, code in Code.objects.values_list("code_list_id", "code"):
        found[code_list].add(code)
    return found


def check_outliers(country: str | None, period: str | None) -> list[Finding]:
    rows = DataValue.objects.all()
    if country:
        rows = rows.filter(country_id=country)
    series: dict[tuple[int, str, str], list[tuple[str, float]]] = defaultdict(list)
    for indicator_id, c, p, key, stored in rows.values_list(
            "indicator_id", "country_id", "period", "disaggregation", "value"):
        series[(indicator_id, c, key)].append((p, float(stored)))
    findings = []
    for (indicator_id, c, key), points in series.items():
        points.sort()
        for n, (p, observed) in enumerate(points):
            if period and p != period:
                continue
            history = [v for _, v in points[:n]]
            score = robust_score(observed, history)
            if score is not None and score > THRESHOLD:
                median = statistics.median(history)
                findings.append(Finding(
                    Violation.Kind.OUTLIER, c, p,
                    f"{observed:g} is far from the usual {median:g} (robust score "
                    f"{'∞' if score == float('inf') else f'{score:.1f}'})", indicator_id, key))
    return findings


def expected_periods(indicator: Indicator, today) -> list[str]:
    """The periods of the indicator's frequency that have ended and are due by ``today``."""
    from jaring.merl.models import Plan
    from jaring.merl.periods import periods_between

    plan = Plan.objects.filter(nodes__indicators=indicator).first()
    if plan is None:
        return []
    first = Period(plan.start_year, 1, "year")
    last = Period(min(plan.end_year, today.year), 1, "year")
    grace = settings.MERL_REPORTING_GRACE_DAYS
    return [str(p) for p in periods_between(first, last, indicator.frequency)
            if (today - p.end).days > grace]


def check_completeness(country: str | None, period: str | None, today,
                       countries: Iterable[str]) -> list[Finding]:
    """Every reported indicator's total, for every period due, from every member state;
    and a value entered after the grace period is late."""
    grace = settings.MERL_REPORTING_GRACE_DAYS
    reported = list(Indicator.objects.filter(source=Indicator.Source.REPORTED))
    present = {}
    for indicator_id, c, p, first in _scope(DataValue.objects.filter(disaggregation=""),
                                            country, period).values_list(
            "indicator_id", "country_id", "period", "first_entered_at"):
        present[(indicator_id, c, p)] = first
    findings = []
    for indicator in reported:
        for p in expected_periods(indicator, today):
            if period and p != period:
                continue
            due = Period.parse(p).end
            for c in countries:
                first = present.get((indicator.pk, c, p))
                if first is None:
                    findings.append(Finding(Violation.Kind.COMPLETENESS, c, p,
                                            f"{indicator.code} has no total for {p}",
                                            indicator.pk))
                elif (timezone.localtime(first).date() - due).days > grace:
                    late = (timezone.localtime(first).date() - due).days - grace
                    findings.append(Finding(Violation.Kind.TIMELINESS, c, p,
                                            f"{indicator.code} came {late} days after the "
                                            f"deadline", indicator.pk))
    return findings


@dataclass
class ValidationSummary:
    found: int
    new: int
    resolved: int
    by_kind: dict[str, int]


@transaction.atomic
def run_validation(*, country: str | None = None, period: str | None = None,
                   actor: Any = None, today=None) -> ValidationSummary:
    """Check, store new findings, reopen returning ones, resolve those that no longer hold."""
    from jaring.reference.models import Country

    if period:
        try:
            period = str(Period.parse(period))
        except PeriodError as exc:
            from django.core.exceptions import ValidationError

            raise ValidationError({"period": str(exc)}) from None
    today = today or timezone.localdate()
    countries = [country] if country else list(
        Country.objects.filter(is_member_state=True).values_list("code", flat=True))
    findings = [*check_rules(country, period), *check_sums(country, period),
                *check_outliers(country, period),
                *check_completeness(country, period, today, countries)]
    now = timezone.now()
    existing = {v.fingerprint: v for v in _scope(Violation.objects.all(), country, period)}
    new = 0
    by_kind: dict[str, int] = defaultdict(int)
    seen = set()
    for finding in findings:
        by_kind[finding.kind] += 1
        fingerprint = finding.fingerprint
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        stored = existing.get(fingerprint)
        if stored is None:
            Violation.objects.create(
                fingerprint=fingerprint, kind=finding.kind, country_id=finding.country,
                period=finding.period, indicator_id=finding.indicator_id,
                disaggregation=finding.disaggregation, message=finding.message[:500],
                first_seen=now, last_seen=now)
            new += 1
        else:
            stored.last_seen, stored.message = now, finding.message[:500]
            if stored.status == Violation.Status.RESOLVED:
                stored.status, stored.resolved_at = Violation.Status.OPEN, None
            stored.save(update_fields=["last_seen", "message", "status", "resolved_at"])
    gone = [v.pk for f, v in existing.items()
            if f not in seen and v.status != Violation.Status.RESOLVED]
    Violation.objects.filter(pk__in=gone).update(status=Violation.Status.RESOLVED,
                                                 resolved_at=now)
    record_event("merl.validate", actor=actor, country=country or "",
                 detail={"period": period or "", "found": len(seen), "new": new,
                         "resolved": len(gone)})
    return ValidationSummary(len(seen), new, len(gone), dict(by_kind))
