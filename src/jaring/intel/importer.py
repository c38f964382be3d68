"""Bulk import: stream a file, check each record, store in batches, resume after a kill.

Each batch is one transaction that stores its reports *and* moves the job's
checkpoint (the last source line committed), so a run killed at any moment and
started again skips exactly what was committed and ends with the same data as an
uninterrupted run. Re-importing a finished file changes nothing: references are
unique per organisation and a stored report is updated, never duplicated.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from jaring.audit.services import record_event
from jaring.identity.models import Organisation
from jaring.intel.exchange import READERS, FormatError, UnknownFormat, guess_format
from jaring.intel.ingest import RateTable, ingest
from jaring.intel.models import ImportJob, ImportRejection
from jaring.intel.validation import FieldError, ReportInput, Vocabulary, parse_report

BATCH = 2000


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


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class _Organisations:
    """Resolves a record's organisation: its own (country + short name) or the default."""

    def __init__(self, default: Organisation | None) -> None:
        self.default = default
        self._cache: dict[tuple[str, str], Organisation | None] = {}

    def resolve(self, record: dict[str, Any]) -> tuple[Organisation | None, str]:
        country = str(record.get("country") or "").strip().upper()
        short = str(record.get("organisation") or "").strip()
        if not short:
            if self.default is None:
                return None, "is required (or give --organisation)"
            if country and country != self.default.country_id:
                return None, (f"record is from {country} but the default organisation is "
                              f"in {self.default.country_id}")
            return self.default, ""
        key = (country, short.casefold())
        if key not in self._cache:
            rows = Organisation.objects.filter(short_name__iexact=short, is_active=True)
            if country:
                rows = rows.filter(country_id=country)
            found = list(rows[:2])
            self._cache[key] = found[0] if len(found) == 1 else None
        org = self._cache[key]
        if org is None:
            where = f" in {country}" if country else ""
            return None, f"no single active organisation {short!r}{where}"
        if org.country_id is None:
            return None, "a regional body cannot submit fraud reports"
        return org, ""


def _records(path: Path, fmt: str, skip_through: int, progress: Callable[[int], None] | None
             ) -> Iterator[tuple[int, dict | None, list[tuple[int, str, str]]]]:
    reader = READERS[fmt]
    with path.open("rb") as raw:
        for line, record, errors in reader(raw):
            if progress is not None:
                progress(raw.tell())
            if line <= skip_through:
                continue
            yield line, record, errors


def run_import(
    path: str | Path,
    *,
    fmt: str | None = None,
    organisation: Organisation | None = None,
    actor: Any = None,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH,
) -> ImportSummary:
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
    vocabulary = Vocabulary()
    rates = RateTable()
    orgs = _Organisations(organisation)

    pending: list[ReportInput] = []
    pending_errors: list[FieldError] = []
    pending_rejected = 0
    last_line = job.rows_done

    def flush() -> None:
        nonlocal pending, pending_errors, pending_rejected
        with transaction.atomic():
            result = ingest(pending, created_by=actor, rates=rates)
            ImportRejection.objects.bulk_create(
                [ImportRejection(job=job, line=e.line or 0, field=e.field[:100],
                                 reason=e.reason[:500]) for e in pending_errors],
                ignore_conflicts=True, batch_size=1000,
            )
            job.rows_done = last_line
            job.accepted += len(pending)
            job.rejected += pending_rejected
            job.save(update_fields=["rows_done", "accepted", "rejected"])
            record_event("intel.import.batch", actor=actor, target=job,
                         detail={"through_line": last_line, "reports": len(pending),
                                 "created": len(result.created), "updated": len(result.updated),
                                 "rejected": pending_rejected, "alerts": result.alerts})
        summary.accepted += len(pending)
        summary.rejected += pending_rejected
        summary.errors.extend(pending_errors)
        pending, pending_errors, pending_rejected = [], [], 0

    try:
        for line, record, errors in _records(path, fmt, job.rows_done, progress):
            last_line = line
            pending_errors.extend(FieldError(el, f, r) for el, f, r in errors)
            if record is None:
                pending_rejected += 1
            else:
                org, problem = orgs.resolve(record)
                if org is None or org.country_id is None:
                    pending_errors.append(FieldError(line, "organisation", problem))
                    pending_rejected += 1
                else:
                    item, found = parse_report(record, vocabulary=vocabulary,
                                               organisation_id=org.pk,
                                               country=org.country_id, line=line)
                    pending_errors.extend(found)
                    if item is None:
                        pending_rejected += 1
                    else:
                        pending.append(item)
            if len(pending) + pending_rejected >= batch_size:
                flush()
        flush()
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
