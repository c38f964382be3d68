"""What one user may see of the intelligence, applying the TLP rules of ``sharing``.

The authorization policy decides *whether* a user may use the intelligence part
at all (role and country); this module decides *which* reports and indicators,
and in which form, as the sharing levels require. Every page, API operation and
export reads through these functions, so the rules are proven in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from jaring.crypto.cipher import decrypt
from jaring.intel.models import Campaign, CampaignMember, FraudReport, Indicator, Sighting
from jaring.intel.sharing import CAMPAIGN_WIDE, REGION_WIDE, RESTRICTED

FULL = "full"  # the reporting country: everything, personal data included
SHARED = "shared"  # another member state: de-identified facts and indicators


def viewer_country(user: Any) -> str | None:
    return getattr(user, "country_code", None)


def _shared_q(country: str | None) -> Q:
    """Reports of other countries that this country may see in shared form."""
    shared: Q = Q(tlp__in=REGION_WIDE)
    if country:
        # The report's member row, in a campaign where this country has one too.
        ours = CampaignMember.objects.filter(country_id=country,
                                             campaign_id=OuterRef("campaign_id"))
        in_same_campaign = CampaignMember.objects.filter(report_id=OuterRef("pk")).filter(
            Exists(ours))
        shared |= Q(Q(tlp__in=CAMPAIGN_WIDE), Exists(in_same_campaign))
    return shared


def visible_reports(user: Any, base: QuerySet | None = None) -> QuerySet:
    """Reports the user may open: all of their own country's, and shareable others."""
    base = FraudReport.objects.all() if base is None else base
    country = viewer_country(user)
    q = _shared_q(country)
    if country:
        q |= Q(country_id=country)
    return base.filter(q)


def access_to(user: Any, report: FraudReport) -> str | None:
    country = viewer_country(user)
    if country and report.country_id == country:
        return FULL
    if report.tlp in REGION_WIDE:
        return SHARED
    campaign_id = report.campaign_id if report.tlp in CAMPAIGN_WIDE and country else None
    in_campaign = campaign_id is not None and CampaignMember.objects.filter(
        country_id=country, campaign_id=campaign_id).exists()
    return SHARED if in_campaign else None


def visible_sightings(user: Any, base: QuerySet | None = None) -> QuerySet:
    base = Sighting.objects.all() if base is None else base
    return base.filter(report__in=visible_reports(user).values("pk"))


def sighting_value(user: Any, sighting: Sighting) -> str:
    """The canonical value of a sighting the user may see (callers pass only sightings
    of visible reports): public values from the indicator, others decrypted."""
    if sighting.indicator.value:
        return sighting.indicator.value
    return decrypt(sighting.report.country_id, sighting.value_enc) or ""


@dataclass(frozen=True)
class MatchNotice:
    """What another country learns of a restricted report: that it exists, and whom to ask."""

    country: str
    organisation: str
    contact_email: str
    reports: int


def match_notices(user: Any, reports: QuerySet) -> list[MatchNotice]:
    """Restricted reports of other countries among ``reports``, told as notices only."""
    country = viewer_country(user)
    hidden = reports.filter(tlp__in=RESTRICTED)
    if country:
        hidden = hidden.exclude(country_id=country)
    counts: dict[tuple[str, str, str], int] = {}
    for row in hidden.values_list(
        "country_id", "organisation__name", "organisation__contact_email"
    ):
        counts[row] = counts.get(row, 0) + 1
    return [MatchNotice(c, o, e, n) for (c, o, e), n in sorted(counts.items())]


def campaign_visible(user: Any, campaign: Campaign) -> bool:
    """A campaign is visible to the countries in it and to anyone who can see one of its reports."""
    country = viewer_country(user)
    if country and country in campaign.country_list:
        return True
    return visible_reports(user, FraudReport.objects.filter(membership__campaign=campaign)).exists()


def shared_indicators(user: Any, campaign: Campaign) -> list[tuple[Indicator, str, int]]:
    """Indicators linking two or more of this campaign's reports, as far as the user
    may see them: (indicator, value shown to this user, reports in the campaign)."""
    in_campaign = Sighting.objects.filter(report__membership__campaign=campaign, linkable=True)
    linking = dict(
        in_campaign.values("indicator_id")
        .annotate(n=Count("report_id", distinct=True))
        .filter(n__gt=1)
        .values_list("indicator_id", "n")
    )
    shown: dict[int, tuple[Indicator, str]] = {}
    for sighting in visible_sightings(user, in_campaign.filter(indicator_id__in=list(linking))
                                      ).select_related("indicator", "report"):
        if sighting.indicator_id not in shown:
            value = sighting_value(user, sighting)
            if value:
                shown[sighting.indicator_id] = (sighting.indicator, value)
    return sorted(
        ((indicator, value, linking[pk]) for pk, (indicator, value) in shown.items()),
        key=lambda row: (-row[2], row[0].kind, row[1]),
    )
