"""Alerting member states when a campaign they are part of spans borders."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from jaring.core.bulk import (
    adapted_datetime,
    among,
    fetch,
    fetched_date,
    insert_rows,
    update_rows,
)
from jaring.intel.linking import CAMPAIGN, CHUNK, chunks, money
from jaring.intel.models import Alert, Campaign, FeedSequence

ALERT = Alert._meta.db_table

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
    campaigns: list[tuple] = []
    for batch in chunks(sorted(set(campaign_ids))):
        inside, params = among(batch)
        campaigns.extend(
            row for row in fetch(
                "SELECT id, report_count, countries, total_loss_usd, first_seen, "  # noqa: S608
                f"last_seen FROM {CAMPAIGN} WHERE id IN ({inside}) "
                "AND status = %s", [*params, Campaign.Status.ACTIVE],
            ) if "," in row[2]
        )
    if not campaigns:
        return 0
    existing: dict[tuple[int, str], tuple[int, int, str, str]] = {}
    for start in range(0, len(campaigns), CHUNK):
        inside, params = among([c[0] for c in campaigns[start:start + CHUNK]])
        for pk, campaign_id, country, count, countries, state in fetch(
            f"SELECT id, campaign_id, country_id, report_count, countries, state "  # noqa: S608
            f"FROM {ALERT} WHERE day = %s AND campaign_id IN ({inside})",
            [connection.ops.adapt_datefield_value(today), *params],
        ):
            existing[(campaign_id, country)] = (pk, count, countries, state)
    wanted = [(c, country) for c in campaigns for country in c[2].split(",")]
    sequences = iter(next_sequences(len(wanted)))
    now = adapted_datetime(timezone.now())
    new: list[tuple] = []
    refreshed: list[tuple] = []
    for (pk, count, countries, loss, first, last), country in wanted:
        facts = (next(sequences), count, countries, money(loss), fetched_date(first),
                 fetched_date(last), now)
        alert = existing.get((pk, country))
        if alert is None:
            new.append((pk, country, today, Alert.State.NEW, now, *facts))
        else:
            # News (more reports, another country) puts a handled alert back in the inbox.
            alert_id, old_count, old_countries, state = alert
            if (old_count, old_countries) != (count, countries):
                state = Alert.State.NEW
            refreshed.append((*facts, state, alert_id))
    fields = ["sequence", "report_count", "countries", "total_loss_usd", "first_seen",
              "last_seen", "updated_at"]
    insert_rows(Alert, ["campaign", "country", "day", "state", "created_at", *fields], new)
    update_rows(Alert, [*fields, "state"], refreshed)
    return len(wanted)
