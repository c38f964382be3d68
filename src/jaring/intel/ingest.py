"""Storing checked reports in batches: reports, indicators, sightings, then linking.

One function serves a single API submission and a million-row import alike; the
import simply calls it with bigger batches. Everything for a batch happens in one
transaction, so a batch is either wholly stored (and linked, and alerted) or not
at all, which is what makes an interrupted import safe to resume.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from jaring.core.bulk import (
    adapted_datetime,
    among,
    copy_lines,
    copy_text,
    fetch,
    insert_rows,
    update_rows,
)
from jaring.crypto.cipher import Encrypters, keyed_token
from jaring.intel import alerts, counts, linking
from jaring.intel.models import (
    CampaignMember,
    FraudReport,
    Indicator,
    PendingCampaign,
    PendingLink,
    Sighting,
    WarninglistEntry,
)
from jaring.intel.sharing import stores_raw_value
from jaring.intel.validation import ReportInput
from jaring.reference.services import RateTable

REPORT_FIELDS = [
    "reported_on", "incident_on", "scam_type_id", "channel_id", "loss_amount",
    "loss_currency_id", "loss_usd", "victim_age_group", "victim_sex", "victim_nationality_id",
    "victim_residence_id", "victim_name", "victim_contact", "narrative", "tlp", "updated_at",
]


REPORTED_ON = REPORT_FIELDS.index("reported_on")
SCAM_TYPE = REPORT_FIELDS.index("scam_type_id")


def indicator_token(kind: str, value: str) -> bytes:
    return keyed_token("intel.indicator", f"{kind}\x00{value}")


@dataclass
class IngestResult:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    campaigns: set[int] = field(default_factory=set)
    alerts: int = 0


# A checked report made ready to store: USD converted, personal data encrypted,
# indicators tokenised. Sealing needs no database, so a bulk import seals in its
# parsing processes and hands the storing process plain tuples of text and numbers
# (dates and amounts as text, as both databases take them): marshal moves those
# several times faster than pickle moves named tuples or dataclasses, and building
# those again would cost the storing process more than the transfer itself.
#
# (matching token of kind and value, kind, role, canonical value, shown only where
# the sharing level allows, the value encrypted for the reporting country)
SealedIndicator = tuple[bytes, str, str, str, str]
# (organisation id, reference, country, TLP, REPORT_FIELDS in order without
# updated_at, its sealed indicators: each value in a role once, as parse_report
# leaves them)
SealedReport = tuple[int, str, str, str, tuple, tuple[SealedIndicator, ...]]


def _text(value: datetime.date | Decimal | None) -> str | None:
    return None if value is None else str(value)


def seal(item: ReportInput, rates: RateTable, encrypters: Encrypters | None = None
         ) -> SealedReport:
    """``encrypters``: share one across a batch's reports (see :class:`Encrypter`)."""
    country = item.country
    encrypt = (encrypters if encrypters is not None else Encrypters())[country]
    tlp = str(item.tlp)
    columns = (
        str(item.reported_on),
        _text(item.incident_on),
        item.scam_type,
        item.channel,
        _text(item.loss_amount),
        item.loss_currency,
        _text(rates.to_usd(item.loss_amount, item.loss_currency,
                           (item.incident_on or item.reported_on).year)),
        item.victim_age_group,
        item.victim_sex,
        item.victim_nationality,
        item.victim_residence,
        encrypt(item.victim_name) if item.victim_name else "",
        encrypt(item.victim_contact) if item.victim_contact else "",
        encrypt(item.narrative) if item.narrative else "",
        tlp,
    )
    indicators = tuple(
        (indicator_token(n.kind, n.value), str(n.kind), i.role, n.value,
         encrypt(n.value))
        for i in item.indicators for n in (i.normalised,)
    )
    return (item.organisation_id, item.reference, country, tlp, columns, indicators)


def _latest(reports: list[SealedReport]) -> list[SealedReport]:
    """One report per (organisation, reference): of a reference sent more than once
    in a batch, the last copy, indicators and all, in the place of the first."""
    latest = {(report[0], report[1]): report for report in reports}
    return reports if len(latest) == len(reports) else list(latest.values())


# Every token of a batch, in order: (kind, the value where a region-wide report of
# the batch shows it, else "").
Facts = dict[bytes, tuple[str, str]]


def prepare(reports: list[SealedReport]) -> tuple[list[SealedReport], Facts]:
    """What storing a batch needs that its sealed reports alone decide: the reports,
    one per reference (:func:`_latest`), and the batch's :data:`Facts`. For
    :func:`ingest`.

    A bulk import's parsing processes call this, not the storing one: the storing
    process and its database connection are the import's bottleneck, while the
    parsers have processor time to spare.
    """
    reports = _latest(reports)
    # A token is of one kind and value, so which report's copy is kept is moot; but
    # a value shown by any region-wide report is shown.
    # (Comprehensions over positions: a third of the time of unpacking loops.)
    facts = {sealed[0]: (sealed[1], "") for report in reports for sealed in report[5]}
    facts.update({sealed[0]: (sealed[1], sealed[3]) for report in reports
                  if stores_raw_value(report[3]) for sealed in report[5]})
    return reports, dict(sorted(facts.items()))


def _existing_ids(keys: set[tuple[int, str]]) -> dict[tuple[int, str], int]:
    by_org: dict[int, list[str]] = defaultdict(list)
    for org, ref in keys:
        by_org[org].append(ref)
    found: dict[tuple[int, str], int] = {}
    for org, refs in by_org.items():
        for start in range(0, len(refs), linking.CHUNK):
            inside, params = among(refs[start:start + linking.CHUNK], "text")
            for reference, pk in fetch(
                f"SELECT reference, id FROM {linking.REPORT} "  # noqa: S608
                f"WHERE organisation_id = %s AND reference IN ({inside})", [org, *params],
            ):
                found[(org, reference)] = pk
    return found


def _store_reports(
    reports: list[SealedReport], created_by, stamp
) -> tuple[list[int], list[int], list[int]]:
    """Create or update the batch's reports (one per reference, see :func:`_latest`).
    Returns each one's report id, and the ids created and updated."""
    keys = [(report[0], report[1]) for report in reports]  # (organisation, reference)
    existing = _existing_ids(set(keys))
    creator = created_by.pk if created_by is not None else None
    # New rows are numbered above the highest id now (sequences and SQLite rowids only
    # grow), and with the linking lock held nobody else adds any: reading them back
    # by id costs one range scan instead of a lookup per reference.
    ((highest,),) = fetch(f"SELECT COALESCE(MAX(id), 0) FROM {linking.REPORT}", [])  # noqa: S608
    insert_rows(
        FraudReport,
        ["country", "organisation", "reference", "created_by", "created_at", *REPORT_FIELDS],
        [(country, org, reference, creator, stamp, *columns, stamp)
         for (org, reference, country, _tlp, columns, _found) in reports
         if (org, reference) not in existing],
    )
    changed = [(*r[4], stamp, existing[key]) for key, r in zip(keys, reports, strict=True)
               if key in existing]
    update_rows(FraudReport, REPORT_FIELDS, changed)
    # What a campaign member copies of its report (a report not in one matches no row).
    update_rows(CampaignMember, ["reported_on", "scam_type"],
                [(row[REPORTED_ON], row[SCAM_TYPE], row[-1]) for row in changed])
    ids = dict(existing)
    for pk, org, reference in fetch(
        f"SELECT id, organisation_id, reference FROM {linking.REPORT} WHERE id > %s",  # noqa: S608
        [highest],
    ):
        ids[(org, reference)] = pk
    created = [ids[k] for k in keys if k not in existing]
    updated = [pk for *_, pk in changed]
    return [ids[key] for key in keys], created, updated


def _lookup_indicators(tokens: list[bytes], found: dict[bytes, tuple[int, bool]]) -> None:
    """``tokens`` in order."""
    for start in range(0, len(tokens), linking.CHUNK):
        chunk = tokens[start:start + linking.CHUNK]
        if connection.vendor == "postgresql":
            # One index probe per token, in the tokens' order, so that neighbouring
            # probes share index pages. ``IN`` hashed the tokens first and probed in
            # the hash's order: 7.2 s of server time a million reports against 5.0.
            # The ``LIMIT`` keeps the planner from hashing the whole table instead.
            sql = ("SELECT t.token, i.id, i.shown "  # noqa: S608
                   "FROM unnest(%b::bytea[]) AS t(token) CROSS JOIN LATERAL ("
                   f"SELECT id, value <> '' AS shown FROM {linking.INDICATOR} "
                   "WHERE token = t.token LIMIT 1) AS i")
            params: list = [chunk]
        else:
            inside, params = among(chunk, "bytea")
            sql = (f"SELECT token, id, value <> '' FROM {linking.INDICATOR} "  # noqa: S608
                   f"WHERE token IN ({inside})")
        for token, pk, shown in fetch(sql, params):
            found[token] = (pk, bool(shown))


def _indicator_rows(facts: Facts) -> dict[bytes, tuple[int, bool]]:
    """Get or create the Indicator row of every value in the batch: its id, and whether
    it shows its value already, by token.

    A new indicator is created showing its value when a region-wide report of the
    batch holds it, rather than created blank and revealed (see :func:`ingest`):
    most of an import's indicators are new.
    """
    tokens = list(facts)
    found: dict[bytes, tuple[int, bool]] = {}
    _lookup_indicators(tokens, found)
    missing = [t for t in tokens if t not in found]
    if missing:
        warned: set[bytes] = set()
        table = WarninglistEntry._meta.db_table
        for start in range(0, len(missing), linking.CHUNK):
            inside, params = among(missing[start:start + linking.CHUNK], "bytea")
            warned.update(token for (token,) in fetch(
                f"SELECT token FROM {table} WHERE token IN ({inside})", params,  # noqa: S608
            ))
        # As with reports, new rows are numbered above the highest id now, and the
        # linking lock keeps anyone else from adding any: one range scan reads them.
        ((highest,),) = fetch(f"SELECT COALESCE(MAX(id), 0) FROM {linking.INDICATOR}", [])  # noqa: S608
        insert_rows(
            Indicator, ["kind", "token", "value", "status", "report_count"],
            [(kind, t, value, Indicator.Status.WARNINGLISTED if t in warned
              else Indicator.Status.ACTIVE, 0) for t in missing for kind, value in (facts[t],)],
        )
        for token, pk in fetch(
            f"SELECT token, id FROM {linking.INDICATOR} WHERE id > %s", [highest],  # noqa: S608
        ):
            found[token] = (pk, facts[token][1] != "")
    return found


SIGHTING_FIELDS = ["report", "indicator", "role", "value_enc", "linkable", "unlinked_reason"]


def _add_sightings(reports: list[SealedReport], report_ids: list[int],
                   indicators: dict[bytes, tuple[int, bool]]) -> None:
    """Write the sightings of a batch of new reports."""
    if connection.vendor == "postgresql":
        # Written out here, two and a half rows a report: a role is a code and a
        # ciphertext is a key id and base64, none with anything COPY escapes.
        copy_lines(Sighting, SIGHTING_FIELDS, "".join([
            f"{report_id}\t{indicators[token][0]}\t{role}\t{sealed}\tt\t\n"
            for report, report_id in zip(reports, report_ids, strict=True)
            for token, _kind, role, _value, sealed in report[5]]))
    else:
        insert_rows(Sighting, SIGHTING_FIELDS, [
            (report_id, indicators[token][0], role, sealed, True, "")
            for report, report_id in zip(reports, report_ids, strict=True)
            for token, _kind, role, _value, sealed in report[5]])


def _replace_sightings(
    reports: list[SealedReport], report_ids: list[int],
    indicators: dict[bytes, tuple[int, bool]], updated: list[int],
) -> tuple[set[int], set[int]]:
    """Write the batch's sightings. Returns the indicators an updated report touched
    (whose values must be rechecked), and campaigns to re-split."""
    wanted: dict[tuple[int, int, str], str] = {}
    recount: set[int] = set()
    changed = set(updated)
    for report, report_id in zip(reports, report_ids, strict=True):
        changing = report_id in changed
        for token, _kind, role, _value, sealed in report[5]:
            pk = indicators[token][0]
            if changing:
                recount.add(pk)
            wanted[(report_id, pk, role)] = sealed
    resplit: set[int] = set()
    # An analyst's "this link is wrong" is about a report and an indicator; it must
    # survive the report being sent again, even with the indicator in another role.
    unlinked: dict[tuple[int, int], str] = {}
    if updated:
        stale: list[int] = []
        for start in range(0, len(updated), linking.CHUNK):
            for pk, report_id, indicator_id, role, campaign_id, linkable, why in (
                Sighting.objects.filter(report_id__in=updated[start:start + linking.CHUNK])
                .values_list("pk", "report_id", "indicator_id", "role",
                             "report__membership__campaign_id", "linkable", "unlinked_reason")
            ):
                if not linkable:
                    unlinked[(report_id, indicator_id)] = why
                key = (report_id, indicator_id, role)
                if key in wanted:
                    del wanted[key]  # already there, mark and all
                else:
                    stale.append(pk)
                    recount.add(indicator_id)
                    if campaign_id:
                        resplit.add(campaign_id)
        for start in range(0, len(stale), linking.CHUNK):
            Sighting.objects.filter(pk__in=stale[start:start + linking.CHUNK]).delete()
    # No conflicts: new reports have no sightings yet, and an updated report's
    # standing ones were taken out of ``wanted`` above.
    if connection.vendor == "postgresql":
        # As in _add_sightings; only an analyst's reason goes through copy_text.
        copy_lines(Sighting, SIGHTING_FIELDS, "".join([
            f"{report_id}\t{indicator_id}\t{role}\t{sealed}\tt\t\n"
            if (report_id, indicator_id) not in unlinked else
            copy_text((report_id, indicator_id, role, sealed, "f",
                       unlinked[(report_id, indicator_id)])) + "\n"
            for (report_id, indicator_id, role), sealed in wanted.items()]))
    else:
        insert_rows(Sighting, SIGHTING_FIELDS, [
            (report_id, indicator_id, role, sealed, (report_id, indicator_id) not in unlinked,
             unlinked.get((report_id, indicator_id), ""))
            for (report_id, indicator_id, role), sealed in wanted.items()])
    return recount, resplit


@transaction.atomic
def ingest(items: list[ReportInput] | list[SealedReport], *, created_by=None,
           rates: RateTable | None = None, defer_linking: bool = False,
           facts: Facts | None = None) -> IngestResult:
    """Store a batch of checked (or already sealed) reports, match them, update
    campaigns and alert.

    ``defer_linking`` (for bulk imports) stores and counts the reports but queues
    them for :func:`link_pending` instead of linking them now. ``facts``: what
    :func:`prepare` made of ``items``, which are then the reports it returned.
    """
    if not items:
        return IngestResult()
    if isinstance(items[0], ReportInput):
        rates = rates or RateTable()
        encrypters = Encrypters()
        reports = [seal(item, rates, encrypters) for item in items]
    else:
        reports = items
    if facts is None:
        reports, facts = prepare(reports)
    linking.lock()
    stamp = adapted_datetime(timezone.now())
    report_ids, created, updated = _store_reports(reports, created_by, stamp)
    indicators = _indicator_rows(facts)
    if updated:
        recount, resplit = _replace_sightings(reports, report_ids, indicators, updated)
    else:
        _add_sightings(reports, report_ids, indicators)
        recount, resplit = set(), set()
    # Values held only by reports that do not share them region-wide so far, now
    # held by one that does.
    update_rows(Indicator, ["value"], [
        (value, pk) for token, (pk, shown) in indicators.items()
        if not shown and (value := facts[token][1])])
    if defer_linking:
        # Queued reports are counted at the import's next linking pass (and left out
        # of the recount below, resubmitted ones included: see counts).
        # A new report cannot be queued yet: only a resubmitted one may be (copying
        # rows is the cheaper path on PostgreSQL, where skipping conflicts is not).
        insert_rows(PendingLink, ["report"], [(pk,) for pk in created])
        insert_rows(PendingLink, ["report"], [(pk,) for pk in updated], ignore_conflicts=True)
    else:
        resplit |= counts.add_reports(created)
    if recount:
        # After the additions, which it may include: an updated report's indicators
        # are recounted whole, since one it dropped is found only now.
        resplit |= counts.refresh_indicators(recount)
    # Campaigns whose figures may be stale: split ones, and those holding a report
    # that changed. They are recounted before linking adds to their figures.
    stale: set[int] = set()
    for start in range(0, len(updated), linking.CHUNK):
        stale.update(CampaignMember.objects.filter(
            report_id__in=updated[start:start + linking.CHUNK],
        ).values_list("campaign_id", flat=True))
    if defer_linking:
        _queue_campaigns(resplit, stale)
        return IngestResult(created=created, updated=updated)
    split = linking.resplit(resplit) if resplit else set()
    linking.refresh_stats(stale | split)
    grown = linking.link(sorted(set(report_ids)))
    changed = stale | split | grown
    # The pieces of a split campaign are campaigns of their own: alerted as such.
    alerted = alerts.raise_for(split | grown, today=timezone.localdate())
    return IngestResult(created=created, updated=updated, campaigns=changed, alerts=alerted)


def _queue_campaigns(may_split: set[int], stale: set[int]) -> None:
    rows = [(pk, pk in may_split) for pk in sorted(may_split | stale)]
    insert_rows(PendingCampaign, ["campaign", "may_split"], rows, ignore_conflicts=True)
    # Already queued as merely stale, and now it may split too.
    update_rows(PendingCampaign, ["may_split"],
                [(True, pk) for pk, split in rows if split])


# Queued reports linked at a time: a pass's worth in one union-find (a campaign formed
# in one chunk and joined to another in the next is rewritten twice), while a larger
# queue (another import's, killed) is still read in bounded pieces.
LINK_CHUNK = 200_000


@transaction.atomic
def link_pending() -> IngestResult:
    """Recompute the queued campaigns, link every queued report into campaigns and
    alert, as :func:`ingest` would have done batch by batch."""
    linking.lock()
    _queue_campaigns(counts.count_pending(), set())
    queued = dict(PendingCampaign.objects.values_list("campaign_id", "may_split"))
    stale = {pk for pk, may_split in queued.items() if not may_split}
    split = linking.resplit({pk for pk, may_split in queued.items() if may_split})
    linking.refresh_stats(stale | split)
    pending = list(PendingLink.objects.order_by("report_id").values_list("report_id", flat=True))
    grown: set[int] = set()
    for start in range(0, len(pending), LINK_CHUNK):
        chunk = pending[start:start + LINK_CHUNK]
        grown |= linking.link(chunk, queued=True)
        # Linked now: later chunks find these as representatives of their values.
        PendingLink.objects.filter(report_id__lte=chunk[-1]).delete()
    result = IngestResult(campaigns=stale | split | grown)
    result.alerts = alerts.raise_for(split | grown, today=timezone.localdate())
    # The lock kept anyone from queueing meanwhile.
    PendingLink.objects.all().delete()
    PendingCampaign.objects.all().delete()
    return result
