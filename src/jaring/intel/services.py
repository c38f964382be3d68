"""State changes in the intelligence part, one transaction and one audit event each."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from jaring.audit.services import record_event
from jaring.identity.roles import Role
from jaring.intel import alerts, linking
from jaring.intel.counts import campaigns_holding, count_pending, refresh_indicators
from jaring.intel.indicators import InvalidIndicator, normalise
from jaring.intel.ingest import (
    IngestResult,
    indicator_token,
    ingest,
)
from jaring.intel.models import Alert, Campaign, FraudReport, Indicator, Sighting, WarninglistEntry
from jaring.intel.validation import FieldError, Vocabulary, parse_report


class ReportRejected(ValidationError):
    """The submitted report has errors; ``field_errors`` names each."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.field_errors = errors
        super().__init__({e.field: [e.reason] for e in errors})


@transaction.atomic
def submit_report(user: Any, raw: dict, *, organisation=None) -> tuple[FraudReport, IngestResult]:
    """Submit (or, with the same reference, update) one report from a form or the API."""
    organisation = organisation or user.organisation
    if organisation is None or organisation.country_id is None:
        raise ValidationError({"organisation": "reports come from a national organisation"})
    item, errors = parse_report(
        raw, vocabulary=Vocabulary(), organisation_id=organisation.pk,
        country=organisation.country_id,
    )
    if item is None or errors:
        raise ReportRejected(errors)
    result = ingest([item], created_by=user)
    report = FraudReport.objects.get(organisation=organisation, reference=item.reference)
    record_event(
        "intel.report.update" if result.updated else "intel.report.create",
        actor=user, target=report,
        detail={"indicators": len(item.indicators), "campaigns": sorted(result.campaigns),
                "alerts": result.alerts},
    )
    return report, result


def _relink(report_ids: list[int]) -> set[int]:
    """Link these reports again and alert as a new report would."""
    changed = linking.link(report_ids)
    alerts.raise_for(changed, today=timezone.localdate())
    return changed


@transaction.atomic
def mark_link_wrong(user: Any, sighting: Sighting, reason: str) -> set[int]:
    """An analyst says this indicator does not connect this report: the campaign splits."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "say why the link is wrong"})
    linking.lock()
    sighting = Sighting.objects.select_for_update().select_related("report").get(pk=sighting.pk)
    if not sighting.linkable:
        return set()
    sighting.linkable = False
    sighting.unlinked_by = user
    sighting.unlinked_reason = reason[:300]
    sighting.save(update_fields=["linkable", "unlinked_by", "unlinked_reason"])
    campaign_id = sighting.report.campaign_id
    changed = linking.resplit([campaign_id]) if campaign_id else set()
    linking.refresh_stats(changed)
    record_event("intel.link.unlink", actor=user, target=sighting.report,
                 detail={"sighting": sighting.pk, "indicator": sighting.indicator_id,
                         "campaigns": sorted(changed)})
    return changed


@transaction.atomic
def restore_link(user: Any, sighting: Sighting) -> set[int]:
    linking.lock()
    sighting = Sighting.objects.select_for_update().get(pk=sighting.pk)
    if sighting.linkable:
        return set()
    sighting.linkable = True
    sighting.unlinked_by = None
    sighting.unlinked_reason = ""
    sighting.save(update_fields=["linkable", "unlinked_by", "unlinked_reason"])
    changed = _relink([sighting.report_id])
    record_event("intel.link.restore", actor=user, target=sighting.report,
                 detail={"sighting": sighting.pk, "campaigns": sorted(changed)})
    return changed


def _reports_of_indicator(indicator: Indicator) -> list[int]:
    return list(Sighting.objects.filter(indicator=indicator).values_list("report_id", flat=True))


@transaction.atomic
def add_to_warninglist(user: Any, kind: str, value: str, reason: str) -> WarninglistEntry:
    """Stop a value from ever linking reports; campaigns it held together split."""
    if not reason.strip():
        raise ValidationError({"reason": "say why this value must never link reports"})
    try:
        normalised = normalise(kind, value, country=getattr(user, "country_code", None))
    except InvalidIndicator as exc:
        raise ValidationError({"value": str(exc)}) from None
    except (KeyError, ValueError) as exc:
        raise ValidationError({"kind": str(exc)}) from None
    token = indicator_token(normalised.kind, normalised.value)
    linking.lock()
    entry, created = WarninglistEntry.objects.get_or_create(
        token=token,
        defaults={"kind": normalised.kind, "value": normalised.value,
                  "reason": reason.strip()[:300], "created_by": user},
    )
    indicator = Indicator.objects.select_for_update().filter(token=token).first()
    changed: set[int] = set()
    if indicator is not None and indicator.status != Indicator.Status.WARNINGLISTED:
        campaigns = campaigns_holding([indicator.pk])
        indicator.status = Indicator.Status.WARNINGLISTED
        indicator.save(update_fields=["status"])
        changed = linking.resplit(campaigns)
        linking.refresh_stats(changed)
    if created:
        record_event("intel.warninglist.add", actor=user, target=entry,
                     detail={"kind": entry.kind, "campaigns": sorted(changed)})
    return entry


@transaction.atomic
def remove_from_warninglist(user: Any, entry: WarninglistEntry) -> set[int]:
    linking.lock()
    indicator = Indicator.objects.select_for_update().filter(token=entry.token).first()
    record_event("intel.warninglist.remove", actor=user, target=entry,
                 detail={"kind": entry.kind})
    entry.delete()
    changed: set[int] = set()
    if indicator is not None and indicator.status == Indicator.Status.WARNINGLISTED:
        indicator.status = Indicator.Status.ACTIVE
        indicator.save(update_fields=["status"])
        # Back under the normal rules: the fan-out cap may flag it straight away.
        refresh_indicators({indicator.pk})
        indicator.refresh_from_db()
        if indicator.links:
            changed = _relink(_reports_of_indicator(indicator))
    return changed


@transaction.atomic
def review_flagged(user: Any, indicator: Indicator, *, approve: bool, reason: str) -> set[int]:
    """Decide on an indicator over the fan-out cap: let it link, or warninglist it.

    An analyst decides only on indicators their own country has reported: approving a
    value seen only in other countries' restricted reports would link those reports
    across borders on a say-so from outside."""
    linking.lock()
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    if not may_review(user, indicator):
        raise PermissionDenied("intel.indicator.review")
    if indicator.status != Indicator.Status.FLAGGED:
        raise ValidationError({"indicator": "only a flagged indicator awaits review"})
    if not reason.strip():
        raise ValidationError({"reason": "say why"})
    changed: set[int] = set()
    if approve:
        indicator.status = Indicator.Status.APPROVED
        indicator.save(update_fields=["status"])
        changed = _relink(_reports_of_indicator(indicator))
    else:
        if not indicator.value:
            raise ValidationError({"indicator": "a value seen only in restricted reports cannot "
                                   "be warninglisted from here; ask its reporting country"})
        WarninglistEntry.objects.get_or_create(
            token=indicator.token,
            defaults={"kind": indicator.kind, "value": indicator.value,
                      "reason": reason.strip()[:300], "created_by": user},
        )
        indicator.status = Indicator.Status.WARNINGLISTED
        indicator.save(update_fields=["status"])
    record_event("intel.indicator.review", actor=user, target=indicator,
                 detail={"approved": approve, "campaigns": sorted(changed)})
    return changed


_ALERT_ORDER = [Alert.State.NEW, Alert.State.READ, Alert.State.ACKNOWLEDGED, Alert.State.ACTIONED]


@transaction.atomic
def set_alert_state(user: Any, alert: Alert, state: str) -> Alert:
    """Move an alert forward (new → read → acknowledged → actioned); never backward."""
    if state not in Alert.State.values:
        raise ValidationError({"state": f"unknown state {state!r}"})
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if _ALERT_ORDER.index(Alert.State(state)) <= _ALERT_ORDER.index(Alert.State(alert.state)):
        return alert
    alert.state = state
    alert.state_changed_by = user
    alert.updated_at = timezone.now()
    alert.save(update_fields=["state", "state_changed_by", "updated_at"])
    record_event(f"intel.alert.{state}", actor=user, target=alert,
                 country=alert.country_id, detail={"campaign": alert.campaign.code})
    return alert


def rebuild_campaigns(progress=None) -> set[int]:
    """Recompute every campaign from scratch (``jaring intel rebuild``)."""
    with transaction.atomic():
        linking.lock()
        # A killed bulk import leaves reports whose indicators it had not counted yet:
        # the fan-out cap must see them before links are drawn.
        count_pending()
        live = linking.rebuild(progress)
    record_event("intel.campaigns.rebuild", detail={"campaigns": len(live)})
    return live


def may_review(user: Any, indicator: Indicator) -> bool:
    if getattr(user, "role", None) == Role.ADMINISTRATOR:
        return True
    country = getattr(user, "country_code", None)
    return bool(country) and Sighting.objects.filter(
        indicator=indicator, report__country_id=country).exists()


def campaign_by_code(code: str) -> Campaign | None:
    text = code.strip().upper().removeprefix("C-")
    if not re.fullmatch(r"[0-9]{1,18}", text):
        return None
    campaign = Campaign.objects.filter(anchor_report_id=int(text)).first()
    if campaign is None:
        return None
    from jaring.intel.queries import live_campaign

    return live_campaign(campaign)
