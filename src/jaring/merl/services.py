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
    existing = {
        (v.indicator_id, v.country_id, v.period, v.disaggregation): v
        for v in DataValue.objects.filter(
            country_id__in={c for c, _ in pairs}, period__in={p for _, p in pairs},
            indicator_id__in={i for i, _, _, _ in good})
    }
    now = at or timezone.now()
    actor = user if getattr(user, "pk", None) else None
    new_values, changed, history = [], [], []
    for cell, (_, value, comment) in good.items():
        stored = existing.get(cell)
        if stored is None:
            new_values.append(DataValue(
                indicator_id=cell[0], country_id=cell[1], period=cell[2], disaggregation=cell[3],
                value=value, source=source, entered_by=actor, entered_at=now,
                first_entered_at=now, comment=comment))
        elif stored.value == value and stored.comment == comment:
            result.unchanged += 1
        else:
            history.append(DataValueChange(data_value=stored, old_value=stored.value,
                                           new_value=value, source=source, changed_by=actor,
                                           changed_at=now))
            stored.value, stored.comment, stored.source = value, comment, source
            stored.entered_by, stored.entered_at = actor, now
            changed.append(stored)
    DataValue.objects.bulk_create(new_values, batch_size=2000)
    # Both SQLite (3.35+) and PostgreSQL hand back the new primary keys.
    history.extend(DataValueChange(data_value=v, old_value=None, new_value=v.value,
                                   source=source, changed_by=actor, changed_at=now)
                   for v in new_values)
    DataValue.objects.bulk_update(changed, ["value", "comment", "source", "entered_by",
                                            "entered_at"], batch_size=2000)
    DataValueChange.objects.bulk_create(history, batch_size=2000)
    result.created, result.updated = len(new_values), len(changed)
    per_pair: dict[tuple[str, str], int] = defaultdict(int)
    for v in [*new_values, *changed]:
        per_pair[(v.country_id, v.period)] += 1
    for (country, period), count in sorted(per_pair.items()):
        _ensure_approval(country, period)
        record_event("merl.values.store", actor=actor, object_type="merl.period",
                     object_id=f"{country}/{period}", country=country,
                     detail={"values": count, "source": source})
    return result


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
