"""State changes in the MERL part, one transaction and one audit event each.

Permission is checked before the transaction opens, so that a refusal's audit event
is not rolled back with the refused change.

Values arrive from six doors (grid, Excel, CSV, API, DHIS2, ADX); all of them end in
:func:`store_values`, so the checks, the change history and the lock are the same
whichever door a value came through.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jaring.audit.services import record_event
from jaring.core import bulk
from jaring.identity import policy
from jaring.merl import disagg
from jaring.merl.models import (
    DataValue,
    DataValueChange,
    Indicator,
    IndicatorDimension,
    LearningEntry,
    PeriodApproval,
    TargetValue,
    ValueSource,
    Violation,
)
from jaring.merl.periods import Period, PeriodError
from jaring.merl.rows import RowError, RowIn, StoreResult
from jaring.reference.models import Code, CodeList, Country

MAX_DECIMAL = Decimal("1e15")


def country_scope(country: str, period: str = "") -> PeriodApproval:
    """Stands for "this country's MERL figures" when asking the policy about a country.

    Unsaved, so that a refused request writes its audit event and nothing else.
    """
    return PeriodApproval(country_id=country, period=period)


class _Vocabulary:
    """Indicators, their dimensions and the codes of each code list, read once per batch."""

    def __init__(self) -> None:
        self.indicators = {i.code: i for i in Indicator.objects.all()}
        self.dimensions: dict[int, set[str]] = defaultdict(set)
        for indicator_id, code_list in IndicatorDimension.objects.values_list(
                "indicator_id", "code_list_id"):
            self.dimensions[indicator_id].add(code_list)
        self.codes: dict[str, set[str]] = defaultdict(set)
        for code_list, code in Code.objects.values_list("code_list_id", "code"):
            self.codes[code_list].add(code)
        self.countries = set(Country.objects.filter(is_member_state=True)
                             .values_list("code", flat=True))


def _parse_value(indicator: Indicator, text: str) -> Decimal:
    try:
        value = Decimal(str(text).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValueError(f"{text!r} is not a number") from None
    if not value.is_finite() or abs(value) >= MAX_DECIMAL:
        raise ValueError(f"{text!r} is not a usable number")
    if indicator.unit in (Indicator.Unit.COUNT, Indicator.Unit.USD, Indicator.Unit.DAYS) \
            and value < 0:
        raise ValueError(f"{indicator.get_unit_display().lower()} cannot be negative")
    if indicator.unit == Indicator.Unit.COUNT and value != value.to_integral_value():
        raise ValueError("a count is a whole number")
    if indicator.unit == Indicator.Unit.PERCENT and not 0 <= value <= 100:
        raise ValueError("a percentage is between 0 and 100")
    return value.quantize(Decimal("0.0001"))


def _check_row(row: RowIn, vocab: _Vocabulary) -> tuple[tuple | None, list[RowError]]:
    errors: list[RowError] = []
    indicator = vocab.indicators.get(row.indicator.strip())
    if indicator is None:
        return None, [RowError(row.line, "indicator", f"no indicator {row.indicator!r}")]
    if indicator.source != Indicator.Source.REPORTED:
        return None, [RowError(row.line, "indicator", f"{indicator.code} is "
                               f"{indicator.get_source_display().lower()}: it is not entered")]
    country = row.country.strip().upper()
    if country not in vocab.countries:
        errors.append(RowError(row.line, "country", f"{row.country!r} is not a member state"))
    period = None
    try:
        period = Period.parse(row.period)
        if period.frequency != indicator.frequency:
            errors.append(RowError(row.line, "period", f"{indicator.code} is reported per "
                                   f"{indicator.frequency}, not per {period.frequency}"))
    except PeriodError as exc:
        errors.append(RowError(row.line, "period", str(exc)))
    key = ""
    try:
        parts = disagg.decode(row.disaggregation.strip())
        allowed = vocab.dimensions[indicator.pk]
        for dimension, code in parts.items():
            if dimension not in allowed:
                errors.append(RowError(row.line, "disaggregation",
                                       f"{indicator.code} is not disaggregated by {dimension}"))
            elif code not in vocab.codes[dimension]:
                errors.append(RowError(row.line, "disaggregation",
                                       f"{code!r} is not a code of {dimension}"))
        key = disagg.encode(parts)
    except disagg.DisaggregationError as exc:
        errors.append(RowError(row.line, "disaggregation", str(exc)))
    value = None
    try:
        value = _parse_value(indicator, row.value)
    except ValueError as exc:
        errors.append(RowError(row.line, "value", str(exc)))
    if errors or period is None or value is None:
        return None, errors
    return (indicator, country, str(period), key, value, row.comment.strip()[:500]), []


@transaction.atomic
def store_values(user: Any, rows: Iterable[RowIn], source: str,
                 at: datetime.datetime | None = None) -> StoreResult:
    """Check every row, store the good ones, list the rest by row, field and reason.

    Storing the same file twice changes nothing: a value equal to the stored one is
    counted as unchanged and writes no history. ``at`` backdates the entry, for the
    demo's history of late and early reports; everything else leaves it to the clock.
    """
    if source not in ValueSource.values:
        raise ValidationError({"source": f"unknown source {source!r}"})
    vocab = _Vocabulary()
    result = StoreResult()
    good: dict[tuple[int, str, str, str], tuple] = {}
    refused: set[str] = set()
    for row in rows:
        checked, errors = _check_row(row, vocab)
        if errors:
            result.errors.extend(errors)
            continue
        assert checked is not None
        indicator, country, period, key, value, comment = checked
        # No user: the CLI or the demo, acting for the system with every change audited.
        if user is not None and \
                not policy.allowed(user, "merl.value.enter", country_scope(country)):
            result.errors.append(RowError(row.line, "country",
                                          f"you may not enter values for {country}"))
            refused.add(country)
            continue
        # A later row for the same cell wins, as it would if entered one by one.
        good[(indicator.pk, country, period, key)] = (row.line, value, comment)
    for country in sorted(refused):
        # Stored values commit, so the refusal's event commits with them.
        record_event("access.denied", actor=user if getattr(user, "pk", None) else None,
                     object_type="merl.period", country=country,
                     detail={"permission": "merl.value.enter"})
    if not good:
        return result
    pairs = {(c, p) for _, c, p, _ in good}
    locked = {
        (a.country_id, a.period)
        for a in PeriodApproval.objects.filter(
            country_id__in={c for c, _ in pairs}, period__in={p for _, p in pairs})
        if a.locked
    }
    for cell, (line, _, _) in list(good.items()):
        if (cell[1], cell[2]) in locked:
            result.errors.append(RowError(line, "period", f"{cell[1]} {cell[2]} is approved and "
                                          "locked; ask the focal point to unlock it"))
            del good[cell]
    scope = DataValue.objects.filter(
        country_id__in={c for c, _ in pairs}, period__in={p for _, p in pairs},
        indicator_id__in={i for i, _, _, _ in good})
    existing = {(i, c, p, k): (pk, v, m) for pk, i, c, p, k, v, m in scope.values_list(
        "pk", "indicator_id", "country_id", "period", "disaggregation", "value", "comment")}
    now = at or timezone.now()
    actor = user if getattr(user, "pk", None) else None
    actor_id = actor.pk if actor is not None else None
    # Plain executemany through jaring.core.bulk: the ORM's bulk_create spends seconds
    # of Python per 100,000 rows compiling SQL that executes in a fraction of that.
    new_rows: list[tuple] = []
    changed: list[tuple] = []
    history: list[tuple] = []
    changed_pairs: list[tuple[str, str]] = []
    for cell, (_, value, comment) in good.items():
        stored = existing.get(cell)
        if stored is None:
            new_rows.append((*cell, value, source, actor_id, now, now, comment))
        elif stored[1] == value and stored[2] == comment:
            result.unchanged += 1
        else:
            history.append((stored[0], stored[1], value, source, actor_id, now))
            changed.append((value, comment, source, actor_id, now, stored[0]))
            changed_pairs.append((cell[1], cell[2]))
    # Through COPY on PostgreSQL (bulk.insert_rows): a DHIS2 file brings 100,000 values.
    bulk.insert_rows(DataValue, ["indicator", "country", "period", "disaggregation", "value",
                                 "source", "entered_by", "entered_at", "first_entered_at",
                                 "comment"], new_rows)
    if new_rows:
        created = {tuple(cell): pk for pk, *cell in scope.values_list(
            "pk", "indicator_id", "country_id", "period", "disaggregation")}
        history.extend((created[tuple(new[:4])], None, new[4], source, actor_id, now)
                       for new in new_rows)
    bulk.update_rows(DataValue, ["value", "comment", "source", "entered_by", "entered_at"],
                     changed)
    bulk.insert_rows(DataValueChange, ["data_value", "old_value", "new_value", "source",
                                       "changed_by", "changed_at"], history)
    result.created, result.updated = len(new_rows), len(changed)
    per_pair: dict[tuple[str, str], int] = defaultdict(int)
    for new in new_rows:
        per_pair[(new[1], new[2])] += 1
    for country, period in changed_pairs:
        per_pair[(country, period)] += 1
    _ensure_approvals(set(per_pair))
    # One event per country and call: a DHIS2 file spans hundreds of periods, and the
    # value history above already names every cell.
    per_country: dict[str, dict[str, int]] = defaultdict(dict)
    for (country, period), count in per_pair.items():
        per_country[country][period] = count
    for country, periods in sorted(per_country.items()):
        record_event("merl.values.store", actor=actor, object_type="merl.period",
                     object_id=f"{country}/{min(periods)}" + (
                         f"..{max(periods)}" if len(periods) > 1 else ""),
                     country=country,
                     detail={"values": sum(periods.values()), "periods": len(periods),
                             "source": source})
    return result


def _ensure_approvals(pairs: set[tuple[str, str]]) -> None:
    """A draft approval row for every country and period that has values."""
    if not pairs:
        return
    existing = set(PeriodApproval.objects.filter(
        country_id__in={c for c, _ in pairs}, period__in={p for _, p in pairs})
        .values_list("country_id", "period"))
    PeriodApproval.objects.bulk_create(
        [PeriodApproval(country_id=c, period=p) for c, p in sorted(pairs - existing)],
        batch_size=2000, ignore_conflicts=True)


def _ensure_approval(country: str, period: str) -> PeriodApproval:
    approval, _ = PeriodApproval.objects.get_or_create(country_id=country, period=period)
    return approval


def _approval_for(country: str, period: str) -> PeriodApproval:
    try:
        Period.parse(period)
    except PeriodError as exc:
        raise ValidationError({"period": str(exc)}) from None
    _ensure_approval(country, period)
    return PeriodApproval.objects.select_for_update().get(country_id=country, period=period)


def _transition(user: Any, approval: PeriodApproval, action: str, **detail: Any) -> None:
    record_event(f"merl.period.{action}", actor=user, target=approval,
                 detail={"state": approval.state, **detail})


def submit_period(user: Any, country: str, period: str) -> PeriodApproval:
    policy.check(user, "merl.period.submit", country_scope(country))
    with transaction.atomic():
        approval = _approval_for(country, period)
        if approval.state != PeriodApproval.State.DRAFT:
            raise ValidationError({"state": f"{country} {period} is {approval.state}, not a draft"})
        if not DataValue.objects.filter(country_id=country, period=period).exists():
            raise ValidationError({"period": f"{country} {period} has no values to submit"})
        approval.state = PeriodApproval.State.SUBMITTED
        approval.submitted_by, approval.submitted_at = user, timezone.now()
        approval.save()
        _transition(user, approval, "submit")
        return approval


def approve_period(user: Any, country: str, period: str) -> PeriodApproval:
    """The national focal point approves: the period is locked from now on."""
    policy.check(user, "merl.period.approve", country_scope(country))
    with transaction.atomic():
        approval = _approval_for(country, period)
        if approval.state != PeriodApproval.State.SUBMITTED:
            raise ValidationError({"state": f"{country} {period} is {approval.state}; only a "
                                            "submitted period can be approved"})
        approval.state = PeriodApproval.State.APPROVED
        approval.approved_by, approval.approved_at = user, timezone.now()
        approval.save()
        _transition(user, approval, "approve")
        return approval


def return_period(user: Any, country: str, period: str, reason: str) -> PeriodApproval:
    """The focal point sends a submitted period back to its officers."""
    policy.check(user, "merl.period.approve", country_scope(country))
    with transaction.atomic():
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": "say what needs fixing"})
        approval = _approval_for(country, period)
        if approval.state != PeriodApproval.State.SUBMITTED:
            raise ValidationError({"state": f"{country} {period} is {approval.state}, "
                                            "not submitted"})
        approval.state = PeriodApproval.State.DRAFT
        approval.save()
        _transition(user, approval, "return", reason=reason[:500])
        return approval


def _require_secretariat(user: Any, country: str) -> None:
    policy.check(user, "merl.regional.review", country_scope(country))
    if not getattr(user, "is_regional", False):
        # The grant reaches the region, but only the secretariat's approvers use it.
        policy.deny(user, "merl.regional.review", country_scope(country))


def accept_period(user: Any, country: str, period: str) -> PeriodApproval:
    _require_secretariat(user, country)
    with transaction.atomic():
        approval = _approval_for(country, period)
        if approval.state != PeriodApproval.State.APPROVED:
            raise ValidationError({"state": f"{country} {period} is {approval.state}; only an "
                                            "approved period can be accepted"})
        approval.state = PeriodApproval.State.ACCEPTED
        approval.accepted_by, approval.accepted_at = user, timezone.now()
        approval.save()
        _transition(user, approval, "accept")
        return approval


def unlock_period(user: Any, country: str, period: str, reason: str) -> PeriodApproval:
    """Back to draft, with a reason in the record and the audit log.

    The national focal point unlocks what they approved; once the secretariat has
    accepted a period, only the secretariat can unlock it.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "say why the period must be unlocked"})
    current = PeriodApproval.objects.filter(country_id=country, period=period).first()
    accepted = current is not None and current.state == PeriodApproval.State.ACCEPTED
    if accepted or not policy.allowed(user, "merl.period.approve", country_scope(country)):
        _require_secretariat(user, country)
    with transaction.atomic():
        approval = _approval_for(country, period)
        if approval.state == PeriodApproval.State.ACCEPTED and not accepted:
            raise ValidationError({"state": f"{country} {period} was accepted meanwhile"})
        if not approval.locked:
            raise ValidationError({"state": f"{country} {period} is {approval.state}, "
                                            "not locked"})
        previous = approval.state
        approval.state = PeriodApproval.State.DRAFT
        approval.unlock_reason = reason[:500]
        approval.approved_by = approval.accepted_by = None
        approval.approved_at = approval.accepted_at = None
        approval.save()
        _transition(user, approval, "unlock", reason=reason[:500], was=previous)
        return approval


def add_dimension(user: Any, indicator: Indicator, code_list: CodeList) -> IndicatorDimension:
    """Disaggregate an indicator further. Stored values stay as they are: they name
    fewer dimensions, and the ones with none remain the total."""
    policy.check(user, "merl.framework.manage")
    with transaction.atomic():
        dimension, created = IndicatorDimension.objects.get_or_create(indicator=indicator,
                                                                      code_list=code_list)
        if created:
            kept = DataValue.objects.filter(indicator=indicator).count()
            record_event("merl.indicator.dimension.add", actor=user, target=indicator,
                         detail={"code_list": code_list.pk, "values_kept": kept})
        return dimension


def set_target(user: Any, indicator: Indicator, country: str | None, year: int, kind: str,
               value: Decimal) -> TargetValue:
    policy.check(user, "merl.framework.manage")
    with transaction.atomic():
        if kind not in TargetValue.Kind.values:
            raise ValidationError({"kind": f"{kind!r}: baseline or target"})
        target, _ = TargetValue.objects.update_or_create(
            indicator=indicator, country_id=country, year=year, kind=kind,
            defaults={"value": value})
        record_event("merl.target.set", actor=user, target=indicator,
                     detail={"country": country or "region", "year": year, "kind": kind,
                             "value": str(value)})
        return target


def explain_violation(user: Any, violation: Violation, note: str) -> Violation:
    """An officer says the flagged value is right and why; the finding stays listed."""
    policy.check(user, "merl.value.enter", violation)
    with transaction.atomic():
        note = (note or "").strip()
        if not note:
            raise ValidationError({"note": "say why the value is right"})
        violation.status, violation.note = Violation.Status.EXPLAINED, note[:500]
        violation.save(update_fields=["status", "note"])
        record_event("merl.violation.explain", actor=user, target=violation)
        return violation


def record_learning(user: Any, *, plan, country: str, kind: str, title: str, text: str,
                    indicators: Iterable[Indicator] = (), nodes: Iterable = ()) -> LearningEntry:
    policy.check(user, "merl.learning.manage", country_scope(country))
    with transaction.atomic():
        if kind not in LearningEntry.Kind.values:
            raise ValidationError({"kind": "lesson or recommendation"})
        if not title.strip() or not text.strip():
            raise ValidationError({"title": "give a title and the text"})
        entry = LearningEntry.objects.create(plan=plan, country_id=country, kind=kind,
                                             title=title.strip()[:200], text=text.strip(),
                                             created_by=user)
        entry.indicators.set(indicators)
        entry.nodes.set(nodes)
        record_event("merl.learning.create", actor=user, target=entry)
        return entry


def update_learning(user: Any, entry: LearningEntry, status: str,
                    follow_up: str = "") -> LearningEntry:
    policy.check(user, "merl.learning.manage", entry, conceal=True)
    with transaction.atomic():
        if status not in LearningEntry.Status.values:
            raise ValidationError({"status": f"{status!r} is not a follow-up status"})
        entry.status, entry.follow_up = status, (follow_up or entry.follow_up).strip()
        entry.updated_at = timezone.now()
        entry.save(update_fields=["status", "follow_up", "updated_at"])
        record_event("merl.learning.update", actor=user, target=entry, detail={"status": status})
        return entry


def validate(user: Any, country: str | None = None, period: str | None = None):
    """Run validation for a country (or, for the secretariat and the CLI, every country)."""
    from jaring.merl.validation import run_validation

    if user is not None:
        if country:
            if not policy.allowed(user, "merl.value.view", country_scope(country)):
                _require_secretariat(user, country)
        else:
            _require_secretariat(user, "")
    return run_validation(country=country, period=period, actor=user)


FORMAT_SOURCES = {"xlsx": ValueSource.XLSX, "csv": ValueSource.CSV, "dhis2": ValueSource.DHIS2,
                  "adx": ValueSource.ADX}


def import_values(user: Any, data: bytes, fmt: str) -> StoreResult:
    """Read a file in one of the import formats and store its good rows.

    A file that cannot be read at all gives one error on row 0, field ``file``.
    """
    from jaring.merl import imports

    try:
        rows = imports.read(data, fmt)
    except imports.FileRejected as exc:
        return StoreResult(errors=[RowError(0, "file", str(exc))])
    return store_values(user, rows, FORMAT_SOURCES[fmt])
