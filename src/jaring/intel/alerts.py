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
    """Create today's alert for each country of each cross-border campaign, or refresh
    it where its figures changed; returns how many were created or refreshed."""
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
    # (count, countries, loss, first seen, last seen): what an alert tells.
    existing: dict[tuple[int, str], tuple[int, tuple, str]] = {}
    for start in range(0, len(campaigns), CHUNK):
        inside, params = among([c[0] for c in campaigns[start:start + CHUNK]])
        for pk, campaign_id, country, state, *stored in fetch(
            f"SELECT id, campaign_id, country_id, state, report_count, countries, "  # noqa: S608
            f"total_loss_usd, first_seen, last_seen FROM {ALERT} "
            f"WHERE day = %s AND campaign_id IN ({inside})",
            [connection.ops.adapt_datefield_value(today), *params],
        ):
            existing[(campaign_id, country)] = (pk, _figures(*stored), state)
    new: list[tuple[int, str, tuple]] = []
    changed: list[tuple[int, tuple, str]] = []
    for pk, count, countries, loss, first, last in campaigns:
        figures = _figures(count, countries, loss, first, last)
        for country in countries.split(","):
            alert = existing.get((pk, country))
            if alert is None:
                new.append((pk, country, figures))
                continue
            alert_id, told, state = alert
            # Nothing new (a campaign re-split into the same reports): the alert
            # keeps its place in the feed.
            if told == figures:
                continue
            # More reports or another country puts a handled alert back in the inbox.
            if told[:2] != figures[:2]:
                state = Alert.State.NEW
            changed.append((alert_id, figures, state))
    if not new and not changed:
        return 0
    sequences = iter(next_sequences(len(new) + len(changed)))
    now = adapted_datetime(timezone.now())
    fields = ["sequence", "report_count", "countries", "total_loss_usd", "first_seen",
              "last_seen", "updated_at"]
    insert_rows(Alert, ["campaign", "country", "day", "state", "created_at", *fields],
                [(pk, country, today, Alert.State.NEW, now, next(sequences), *figures, now)
                 for pk, country, figures in new])
    update_rows(Alert, [*fields, "state"],
                [(next(sequences), *figures, now, state, alert_id)
                 for alert_id, figures, state in changed])
    return len(new) + len(changed)


def _figures(count: int, countries: str, loss, first, last) -> tuple:
    return (count, countries, money(loss), fetched_date(first), fetched_date(last))
