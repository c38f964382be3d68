"""Indicator counts, first and last sightings, and the fan-out cap, kept in SQL.

One set-based statement per chunk, so the database does the work whether a
single submission touched three indicators or a bulk import's linking pass
touched fifty thousand.

An indicator's count is of the reports holding it that are not queued for
linking (:class:`PendingLink`): a submission adds its new reports
(:func:`add_reports`); a resubmitted report's indicators are recounted whole
(:func:`refresh_indicators`), leaving out the queue; and a bulk import's linking
pass adds the queue (:func:`count_pending`). The import thus writes each
indicator row once per pass, not in every batch, and the pass adds to the
counts instead of recounting every report of every indicator it touches.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from jaring.core.bulk import among, execute, fetch, update_rows
from jaring.crypto.cipher import decrypt
from jaring.intel import linking
from jaring.intel.models import Indicator, PendingLink, Sighting
from jaring.intel.sharing import REGION_WIDE

_PENDING = PendingLink._meta.db_table
_ACTIVE = Indicator.Status.ACTIVE.value
_FLAGGED = Indicator.Status.FLAGGED.value


# Sightings (``s``) of reports that are counted: not queued for linking.
_COUNTED = f"NOT EXISTS (SELECT 1 FROM {_PENDING} p WHERE p.report_id = s.report_id)"  # noqa: S608


def _recount(which: str, params: list) -> set[int]:
    """Recount the indicators selected by ``which`` (SQL yielding indicator ids); flag
    those now over the fan-out cap and return the campaigns they held together."""
    i, s, r = linking.INDICATOR, linking.SIGHTING, linking.REPORT
    before = _flagged(which, params)
    flag, flag_params = _flag_over_cap("a.n")
    execute(
        f"UPDATE {i} SET report_count = a.n, first_seen = a.first, last_seen = a.last, "  # noqa: S608
        f"{flag} FROM (SELECT s.indicator_id AS id, COUNT(DISTINCT s.report_id) AS n, "
        f"MIN(r.reported_on) AS first, MAX(r.reported_on) AS last "
        f"FROM {s} s JOIN {r} r ON r.id = s.report_id "
        f"WHERE s.indicator_id IN ({which}) AND {_COUNTED} GROUP BY s.indicator_id) a "
        f"WHERE {i}.id = a.id",
        [*flag_params, *params],
    )
    # Indicators with no counted report left (a report dropped it on resubmission).
    execute(
        f"UPDATE {i} SET report_count = 0, first_seen = NULL, last_seen = NULL "  # noqa: S608
        f"WHERE id IN ({which}) AND report_count <> 0 "
        f"AND NOT EXISTS (SELECT 1 FROM {s} s WHERE s.indicator_id = {i}.id AND {_COUNTED})",
        params,
    )
    return _held_by_newly_flagged(before, which, params)


def _flag_over_cap(count: str) -> tuple[str, list]:
    """The assignment that flags an active indicator whose new count (``count``, SQL)
    is over the fan-out cap, and its parameters: flagged in the update that counts."""
    i = linking.INDICATOR
    return (f"status = CASE WHEN {i}.status = %s AND {count} > %s THEN %s "
            f"ELSE {i}.status END", [_ACTIVE, settings.INTEL_FANOUT_CAP, _FLAGGED])


def _flagged(among_sql: str | None, params: list) -> set[int]:
    """Flagged indicators among ``among_sql`` (SQL yielding ids), or all of them (the
    review queue's partial index holds just those)."""
    where, values = (f" AND id IN ({among_sql})", params) if among_sql else ("", [])
    return {pk for (pk,) in fetch(
        f"SELECT id FROM {linking.INDICATOR} WHERE status = %s{where}",  # noqa: S608
        [_FLAGGED, *values],
    )}


def _held_by_newly_flagged(before: set[int], among_sql: str | None, params: list) -> set[int]:
    """The campaigns held together by the indicators flagged since ``before`` was read."""
    flagged = sorted(_flagged(among_sql, params) - before)
    return campaigns_holding(flagged) if flagged else set()


def recount_indicators(indicator_ids: Iterable[int]) -> set[int]:
    """Recount the given indicators; returns the campaigns to re-split (see :func:`_recount`)."""
    resplit: set[int] = set()
    for batch in linking.chunks(sorted(set(indicator_ids))):
        resplit |= _recount(*among(batch))
    return resplit


def _add(reports: str, params: list, *, whole_queue: bool = False,
         within: tuple[int, int] | None = None) -> set[int]:
    """Count the reports selected by ``reports`` (SQL yielding report ids, stored with
    their sightings, counted nowhere yet) into their indicators: the count added to,
    first and last seen widened by their dates, and those now over the fan-out cap
    flagged. Returns the campaigns the newly flagged ones held together.

    Only the given reports are read, not every earlier report of every indicator:
    an earlier report's date changes only when it is resubmitted, and a
    resubmission recounts its indicators whole (:func:`refresh_indicators`).
    ``whole_queue``: the reports are a linking pass's, hundreds of thousands of
    sightings; the newly flagged are found among all flagged indicators (the review
    queue's index holds just those) rather than by reading the sightings again.
    ``within``: the lowest and highest of those report ids, so that PostgreSQL reads
    the sightings and reports in that range through their indexes instead of
    scanning both tables whole, pass after pass, as they grow.
    """
    i, s, r = linking.INDICATOR, linking.SIGHTING, linking.REPORT
    ranged, range_params = "", []
    if within is not None:
        ranged = "AND s.report_id BETWEEN %s AND %s AND r.id BETWEEN %s AND %s "
        range_params = [*within, *within]
    touched = None if whole_queue else (
        f"SELECT s.indicator_id FROM {s} s WHERE s.report_id IN ({reports})")  # noqa: S608
    before = _flagged(touched, params)
    flag, flag_params = _flag_over_cap(f"{i}.report_count + a.n")
    execute(
        f"UPDATE {i} SET report_count = {i}.report_count + a.n, "  # noqa: S608
        f"first_seen = CASE WHEN {i}.first_seen IS NULL OR a.first < {i}.first_seen "
        f"THEN a.first ELSE {i}.first_seen END, "
        f"last_seen = CASE WHEN {i}.last_seen IS NULL OR a.last > {i}.last_seen "
        f"THEN a.last ELSE {i}.last_seen END, {flag} "
        f"FROM (SELECT s.indicator_id AS id, COUNT(DISTINCT s.report_id) AS n, "
        f"MIN(r.reported_on) AS first, MAX(r.reported_on) AS last "
        f"FROM {s} s JOIN {r} r ON r.id = s.report_id WHERE s.report_id IN ({reports}) "
        f"{ranged}GROUP BY s.indicator_id) a WHERE {i}.id = a.id",
        [*flag_params, *params, *range_params],
    )
    return _held_by_newly_flagged(before, touched, params)


def add_reports(report_ids: list[int]) -> set[int]:
    """Count newly stored reports into their indicators (a form or API submission);
    returns the campaigns to re-split."""
    resplit: set[int] = set()
    for batch in linking.chunks(sorted(set(report_ids))):
        resplit |= _add(*among(batch))
    return resplit


def count_pending() -> set[int]:
    """Count the reports queued for linking (a bulk import's reports since its last
    linking pass) into their indicators; returns the campaigns to re-split.

    The caller then empties the queue: these reports are counted from now on.
    """
    ((first, last),) = fetch(f"SELECT MIN(report_id), MAX(report_id) FROM {_PENDING}", [])  # noqa: S608
    if first is None:
        return set()
    return _add(f"SELECT report_id FROM {_PENDING}", [], whole_queue=True,  # noqa: S608
                within=(first, last))


def campaigns_holding(indicator_ids: list[int]) -> set[int]:
    found: set[int] = set()
    for batch in linking.chunks(indicator_ids):
        inside, params = among(batch)
        found.update(pk for (pk,) in fetch(
            f"SELECT DISTINCT m.campaign_id FROM {linking.SIGHTING} s "  # noqa: S608
            f"JOIN {linking.MEMBER} m ON m.report_id = s.report_id "
            f"WHERE s.indicator_id IN ({inside})", params))
    return found


def recompute_values(indicator_ids: Iterable[int]) -> None:
    """Keep an indicator's public value only while a region-wide report still holds it
    (a report can drop the indicator, or move to a stricter sharing level)."""
    for batch in linking.chunks(sorted(set(indicator_ids))):
        public: dict[int, tuple[str, str]] = {}
        for indicator_id, country, sealed in Sighting.objects.filter(
            indicator_id__in=batch, report__tlp__in=REGION_WIDE
        ).values_list("indicator_id", "report__country_id", "value_enc"):
            public.setdefault(indicator_id, (country, sealed))
        rows = []
        for pk, value in Indicator.objects.filter(pk__in=batch).values_list("pk", "value"):
            if pk not in public and value:
                rows.append(("", pk))
            elif pk in public and not value:
                rows.append((decrypt(*public[pk]) or "", pk))
        update_rows(Indicator, ["value"], rows)


def refresh_indicators(indicator_ids: Iterable[int]) -> set[int]:
    """Recount the indicators and recheck their public values; returns the campaigns
    to re-split."""
    ids = set(indicator_ids)
    resplit = recount_indicators(ids)
    recompute_values(ids)
    return resplit
