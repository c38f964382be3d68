"""Read-side helpers shared by the pages, the API and the exports.

Each function takes the viewing user and returns only what the sharing rules let
that user see; personal data is decrypted (and the read audited) only for the
reporting country's own users and only where a caller asks for it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from jaring.audit.services import record_event
from jaring.crypto.cipher import decrypt
from jaring.identity import policy
from jaring.intel import visibility
from jaring.intel.indicators import InvalidIndicator, guess_kind, normalise
from jaring.intel.ingest import indicator_token
from jaring.intel.models import Alert, Campaign, CampaignMember, FraudReport, Indicator, Sighting


def _report_queryset(base: QuerySet) -> QuerySet:
    return base.select_related("organisation", "membership__campaign").prefetch_related(
        Prefetch("sightings", queryset=Sighting.objects.select_related("indicator")
                 .order_by("pk"))
    )


def open_report(user: Any, pk: int, *, request: Any = None) -> tuple[FraudReport, str]:
    """A report and the user's access to it, for pages and the API alike. Another
    country's report the user may not see answers 404, and the refusal is audited."""
    report = get_object_or_404(FraudReport, pk=pk)
    access = visibility.access_to(user, report)
    if access != visibility.SHARED:
        # Own-country reports need the full-view grant; others' unshared ones are concealed.
        policy.check(user, "intel.report.view", report, conceal=True, request=request)
    assert access is not None  # the check above refused everyone else
    return _report_queryset(FraudReport.objects.select_related("scam_type")).get(pk=pk), access


def open_campaign(user: Any, code: str, *, request: Any = None) -> Campaign:
    """The live campaign behind a code, if the user may know of it (else 404, audited)."""
    from jaring.intel.services import campaign_by_code

    campaign = campaign_by_code(code)
    if campaign is None:
        raise Http404
    if not visibility.campaign_visible(user, campaign):
        policy.check(user, "intel.report.view", campaign, conceal=True, request=request)
    return campaign


def report_dict(user: Any, report: FraudReport, access: str) -> dict[str, Any]:
    """A report as this user may see it, without personal data."""
    own = access == visibility.FULL
    indicators = []
    for sighting in report.sightings.all():
        value = visibility.sighting_value(user, sighting)
        if value:
            indicators.append({
                "id": sighting.pk, "kind": sighting.indicator.kind, "value": value,
                "role": sighting.role, "linkable": sighting.linkable,
            })
    return {
        "id": report.pk,
        "country": report.country_id,
        "organisation": report.organisation.name,
        "reference": report.reference if own else None,
        "reported_on": report.reported_on,
        "incident_on": report.incident_on,
        "scam_type": report.scam_type_id,
        "channel": report.channel_id,
        "loss_usd": report.loss_usd,
        "tlp": report.tlp,
        "campaign": report.campaign.code if report.campaign is not None else None,
        "access": access,
        "indicators": indicators,
    }


MAX_AUDITED_IDS = 500


def audit_shared(user: Any, reports: list[FraudReport], access: dict[int, str], *,
                 action: str, request: Any = None, **detail: Any) -> None:
    """One audit event per view that shows another member state's reports."""
    foreign = [r.pk for r in reports if access.get(r.pk) == visibility.SHARED]
    if foreign:
        record_event(action, actor=user, request=request, detail={
            "reports": foreign[:MAX_AUDITED_IDS], "count": len(foreign),
            "countries": sorted({r.country_id for r in reports
                                 if access.get(r.pk) == visibility.SHARED}),
            **detail,
        })


def shown_reports(user: Any, reports: list[FraudReport], *, action: str,
                  request: Any = None, **detail: Any) -> list[dict[str, Any]]:
    """Reports as this user may see them, the cross-border ones audited."""
    access = access_map(user, reports)
    audit_shared(user, reports, access, action=action, request=request, **detail)
    return [report_dict(user, r, access[r.pk]) for r in reports]


def report_detail(user: Any, report: FraudReport, access: str, *, request: Any = None
                  ) -> dict[str, Any]:
    """Adds the report's own-country details; reading personal data is audited, and
    so is every opening of another member state's report."""
    out = report_dict(user, report, access)
    if access != visibility.FULL:
        record_event("intel.report.view_shared", actor=user, target=report, request=request)
        return out
    country = report.country_id
    out.update({
        "loss_amount": report.loss_amount,
        "loss_currency": report.loss_currency_id,
        "victim_age_group": report.victim_age_group or None,
        "victim_sex": report.victim_sex or None,
        "victim_nationality": report.victim_nationality_id,
        "victim_residence": report.victim_residence_id,
        "victim_name": decrypt(country, report.victim_name or None),
        "victim_contact": decrypt(country, report.victim_contact or None),
        "narrative": decrypt(country, report.narrative or None),
    })
    if report.victim_name or report.victim_contact or report.narrative:
        record_event("intel.report.read_personal_data", actor=user, target=report,
                     request=request)
    return out


def visible_report_list(
    user: Any,
    *,
    country: str | None = None,
    scam_type: str | None = None,
    campaign: Campaign | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    tlp: str | None = None,
) -> QuerySet:
    rows = visibility.visible_reports(user)
    if country:
        rows = rows.filter(country_id=country.upper())
    if scam_type:
        rows = rows.filter(scam_type_id=scam_type)
    if campaign is not None:
        rows = rows.filter(membership__campaign=campaign)
    if since:
        rows = rows.filter(reported_on__gte=since)
    if until:
        rows = rows.filter(reported_on__lte=until)
    if tlp:
        rows = rows.filter(tlp=tlp)
    return _report_queryset(rows)


def access_map(user: Any, reports: list[FraudReport]) -> dict[int, str]:
    """Access level per report, for reports already known to be visible."""
    country = visibility.viewer_country(user)
    return {
        r.pk: visibility.FULL if country and r.country_id == country else visibility.SHARED
        for r in reports
    }


def campaign_dict(campaign: Campaign) -> dict[str, Any]:
    return {
        "code": campaign.code,
        "report_count": campaign.report_count,
        "countries": campaign.country_list,
        "total_loss_usd": campaign.total_loss_usd,
        "first_seen": campaign.first_seen,
        "last_seen": campaign.last_seen,
    }


MAX_CAMPAIGN_REPORTS = 500


def campaign_detail(user: Any, campaign: Campaign, *, request: Any = None) -> dict[str, Any]:
    members = FraudReport.objects.filter(membership__campaign=campaign)
    reports = list(visible_report_list(user, campaign=campaign)[:MAX_CAMPAIGN_REPORTS])
    out = campaign_dict(campaign)
    out["reports"] = shown_reports(user, reports, action="intel.campaign.view_shared",
                                   request=request, campaign=campaign.code)
    out["shared_indicators"] = [
        {"kind": i.kind, "value": value, "reports": n}
        for i, value, n in visibility.shared_indicators(user, campaign)
    ]
    out["match_notices"] = [vars(n) for n in visibility.match_notices(user, members)]
    return out


def visible_campaigns(user: Any) -> QuerySet:
    """Active campaigns the user's country is part of, or that hold a report it may see."""
    country = visibility.viewer_country(user)
    seen = (visibility.visible_reports(user).filter(membership__isnull=False)
            .order_by().values("membership__campaign_id"))
    rows = Campaign.objects.filter(status=Campaign.Status.ACTIVE)
    if country:
        own = CampaignMember.objects.filter(country_id=country)
        return rows.filter(Q(pk__in=seen) | Q(pk__in=own.order_by().values("campaign_id")))
    return rows.filter(pk__in=seen)


@dataclass
class SearchResult:
    query: str
    kind: str | None = None
    value: str | None = None
    reason: str | None = None
    status: str | None = None
    reports: list[dict] = field(default_factory=list)
    campaigns: list[dict] = field(default_factory=list)
    match_notices: list[dict] = field(default_factory=list)


MAX_SEARCH_REPORTS = 200


def search(user: Any, query: str, kind: str | None = None, *, request: Any = None
           ) -> SearchResult:
    """Find every report and campaign with an indicator, however messily it was pasted."""
    result = SearchResult(query=query.strip())
    if not result.query:
        result.reason = "Paste a phone number, account, wallet, URL, e-mail or handle."
        return result
    country = visibility.viewer_country(user)
    try:
        candidates = [normalise(kind, result.query, country=country)] if kind else \
            guess_kind(result.query, country=country)
    except InvalidIndicator as exc:
        result.reason = str(exc)
        return result
    except (KeyError, ValueError):
        result.reason = f"unknown indicator kind {kind!r}"
        return result
    if not candidates:
        result.reason = "This does not look like any kind of indicator Jaring knows."
        return result
    tokens = {indicator_token(c.kind, c.value): c for c in candidates}
    found = list(Indicator.objects.filter(token__in=list(tokens)))
    chosen = tokens[bytes(found[0].token)] if found else candidates[0]
    result.kind, result.value = chosen.kind, chosen.value
    if not found:
        return result
    holders = FraudReport.objects.filter(sightings__indicator__in=found).distinct()
    reports = list(_report_queryset(visibility.visible_reports(user, holders))
                   [:MAX_SEARCH_REPORTS])
    result.reports = shown_reports(user, reports, action="intel.search.view_shared",
                                   request=request)
    campaign_ids = {r.campaign_id for r in reports if r.campaign_id}
    result.campaigns = [campaign_dict(c) for c in Campaign.objects.filter(pk__in=campaign_ids)]
    result.match_notices = [vars(n) for n in visibility.match_notices(user, holders)]
    # Only what the viewer may already see says anything about the indicator itself.
    if result.reports or result.match_notices or \
            found[0].status == Indicator.Status.WARNINGLISTED:
        result.status = found[0].get_status_display()
    return result


def live_campaign(campaign: Campaign) -> Campaign:
    """Follow merges to the campaign that holds the reports now."""
    seen = {campaign.pk}
    while campaign.merged_into_id and campaign.merged_into_id not in seen:
        campaign = Campaign.objects.get(pk=campaign.merged_into_id)
        seen.add(campaign.pk)
    return campaign


def alert_dicts(user: Any, alerts: list[Alert], *, request: Any = None) -> list[dict[str, Any]]:
    """Alerts as the user may see them; campaigns shared by several alerts are read once,
    and the delivery of other countries' indicators is audited."""
    cache: dict[int, tuple[Campaign, list[dict]]] = {}
    out = [alert_dict(user, alert, cache) for alert in alerts]
    if out:
        record_event("intel.alerts.view", actor=user, request=request,
                     detail={"alerts": [a.pk for a in alerts][:MAX_AUDITED_IDS]})
    return out


def alert_dict(user: Any, alert: Alert,
               cache: dict[int, tuple[Campaign, list[dict]]] | None = None) -> dict[str, Any]:
    cache = {} if cache is None else cache
    if alert.campaign_id not in cache:
        campaign = live_campaign(alert.campaign)
        cache[alert.campaign_id] = (campaign, [
            {"kind": i.kind, "value": value, "reports": n}
            for i, value, n in visibility.shared_indicators(user, campaign)
        ])
    campaign, shared = cache[alert.campaign_id]
    return {
        "id": alert.pk,
        "sequence": alert.sequence,
        "campaign": campaign.code,
        "country": alert.country_id,
        "day": alert.day,
        "state": alert.state,
        "report_count": alert.report_count,
        "countries": [c for c in alert.countries.split(",") if c],
        "total_loss_usd": alert.total_loss_usd,
        "first_seen": alert.first_seen,
        "last_seen": alert.last_seen,
        "shared_indicators": shared,
    }


def alerts_for(user: Any) -> QuerySet:
    country = visibility.viewer_country(user)
    if not country:
        return Alert.objects.none()
    return Alert.objects.filter(country_id=country).select_related("campaign")


def flagged_for(user: Any) -> QuerySet:
    """Indicators over the fan-out cap that this user may decide on (see services)."""
    rows = Indicator.objects.filter(status=Indicator.Status.FLAGGED).order_by("-report_count")
    if getattr(user, "role", None) == "administrator":
        return rows
    country = visibility.viewer_country(user)
    if not country:
        return rows.none()
    return rows.filter(sightings__report__country_id=country).distinct()
