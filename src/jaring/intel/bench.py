"""The intelligence part's benchmarks (`jaring bench intel [--reports N]`).

Goals, from the issue and its anchors (MISP correlates at about 0.1 s per
attribute; OpenCTI users report 1 to 10 bundles per second):

* bulk import of generated reports (about three indicators each) end to end —
  reading, normalising, matching, campaign update, alerts: at least 10,000
  reports/s with peak memory at most 1 GB; the ratio to a plain ``sqlite3``
  ``executemany`` of the same rows is printed as the floor;
* one report submitted through the API with the reports stored: p95 at most
  50 ms, matching and alerts included;
* a full campaign rebuild: at most 30 s for a million reports (the goal scales
  with the number of reports when fewer are asked for).
"""

from __future__ import annotations

import concurrent.futures
import datetime
import json
import multiprocessing
import resource
import sqlite3
import tempfile
import time
from pathlib import Path

from jaring.bench.harness import BenchContext, BenchError, Figure, benchmark, percentile

DEFAULT_REPORTS = 1_000_000
API_SUBMISSIONS = 200


def _generate(path: Path, reports: int) -> list[dict]:
    """Write the import file; keep a small sample of records for the API benchmark."""
    from jaring.intel.synthetic import Generator

    start = datetime.date.today() - datetime.timedelta(days=365)
    sample: list[dict] = []
    with path.open("w", encoding="utf-8") as handle:
        for n, record in enumerate(Generator(seed=11, reports=reports, start=start), 1):
            handle.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
            handle.write("\n")
            if n <= API_SUBMISSIONS:
                sample.append(record)
    return sample


def _set_up_django() -> None:
    import django

    django.setup()


def _generate_apart(path: Path, reports: int) -> list[dict]:
    """:func:`_generate` in a process of its own. Generating a million reports leaves
    the process's heap large and scattered, and an import timed in the same process
    then ran a tenth slower than ``jaring intel import`` of the same file."""
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(
            1, mp_context=context, initializer=_set_up_django) as pool:
        return pool.submit(_generate, path, reports).result()


def _floor(path: Path) -> float:
    """Seconds for a plain sqlite3 executemany of the same report and indicator rows."""
    with tempfile.TemporaryDirectory() as scratch:
        db = sqlite3.connect(Path(scratch) / "floor.sqlite3")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE report (id INTEGER PRIMARY KEY, country, organisation, "
                   "reference, reported_on, scam_type, loss_amount, currency, tlp)")
        db.execute("CREATE TABLE indicator (report_id, kind, value)")
        reports: list[tuple] = []
        indicators: list[tuple] = []
        with path.open(encoding="utf-8") as handle:
            for n, line in enumerate(handle, 1):
                r = json.loads(line)
                reports.append((n, r["country"], r["organisation"], r["reference"],
                                r["reported_on"], r["scam_type"], r["loss_amount"],
                                r["loss_currency"], r["tlp"]))
                indicators.extend((n, i["kind"], i["value"]) for i in r["indicators"])
        start = time.perf_counter()
        with db:
            db.executemany("INSERT INTO report VALUES (?,?,?,?,?,?,?,?,?)", reports)
            db.executemany("INSERT INTO indicator VALUES (?,?,?)", indicators)
        elapsed = time.perf_counter() - start
        db.close()
    return elapsed


def _api_latency(sample: list[dict]) -> list[float]:
    from django.test import Client

    from jaring.identity.models import Organisation, User
    from jaring.identity.roles import OrganisationKind, Role
    from jaring.identity.services import create_token, create_user

    timings: list[float] = []
    clients: dict[str, tuple[Client, dict]] = {}
    for n, record in enumerate(sample):
        country = record["country"]
        if country not in clients:
            org = Organisation.objects.get(country_id=country,
                                           kind=OrganisationKind.ANTI_SCAM_CENTRE)
            user = User.objects.filter(username=f"bench.{country.lower()}").first() or \
                create_user(username=f"bench.{country.lower()}", password=None,
                            role=Role.INTEL_ANALYST, organisation=org)
            token = create_token(user, name="bench", scopes=["intel:write", "intel:read"])
            clients[country] = (Client(HTTP_HOST="localhost"),
                                {"HTTP_AUTHORIZATION": f"Bearer {token.secret}"})
        client, headers = clients[country]
        body = {k: v for k, v in record.items() if k not in ("country", "organisation")}
        body["reference"] = f"API-{n}-{record['reference']}"
        start = time.perf_counter()
        response = client.post("/api/v1/intel/reports", json.dumps(body),
                               content_type="application/json", **headers)
        timings.append((time.perf_counter() - start) * 1000)
        if response.status_code != 201:
            raise BenchError(f"API submission failed: {response.status_code} "
                               f"{response.content[:300]!r}")
    return timings


@benchmark("intel")
def intel(ctx: BenchContext) -> list[Figure]:
    from django.db import connection

    from jaring.demo.generator import DemoGenerator
    from jaring.identity.models import Organisation
    from jaring.intel.importer import run_import
    from jaring.intel.services import rebuild_campaigns

    reports = ctx.size("reports", DEFAULT_REPORTS)
    if not Organisation.objects.exists():
        DemoGenerator(seed=1).build_platform()
    with tempfile.TemporaryDirectory(prefix="jaring-bench-intel-") as scratch:
        path = Path(scratch) / "reports.jsonl"
        with ctx.stage(f"Generating {reports:,} reports"):
            sample = _generate_apart(path, reports)
        with ctx.stage(f"Importing {reports:,} reports"):
            start = time.perf_counter()
            summary = run_import(path)
            elapsed = time.perf_counter() - start
        # The storing process and the parsing processes it started, each at its peak.
        peak_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                   + sum(summary.parser_peak_kb)) / 1024
        with ctx.stage("Timing the sqlite3 executemany floor"):
            floor = _floor(path)
    with ctx.stage(f"Submitting {len(sample)} reports through the API"):
        timings = _api_latency(sample)
    with ctx.stage("Rebuilding every campaign"):
        start = time.perf_counter()
        rebuild_campaigns()
        rebuild = time.perf_counter() - start
    scale = reports / DEFAULT_REPORTS
    vendor = connection.vendor
    return [
        Figure(f"Bulk import ({vendor}, {reports:,} reports)", summary.accepted / elapsed,
               "reports/s", goal=10_000),
        Figure("Import time over the sqlite3 executemany floor", elapsed / floor, "times",
               goal=None),
        Figure("Peak memory of the import (all processes)", peak_mb, "MB", goal=1024,
               higher_is_better=False),
        Figure(f"API submission p95 ({reports:,} stored)", percentile(timings, 0.95), "ms",
               goal=50, higher_is_better=False),
        Figure(f"Campaign rebuild ({reports:,} reports)", rebuild, "s",
               goal=max(30 * scale, 0.5), higher_is_better=False),
    ]
