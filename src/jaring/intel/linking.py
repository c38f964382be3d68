"""Linking reports into campaigns: connected components over shared indicators.

Two reports are linked when they share an indicator that links (active or
approved, not warninglisted, not over the fan-out cap) through sightings that no
analyst has marked wrong. A campaign is a connected component of two or more
linked reports, named by its anchor: the lowest report id in it. Because the
union-find below always keeps the smallest id as the root, the incremental path
(``link``), the split path (``resplit``) and ``rebuild`` agree on every campaign.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from jaring.core.bulk import (
    adapted_datetime,
    among,
    any_of,
    execute,
    fetch,
    fetched_date,
    insert_rows,
    move_rows,
    update_rows,
)
from jaring.intel.models import (
    Campaign,
    CampaignMember,
    FeedSequence,
    FraudReport,
    Indicator,
    PendingCampaign,
    PendingLink,
    Sighting,
)

LINKING_STATUSES = (Indicator.Status.ACTIVE, Indicator.Status.APPROVED)
# Ids per IN list: under SQLite's limit of bound parameters with room to spare; on
# PostgreSQL (65,535 of them) longer lists save round trips to the server.
CHUNK = 900 if connection.vendor == "sqlite" else 10_000


class UnionFind:
    """Disjoint sets whose root is always the smallest member."""

    __slots__ = ("parent",)

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        root = parent.setdefault(x, x)
        if root == x:
            return x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if ra < rb:
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb

    def groups(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for x in list(self.parent):
            out[self.find(x)].append(x)
        return out


def chunks(items: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    listed = items if isinstance(items, list) else list(items)
    for start in range(0, len(listed), size):
        yield listed[start:start + size]


SIGHTING = Sighting._meta.db_table
INDICATOR = Indicator._meta.db_table
REPORT = FraudReport._meta.db_table
CAMPAIGN = Campaign._meta.db_table
MEMBER = CampaignMember._meta.db_table
MEMBER_FIELDS = ["campaign", "report", "country", "reported_on", "scam_type"]
PENDING = PendingLink._meta.db_table


def _linkable(where: str, params: list, source: str = f"{SIGHTING} s",
              also: str = "") -> list[tuple]:
    """(report id, indicator id, and the columns ``also`` names) of the linking
    sightings (``s``, of ``source``; their indicator ``i``) matching ``where``."""
    return fetch(
        f"SELECT s.report_id, s.indicator_id{also} FROM {source} "  # noqa: S608
        f"JOIN {INDICATOR} i ON i.id = s.indicator_id "
        f"WHERE {where} AND s.linkable = %s AND i.status IN (%s, %s)",
        [*params, True, *LINKING_STATUSES],
    )


def _queued_sightings(first: int, last: int) -> list[tuple[int, int, int]]:
    """(report id, indicator id, the indicator's count) of the linking sightings of the
    queued reports (:class:`PendingLink`) from ``first`` to ``last``, of indicators
    that more than one report holds.

    A linking pass counts the queue into the indicators first (see
    :func:`counts.count_pending`), so there a count of one is a value no other report
    has (most of a pass's values): it can link nothing, and is left unread. The
    queue holds every report in that range, and one join reads their sightings
    (PostgreSQL plans it as a whole, rather than as many small lists).
    """
    return _linkable(
        "p.report_id BETWEEN %s AND %s AND s.report_id BETWEEN %s AND %s "
        "AND i.report_count > 1", [first, last, first, last],
        source=f"{PENDING} p JOIN {SIGHTING} s ON s.report_id = p.report_id",
        also=", i.report_count",
    )


def _linkable_sightings(column: str, ids: list[int]) -> list[tuple[int, int]]:
    """(report id, indicator id) of linking sightings whose ``column`` is in ``ids``."""
    inside, params = among(ids)
    return _linkable(f"s.{column} IN ({inside})", params)


def lock() -> None:
    """Serialise every change to links, indicator counts and statuses.

    Taken first in each such transaction: without it two concurrent imports could
    both read an indicator's count (or a warninglisting could race an import) and
    the later write would undo the earlier. SQLite serialises writers anyway; on
    PostgreSQL this row lock does it.
    """
    FeedSequence.objects.select_for_update().get_or_create(name="linking")


REPRESENTATIVE_LIMIT = 5000


def _others(indicator_ids: list[int], given: list[int], queued: bool
            ) -> Iterator[tuple[int, int]]:
    """For each indicator, the reports outside ``given`` that share it.

    Every report already linked that shares a linking indicator is in that
    indicator's one component, so a single representative per indicator (the
    lowest id) is enough to join it; this keeps the work per batch independent of
    how widely indicators are shared. ``queued``: ``given`` are the first of the
    reports still queued for linking (:class:`PendingLink`), and every report not
    queued is linked already, so the queue itself tells them apart. Otherwise
    ``given`` is listed in the query, and very large ones fall back to fetching
    every sighting.
    """
    if queued:
        outside = f"NOT EXISTS (SELECT 1 FROM {PENDING} p WHERE p.report_id = s.report_id)"  # noqa: S608
        extra: list[int] = []
    elif len(given) > REPRESENTATIVE_LIMIT:
        for batch in chunks(indicator_ids):
            for report_id, indicator_id in _linkable_sightings("indicator_id", batch):
                yield indicator_id, report_id
        return
    else:
        inside, extra = among(given)
        outside = f"s.report_id NOT IN ({inside})"
    # The lowest such report of each indicator, found by seeking the sighting index
    # and stopping at the first one outside (a grouped MIN would read them all).
    for batch in chunks(indicator_ids):
        inside, params = among(batch)
        for indicator_id, report_id in fetch(
            f"SELECT i.id, (SELECT s.report_id FROM {SIGHTING} s "  # noqa: S608
            f"WHERE s.indicator_id = i.id AND s.linkable = %s AND {outside} "
            f"ORDER BY s.report_id LIMIT 1) FROM {INDICATOR} i "
            f"WHERE i.id IN ({inside}) AND i.status IN (%s, %s)",
            [True, *extra, *params, *LINKING_STATUSES],
        ):
            if report_id is not None:
                yield indicator_id, report_id


@dataclass
class Stats:
    """A campaign's figures, which add up when campaigns merge or reports join."""

    count: int = 0
    loss: Decimal = Decimal(0)
    first: datetime.date | None = None
    last: datetime.date | None = None
    countries: set[str] = field(default_factory=set)

    def add(self, count: int, loss, first, last, countries: Iterable[str]) -> None:
        self.count += count
        self.loss += money(loss)
        if first is not None:
            self.first = first if self.first is None else min(self.first, first)
        if last is not None:
            self.last = last if self.last is None else max(self.last, last)
        self.countries.update(countries)


def link(report_ids: Iterable[int], *, queued: bool = False) -> set[int]:
    """Merge the components these reports now touch; return the campaigns changed.

    ``queued``: these are the lowest-numbered reports of the linking queue, and the
    rest of the queue is linked later (see :func:`_others`).

    Existing campaigns enter the union-find as one node each (their anchor), and
    their figures are added rather than recounted, so the work is proportional to
    what the new reports touch, not to the size of the campaigns they join.
    """
    report_ids = sorted(set(report_ids))
    by_indicator: dict[int, set[int]] = defaultdict(set)
    if queued and report_ids:
        held_by: dict[int, int] = {}
        for report_id, indicator_id, count in _queued_sightings(report_ids[0], report_ids[-1]):
            by_indicator[indicator_id].add(report_id)
            held_by[indicator_id] = count
        # A value that only these reports hold has no representative to find: its
        # count (the queue's included) is their number. Most of a pass's shared
        # values are new ones.
        outside = sorted(pk for pk, reports in by_indicator.items()
                         if held_by[pk] > len(reports))
    else:
        for batch in chunks(report_ids):
            for report_id, indicator_id in _linkable_sightings("report_id", batch):
                by_indicator[indicator_id].add(report_id)
        outside = sorted(by_indicator)
    for indicator_id, report_id in _others(outside, report_ids, queued):
        by_indicator[indicator_id].add(report_id)
    # An indicator held by one report links nothing (about half the values of a
    # pass are one-offs), and a report without any shared value stays as it is, unread.
    shared = [reports for reports in by_indicator.values() if len(reports) > 1]
    involved: set[int] = set().union(*shared)

    node_of: dict[int, int] = {}
    campaign_of_anchor: dict[int, int] = {}
    # A loose report's (loss, date, country, scam type): its figures, and what its
    # CampaignMember row copies. Codes are shared, not one string per row: a pass
    # holds a few hundred thousand of these.
    facts: dict[int, tuple] = {}
    codes: dict[str, str] = {}
    for batch in chunks(sorted(involved)):
        inside, params = among(batch)
        rows = fetch(
            "SELECT r.id, m.campaign_id, c.anchor_report_id, r.country_id, "  # noqa: S608
            f"r.loss_usd, r.reported_on, r.scam_type_id FROM {REPORT} r "
            f"LEFT JOIN {MEMBER} m ON m.report_id = r.id "
            f"LEFT JOIN {CAMPAIGN} c ON c.id = m.campaign_id WHERE r.id IN ({inside})", params,
        )
        for pk, campaign_id, anchor, country, loss, reported, scam_type in rows:
            node_of[pk] = anchor if campaign_id else pk
            if campaign_id:
                campaign_of_anchor[anchor] = campaign_id
            else:
                facts[pk] = (loss, fetched_date(reported), codes.setdefault(country, country),
                             codes.setdefault(scam_type, scam_type))

    uf = UnionFind()
    for reports in shared:
        nodes = [node_of[r] for r in reports]
        first = nodes[0]
        for other in nodes[1:]:
            uf.union(first, other)

    components = {root: nodes for root, nodes in uf.groups().items() if len(nodes) > 1}
    targets = _campaigns_for_anchors(components)
    changed: set[int] = set(targets.values())
    loose: list[tuple[int, int]] = []
    absorbed: list[tuple[int, int]] = []
    for root, nodes in components.items():
        target = targets[root]
        for node in nodes:
            existing = campaign_of_anchor.get(node)
            if existing is None:
                loose.append((target, node))
            elif existing != target:
                absorbed.append((target, existing))
    _grow(components, targets, campaign_of_anchor, facts)
    # In id order: consecutive rows share pages. A loose report is in no campaign
    # yet, so it has no member row to conflict with.
    rows = []
    for target, report in sorted(loose, key=lambda move: move[1]):
        _, reported, country, scam_type = facts[report]
        rows.append((target, report, country, reported, scam_type))
    insert_rows(CampaignMember, MEMBER_FIELDS, rows)
    if absorbed:
        # A component has one target, so no absorbed campaign is another's target.
        move_rows(CampaignMember, "campaign", absorbed)
        update_rows(Campaign, ["status", "merged_into", "report_count"],
                    [(Campaign.Status.MERGED, target, 0, old) for target, old in absorbed])
        changed.update(old for _, old in absorbed)
    return changed


def _grow(components: dict[int, list[int]], targets: dict[int, int],
          campaign_of_anchor: dict[int, int], facts: dict[int, tuple]) -> None:
    """Write each linked component's figures: its campaigns' stored ones plus its loose
    reports' own."""
    stored: dict[int, tuple] = {}
    existing = sorted(set(campaign_of_anchor.values()))
    for batch in chunks(existing):
        inside, params = among(batch)
        for pk, *row in fetch(
            "SELECT id, report_count, total_loss_usd, first_seen, last_seen, "  # noqa: S608
            f"countries FROM {CAMPAIGN} WHERE id IN ({inside})", params,
        ):
            count, loss, first, last, countries = row
            stored[pk] = (count, loss, fetched_date(first), fetched_date(last),
                          [c for c in countries.split(",") if c])
    now = adapted_datetime(timezone.now())
    rows = []
    for root, nodes in components.items():
        stats = Stats()
        for node in nodes:
            campaign = campaign_of_anchor.get(node)
            if campaign is not None:
                stats.add(*stored[campaign])
            else:
                loss, reported, country, _ = facts[node]
                stats.add(1, loss, reported, reported, (country,))
        rows.append((stats.count, stats.loss, stats.first, stats.last,
                     ",".join(sorted(stats.countries)), now, targets[root]))
    update_rows(Campaign, ["report_count", "total_loss_usd", "first_seen", "last_seen",
                           "countries", "updated_at"], rows)


def _campaigns_for_anchors(anchors) -> dict[int, int]:
    """Campaign ids named by these anchors: existing ones reactivated, missing ones created."""
    anchors = sorted(anchors)
    found: dict[int, tuple[int, str]] = {}
    for batch in chunks(anchors):
        inside, params = among(batch)
        for anchor, pk, status in fetch(
            f"SELECT anchor_report_id, id, status FROM {CAMPAIGN} "  # noqa: S608
            f"WHERE anchor_report_id IN ({inside})", params,
        ):
            found[anchor] = (pk, status)
    missing = [a for a in anchors if a not in found]
    if missing:
        now = adapted_datetime(timezone.now())
        insert_rows(Campaign, ["anchor_report_id", "status", "report_count", "countries",
                               "total_loss_usd", "created_at", "updated_at"],
                    [(a, Campaign.Status.ACTIVE, 0, "", 0, now, now) for a in missing],
                    ignore_conflicts=True)
        for batch in chunks(missing):
            inside, params = among(batch)
            for anchor, pk in fetch(
                f"SELECT anchor_report_id, id FROM {CAMPAIGN} "  # noqa: S608
                f"WHERE anchor_report_id IN ({inside})", params,
            ):
                found[anchor] = (pk, Campaign.Status.ACTIVE)
    revive = [pk for pk, status in found.values() if status != Campaign.Status.ACTIVE]
    for batch in chunks(revive):
        Campaign.objects.filter(pk__in=batch).update(status=Campaign.Status.ACTIVE,
                                                     merged_into=None)
    return {anchor: found[anchor][0] for anchor in anchors}


def resplit(campaign_ids: Iterable[int]) -> set[int]:
    """Recompute campaigns after links were removed; they can only split or dissolve.

    All the campaigns are recomputed together, in a few set-wise queries: an import
    crosses the fan-out cap of several indicators in most batches, and each one
    dissolves or splits a campaign of up to thousands of reports.
    """
    ids = sorted(set(campaign_ids))
    anchors: dict[int, int] = {}
    campaign_of: dict[int, int] = {}
    by_indicator: dict[int, list[int]] = defaultdict(list)
    for batch in chunks(ids):
        inside, params = among(batch)
        anchors.update(fetch(
            f"SELECT id, anchor_report_id FROM {CAMPAIGN} "  # noqa: S608
            f"WHERE id IN ({inside})", params,
        ))
        campaign_of.update(fetch(
            f"SELECT report_id, campaign_id FROM {MEMBER} "  # noqa: S608
            f"WHERE campaign_id IN ({inside})", params,
        ))
        # By campaign, not by lists of members: one campaign of a bulk import can
        # hold a fifth of every report, and read through the sightings' indexes,
        # report by report, it took twice as long as hashing the tables whole.
        where, params = any_of("m.campaign_id", batch)
        for report_id, indicator_id in _linkable(
            where, params, source=f"{MEMBER} m JOIN {SIGHTING} s ON s.report_id = m.report_id",
        ):
            by_indicator[indicator_id].append(report_id)
    # Linked reports always share a campaign, so one union-find over the members of
    # every campaign in hand keeps each campaign's pieces apart.
    uf = UnionFind()
    for report_id in sorted(campaign_of):
        uf.find(report_id)
    for reports in by_indicator.values():
        for other in reports[1:]:
            uf.union(reports[0], other)
    groups = uf.groups()
    pieces = {root: reports for root, reports in groups.items() if len(reports) > 1}
    targets = _campaigns_for_anchors(pieces)
    update_rows(CampaignMember, ["campaign"], [
        (targets[root], report) for root, reports in pieces.items()
        for report in reports if campaign_of[report] != targets[root]
    ])
    _leave([root for root, reports in groups.items() if len(reports) == 1])
    kept = set(targets)
    update_rows(Campaign, ["status", "merged_into", "report_count"],
                [(Campaign.Status.DISSOLVED, None, 0, pk)
                 for pk, anchor in anchors.items() if anchor not in kept])
    return set(anchors) | set(targets.values())


def _leave(report_ids: list[int]) -> None:
    """Take these reports out of their campaigns."""
    for batch in chunks(sorted(report_ids)):
        inside, params = among(batch)
        execute(f"DELETE FROM {MEMBER} WHERE report_id IN ({inside})", params)  # noqa: S608


def _join(moves: list[tuple[int, int]]) -> None:
    """Put reports in no campaign yet into campaigns: (campaign, report) pairs."""
    moves = sorted(moves, key=lambda move: move[1])
    for start in range(0, len(moves), CHUNK):
        batch = moves[start:start + CHUNK]
        inside, params = among([report for _, report in batch])
        facts = {pk: row for pk, *row in fetch(
            f"SELECT id, country_id, reported_on, scam_type_id FROM {REPORT} "  # noqa: S608
            f"WHERE id IN ({inside})", params)}
        insert_rows(CampaignMember, MEMBER_FIELDS,
                    [(campaign, report, *facts[report]) for campaign, report in batch])


def members_out_of_step() -> list[int]:
    """Reports whose campaign member row copies their country, date reported or scam
    type wrongly (none, while ``ingest`` keeps the copies in step)."""
    return [pk for (pk,) in fetch(
        f"SELECT m.report_id FROM {MEMBER} m JOIN {REPORT} r ON r.id = m.report_id "  # noqa: S608
        "WHERE m.country_id <> r.country_id OR m.reported_on <> r.reported_on "
        "OR m.scam_type_id <> r.scam_type_id ORDER BY m.report_id", [])]


def components(progress: Callable[[int], None] | None = None) -> dict[int, int]:
    """Every report in a campaign, mapped to its anchor, computed from scratch."""
    uf = UnionFind()
    last_indicator = None
    first_report = 0
    seen = 0
    with connection.cursor() as cursor:
        # Table names come from the models; the only values are bound parameters.
        cursor.execute(
            f"SELECT s.indicator_id, s.report_id FROM {Sighting._meta.db_table} s "  # noqa: S608
            f"JOIN {Indicator._meta.db_table} i ON i.id = s.indicator_id "
            "WHERE s.linkable AND i.status IN (%s, %s) ORDER BY s.indicator_id",
            list(LINKING_STATUSES),
        )
        while rows := cursor.fetchmany(20000):
            for indicator_id, report_id in rows:
                if indicator_id != last_indicator:
                    last_indicator, first_report = indicator_id, report_id
                    uf.find(report_id)
                else:
                    uf.union(first_report, report_id)
            seen += len(rows)
            if progress:
                progress(seen)
    return {
        report: root
        for root, reports in uf.groups().items()
        if len(reports) > 1
        for report in reports
    }


@transaction.atomic
def rebuild(progress: Callable[[int], None] | None = None) -> set[int]:
    """Recompute every campaign from the sightings alone."""
    lock()
    anchor_of = components(progress)
    by_anchor: dict[int, list[int]] = defaultdict(list)
    for report, anchor in anchor_of.items():
        by_anchor[anchor].append(report)
    existing = dict(Campaign.objects.values_list("anchor_report_id", "pk"))
    new = [Campaign(anchor_report_id=a) for a in by_anchor if a not in existing]
    Campaign.objects.bulk_create(new, batch_size=1000)
    existing = dict(Campaign.objects.values_list("anchor_report_id", "pk"))
    live = {existing[a] for a in by_anchor}
    current = dict(CampaignMember.objects.values_list("report_id", "campaign_id"))
    wanted = {report: existing[anchor] for report, anchor in anchor_of.items()}
    update_rows(CampaignMember, ["campaign"], sorted(
        ((target, report) for report, target in wanted.items()
         if report in current and current[report] != target), key=lambda move: move[1]))
    _join([(target, report) for report, target in wanted.items() if report not in current])
    _leave(list(current.keys() - wanted.keys()))
    Campaign.objects.filter(pk__in=live).exclude(status=Campaign.Status.ACTIVE).update(
        status=Campaign.Status.ACTIVE, merged_into=None
    )
    retired = Campaign.objects.filter(status=Campaign.Status.ACTIVE).exclude(pk__in=live)
    retired.update(status=Campaign.Status.DISSOLVED, merged_into=None, report_count=0)
    refresh_stats(live)
    # Every report is linked now and every campaign recomputed.
    PendingLink.objects.all().delete()
    PendingCampaign.objects.all().delete()
    return live


def money(value) -> Decimal:
    """A sum of amounts as it comes back from either database, to the cent."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def refresh_stats(campaign_ids: Iterable[int]) -> None:
    """Recount size, countries, losses and dates of these campaigns."""
    ids = sorted(set(campaign_ids))
    now = adapted_datetime(timezone.now())
    for batch in chunks(ids):
        inside, params = among(batch)
        stats = {
            row[0]: row[1:]
            for row in fetch(
                "SELECT m.campaign_id, COUNT(*), SUM(r.loss_usd), MIN(m.reported_on), "  # noqa: S608
                f"MAX(m.reported_on) FROM {MEMBER} m JOIN {REPORT} r ON r.id = m.report_id "
                f"WHERE m.campaign_id IN ({inside}) GROUP BY m.campaign_id", params,
            )
        }
        countries: dict[int, set[str]] = defaultdict(set)
        for campaign_id, country in fetch(
            f"SELECT DISTINCT campaign_id, country_id FROM {MEMBER} "  # noqa: S608
            f"WHERE campaign_id IN ({inside})", params,
        ):
            countries[campaign_id].add(country)
        active = fetch(f"SELECT id FROM {CAMPAIGN} WHERE id IN ({inside}) "  # noqa: S608
                       "AND status = %s", [*params, Campaign.Status.ACTIVE])
        rows = []
        for (pk,) in active:
            n, loss, first, last = stats.get(pk, (0, None, None, None))
            rows.append((n, money(loss), fetched_date(first), fetched_date(last),
                         ",".join(sorted(countries.get(pk, ()))), now, pk))
        update_rows(Campaign, ["report_count", "total_loss_usd", "first_seen", "last_seen",
                               "countries", "updated_at"], rows)
