"""Bulk import: stream a file, check each record, store in batches, resume after a kill.

Each transaction stores a few batches' reports *and* moves the job's checkpoint
(the last source line committed), so a run killed at any moment and
started again skips exactly what was committed and ends with the same data as an
uninterrupted run. Re-importing a finished file changes nothing: references are
unique per organisation and a stored report is updated, never duplicated.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import multiprocessing
import os
import pickle
import shutil
import tempfile
import threading
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty, Queue
from typing import Any, cast

from django.db import transaction
from django.utils import timezone

from jaring.audit.services import record_event
from jaring.core.bulk import batch_collection, bulk_writes, refresh_statistics
from jaring.crypto.cipher import Encrypters
from jaring.identity.models import Organisation
from jaring.intel import parse_worker
from jaring.intel.exchange import (
    READERS,
    SHARED_READERS,
    FormatError,
    UnknownFormat,
    guess_format,
)
from jaring.intel.exchange.records import SharedParsed
from jaring.intel.ingest import Facts, SealedReport, ingest, link_pending, prepare, seal
from jaring.intel.models import (
    CampaignMember,
    FraudReport,
    ImportJob,
    ImportRejection,
    Indicator,
    PendingLink,
    Sighting,
)
from jaring.intel.validation import FieldError, Vocabulary, parse_report
from jaring.reference.services import RateTable

BATCH = 5000
# Reports stored per transaction: each commit writes out every page its batches
# dirtied, and the same index pages are dirtied again by the next batches.
COMMIT_EVERY = 20_000
LINK_EVERY = 200_000  # reports stored between two linking passes
PARALLEL_FROM_BYTES = 4 << 20
# Parsing processes for a line-based format: checking and sealing a report costs a
# little more than storing it, so two parsers keep one storing process busy.
PARSERS = 2
# Batches each parsing process may have written ahead of the storing process: enough
# to go on parsing through a linking pass (about 80,000 reports, 120 MB of files).
SPOOL_BATCHES = 8


class ImportRefused(Exception):
    """The file as a whole cannot be imported (unknown format, unknown organisation)."""


@dataclass
class ImportSummary:
    job: ImportJob
    accepted: int = 0
    rejected: int = 0
    resumed_from: int = 0
    already_done: bool = False
    errors: list[FieldError] = field(default_factory=list)
    parser_peak_kb: list[int] = field(default_factory=list)  # each parsing process's


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class Directory:
    """Every active national organisation, so records can name theirs without a query
    (and so the parsing process needs no database)."""

    by_name: dict[tuple[str, str], tuple[int, str] | None]  # None: the name is ambiguous
    default: tuple[int, str] | None

    @classmethod
    def load(cls, default: Organisation | None) -> Directory:
        by_name: dict[tuple[str, str], tuple[int, str] | None] = {}
        for pk, short, country in Organisation.objects.filter(
            is_active=True, country__isnull=False
        ).values_list("pk", "short_name", "country_id"):
            for key in ((country, short.casefold()), ("", short.casefold())):
                by_name[key] = None if key in by_name else (pk, country)
        fallback = (default.pk, default.country_id) if default and default.country_id else None
        return cls(by_name, fallback)

    def resolve(self, record: dict[str, Any]) -> tuple[tuple[int, str] | None, str]:
        country = str(record.get("country") or "").strip().upper()
        short = str(record.get("organisation") or "").strip()
        if not short:
            if self.default is None:
                return None, "is required (or give --organisation)"
            if country and country != self.default[1]:
                return None, (f"record is from {country} but the default organisation is "
                              f"in {self.default[1]}")
            return self.default, ""
        found = self.by_name.get((country, short.casefold()))
        if found is None:
            where = f" in {country}" if country else ""
            return None, f"no single active national organisation {short!r}{where}"
        return found, ""


@dataclass
class Batch:
    items: list[SealedReport] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    rejected: int = 0
    last_line: int = 0
    position: int = 0  # bytes of the file read so far
    facts: Facts | None = None  # made of ``items`` once the batch is whole

    def __reduce__(self) -> tuple[Any, tuple]:
        # Handed from a parsing process to the storing one: marshal writes and reads
        # plain tuples of text several times faster than pickle (see SealedReport).
        # In pieces: the storing process reads them in a thread of its own, and one
        # call into marshal holds the interpreter until it returns (a whole batch,
        # milliseconds) while the storing thread may be waiting to go on.
        pieces = [marshal.dumps(self.items[start:start + UNPACK_PIECE])
                  for start in range(0, len(self.items), UNPACK_PIECE)]
        if self.facts is not None:
            pieces.append(marshal.dumps(self.facts))
        return _unpack, (pieces, self.facts is not None, self.errors, self.rejected,
                         self.last_line, self.position)


UNPACK_PIECE = 250


def _unpack(pieces: list[bytes], with_facts: bool, errors: list[FieldError], rejected: int,
            last_line: int, position: int) -> Batch:
    facts = marshal.loads(pieces[-1]) if with_facts else None  # noqa: S302
    items: list[SealedReport] = []
    for piece in pieces[:-1] if with_facts else pieces:
        items += marshal.loads(piece)  # noqa: S302
    return Batch(items, errors, rejected, last_line, position, facts)


def parse_batches(path: Path, fmt: str, skip_through: int, batch_size: int,
                  vocabulary: Vocabulary, directory: Directory, rates: RateTable,
                  share: tuple[int, int] = (0, 1)) -> Generator[Batch, None, None]:
    """Read, check and seal the records after the checkpoint, a batch per block of
    ``batch_size`` source lines.

    ``share=(i, n)``: this is the i-th of n parsing processes of a line-based format
    (:data:`SHARED_READERS`), which parses only every n-th block (the i-th first).
    Every process sees every line number, so the processes agree on the blocks and
    each yields its own, empty ones included, for the storing process to take in turn.
    """
    part, parts = share
    first = skip_through // batch_size

    def mine(block: int) -> bool:
        return (block - first) % parts == part

    def wanted(line: int) -> bool:
        return line > skip_through and mine((line - 1) // batch_size)

    block = first
    batch = Batch(last_line=skip_through)
    encrypters = Encrypters()
    with path.open("rb") as raw:
        records = (SHARED_READERS[fmt](raw, wanted) if parts > 1
                   else cast(Iterator[SharedParsed], READERS[fmt](raw)))
        for line, record, errors in records:
            if line <= skip_through:
                continue
            # Some readers number a document-wide problem after its records: it goes
            # in the current block, as blocks never go back.
            while (line - 1) // batch_size > block:
                if mine(block):
                    batch.last_line = (block + 1) * batch_size
                    batch.position = raw.tell()
                    yield _prepared(batch)
                block += 1
                batch = Batch(last_line=block * batch_size)
                encrypters = Encrypters()  # the current keys, should they be rotated
            batch.last_line = max(batch.last_line, line)
            if errors is None:  # another process's line
                continue
            batch.errors.extend(FieldError(el, f, r) for el, f, r in errors)
            if record is None:
                batch.rejected += 1
                continue
            org, problem = directory.resolve(record)
            if org is None:
                batch.errors.append(FieldError(line, "organisation", problem))
                batch.rejected += 1
                continue
            item, found = parse_report(record, vocabulary=vocabulary, organisation_id=org[0],
                                       country=org[1], line=line)
            batch.errors.extend(found)
            if item is None:
                batch.rejected += 1
            else:
                batch.items.append(seal(item, rates, encrypters))
        batch.position = raw.tell()
    if batch.last_line > skip_through and mine(block):
        yield _prepared(batch)


def _prepared(batch: Batch) -> Batch:
    # Where a parsing process parses, it prepares too (see ingest.prepare).
    batch.items, batch.facts = prepare(batch.items)
    return batch


def _parallel(args: tuple, parts: int, peaks: list[int]) -> Iterator[Batch]:
    """Parse in ``parts`` other processes while this one stores; the processes take
    the blocks of lines in turn, and so does this one when it stores their batches.

    The batches come through files in a private temporary directory (see
    :func:`parse_worker.run`), removed as they are read and at the end.
    """
    context = multiprocessing.get_context("spawn")
    from django.conf import settings

    spool = tempfile.mkdtemp(prefix="jaring-import-")
    workers = []
    for part in range(parts):
        # Bounded: however big the file, memory stays flat and the files few.
        queue = context.Queue(maxsize=SPOOL_BATCHES)
        process = context.Process(
            target=parse_worker.run, daemon=True,
            args=(queue, settings.SETTINGS_MODULE, str(settings.KEY_FILE), spool,
                  pickle.dumps((*args, (part, parts)))))
        process.start()
        workers.append((queue, process))
    try:
        done = 0
        turn = 0
        while done < parts:
            queue, process = workers[turn % parts]
            try:
                got = queue.get(timeout=1)
            except Empty:
                if not process.is_alive():
                    raise RuntimeError("a parsing process stopped unexpectedly") from None
                continue
            turn += 1
            if isinstance(got, tuple) and got[0] == parse_worker.DONE:
                done += 1
                peaks.append(got[1])
                continue
            if isinstance(got, Exception):
                raise got
            if done:
                raise RuntimeError("the parsing processes disagree on the end of the file")
            with open(got, "rb") as handle:
                batch = pickle.load(handle)  # noqa: S301 — written by our own process
            os.unlink(got)
            yield batch
    finally:
        for _queue, process in workers:
            if process.is_alive():
                process.terminate()
            process.join(timeout=5)
        shutil.rmtree(spool, ignore_errors=True)


_END = object()


def _read_ahead(batches: Iterator[Batch], depth: int = 2) -> Generator[Batch, None, None]:
    """The batches, read by a thread of their own up to ``depth`` ahead of the one
    being stored.

    Taking a batch from a parsing process (reading its file, decoding it) costs the
    storing process seconds over an import; in a thread it happens while the storing
    one waits on the database, which releases the interpreter meanwhile. Two ahead,
    not one: a batch ready while the next is read smooths over the parsers' uneven
    pace, and the runs measured were faster; each more is memory held (decision
    15). The thread takes a batch only once a slot is free, so ``depth`` counts the
    one it holds.
    """
    handed: Queue = Queue()
    slots = threading.Semaphore(depth)
    stop = threading.Event()

    def slot_free() -> bool:
        while not stop.is_set():
            if slots.acquire(timeout=0.2):
                return True
        return False

    def produce() -> None:
        try:
            while slot_free():
                batch = next(batches, _END)
                if batch is _END:
                    break
                handed.put(batch)
        except BaseException as error:  # raised again in the storing thread
            handed.put(error)
        finally:
            try:
                close = getattr(batches, "close", None)
                if close is not None:
                    close()
            finally:
                handed.put(_END)  # whatever closing did: the storing thread waits on it

    reader = threading.Thread(target=produce, name="jaring-import-reader", daemon=True)
    reader.start()
    try:
        while (item := handed.get()) is not _END:
            if isinstance(item, BaseException):  # batches never are
                raise item
            slots.release()  # this one is being stored: the thread may read the next
            yield cast(Batch, item)
    finally:
        stop.set()
        reader.join()


def run_import(
    path: str | Path,
    *,
    fmt: str | None = None,
    organisation: Organisation | None = None,
    actor: Any = None,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH,
    parallel: bool | None = None,
    link_every: int = LINK_EVERY,
    commit_every: int = COMMIT_EVERY,
) -> ImportSummary:
    """Import a file. ``parallel`` parses in a second process (by default for files of
    a few megabytes or more, on a machine with more than one core).

    Reports are linked into campaigns, and alerts raised, every ``link_every``
    reports and at the end, rather than with every batch: a big campaign is then
    updated once per pass instead of once per batch it grows in.
    """
    path = Path(path)
    if not path.is_file():
        raise ImportRefused(f"{path} is not a file")
    with path.open("rb") as handle:
        head = handle.read(4096)
    try:
        fmt = fmt or guess_format(str(path), head)
    except UnknownFormat as exc:
        raise ImportRefused(str(exc)) from None
    if fmt not in READERS:
        raise ImportRefused(f"unknown format {fmt!r}; use one of {', '.join(READERS)}")
    sha = file_sha256(path)
    job = (
        ImportJob.objects.filter(source_sha256=sha, format=fmt, organisation=organisation)
        .order_by("-started_at").first()
    )
    if job is not None and job.state == ImportJob.State.DONE:
        return ImportSummary(job=job, accepted=job.accepted, rejected=job.rejected,
                             already_done=True)
    if job is None:
        job = ImportJob.objects.create(
            source_sha256=sha, source_name=path.name[:300], format=fmt, organisation=organisation
        )
    else:
        ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING)
    summary = ImportSummary(job=job, resumed_from=job.rows_done,
                            accepted=job.accepted, rejected=job.rejected)
    args = (path, fmt, job.rows_done, batch_size, Vocabulary(), Directory.load(organisation),
            RateTable())
    if parallel is None:
        parallel = (os.cpu_count() or 1) > 1 and path.stat().st_size > PARALLEL_FROM_BYTES
    parts = PARSERS if fmt in SHARED_READERS else 1
    batches = (_read_ahead(_parallel(args, parts, summary.parser_peak_kb)) if parallel
               else parse_batches(*args))

    def store(batch: Batch) -> None:
        with transaction.atomic():
            # A second run of the same file may have stored this batch meanwhile.
            done = ImportJob.objects.select_for_update().values_list(
                "rows_done", flat=True).get(pk=job.pk)
            if done >= batch.last_line:
                return
            result = ingest(batch.items, created_by=actor, defer_linking=True,
                            facts=batch.facts)
            ImportRejection.objects.bulk_create(
                [ImportRejection(job=job, line=e.line or 0, field=e.field[:100],
                                 reason=e.reason[:500]) for e in batch.errors],
                ignore_conflicts=True, batch_size=1000,
            )
            job.rows_done = batch.last_line
            job.accepted += len(batch.items)
            job.rejected += batch.rejected
            job.save(update_fields=["rows_done", "accepted", "rejected"])
            record_event("intel.import.batch", actor=actor, target=job,
                         detail={"through_line": batch.last_line, "reports": len(batch.items),
                                 "created": len(result.created), "updated": len(result.updated),
                                 "rejected": batch.rejected})
        summary.accepted += len(batch.items)
        summary.rejected += batch.rejected
        summary.errors.extend(batch.errors)

    def link() -> None:
        # Only the columns the pass and the next batches filter on: the statistics of
        # the wide text columns (encrypted values, personal data) took most of the
        # time (2.2 s for the reports alone over a million), and a column list leaves
        # autovacuum's own full sampling due. The reports' ids matter: each batch
        # reads its new reports back by id, and on a table never analysed PostgreSQL
        # scanned it whole instead.
        refresh_statistics([(FraudReport, ["id"]),
                            (Sighting, ["report", "indicator", "linkable"]),
                            (Indicator, ["id", "status", "report_count"]),
                            PendingLink, CampaignMember])
        result = link_pending()
        if result.campaigns:
            record_event("intel.import.link", actor=actor, target=job,
                         detail={"campaigns": len(result.campaigns), "alerts": result.alerts})

    def store_some(stream: Iterator[Batch], limit: int) -> tuple[int, bool]:
        """Store batches in one transaction until ``limit`` reports: (how many
        reports, whether the file ended)."""
        stored = 0
        with transaction.atomic():
            for batch in stream:
                if progress is not None:
                    progress(batch.position)
                store(batch)
                stored += len(batch.items)
                collect()
                if stored >= limit:
                    return stored, False
        return stored, True

    try:
        # Closed on the way out, whatever the way: the parsing processes and the
        # reading thread stop, and their files go, before an error is reported.
        with batch_collection() as collect, bulk_writes(), contextlib.closing(batches) as stream:
            unlinked, ended = 0, False
            while not ended:
                stored, ended = store_some(stream, min(commit_every, link_every - unlinked))
                unlinked += stored
                if unlinked >= link_every:
                    link()
                    unlinked = 0
            # Also what a killed run of this or another import left queued.
            link()
    except FormatError as exc:
        ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.FAILED)
        raise ImportRefused(f"{path.name}: {exc}") from None
    except BaseException:
        ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.FAILED)
        raise
    job.state = ImportJob.State.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "finished_at"])
    return summary
