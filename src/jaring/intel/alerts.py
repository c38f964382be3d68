"""Alerting member states when a campaign they are part of spans borders."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from jaring.core.bulk import update_rows
from jaring.intel.models import Alert, Campaign, FeedSequence

FEED = "alerts"


def next_sequences(count: int) -> range:
    """Reserve ``count`` feed sequence numbers; the row lock orders concurrent writers."""
    head, _ = FeedSequence.objects.select_for_update().get_or_create(name=FEED)
    start = head.value + 1
    head.value += count
    head.save(update_fields=["value"])
    return range(start, start + count)


@transaction.atomic
def raise_for(campaign_ids: Iterable[int], *, today: datetime.date) -> int:
    """Create or refresh today's alert for each country of each cross-border campaign."""
    campaigns = [
        c for c in Campaign.objects.filter(pk__in=list(campaign_ids), status=Campaign.Status.ACTIVE)
        if c.is_cross_border
    ]
    if not campaigns:
        return 0
    existing = {
        (a.campaign_id, a.country_id): a
        for a in Alert.objects.filter(campaign__in=campaigns, day=today)
    }
    wanted = [(c, country) for c in campaigns for country in c.country_list]
    sequences = iter(next_sequences(len(wanted)))
    now = timezone.now()
    new: list[Alert] = []
    refreshed: list[Alert] = []
    for campaign, country in wanted:
        alert = existing.get((campaign.pk, country))
        if alert is None:
            alert = Alert(campaign=campaign, country_id=country, day=today, created_at=now)
            new.append(alert)
        else:
            refreshed.append(alert)
        alert.sequence = next(sequences)
        alert.report_count = campaign.report_count
        alert.countries = campaign.countries
        alert.total_loss_usd = campaign.total_loss_usd
        alert.first_seen = campaign.first_seen
        alert.last_seen = campaign.last_seen
        alert.updated_at = now
    Alert.objects.bulk_create(new)
    fields = ["sequence", "report_count", "countries", "total_loss_usd", "first_seen",
              "last_seen", "updated_at"]
    update_rows(Alert, fields, [[getattr(a, f) for f in fields] + [a.pk] for a in refreshed])
    return len(wanted)
