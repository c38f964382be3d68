"""The MERL part's benchmarks (`jaring bench merl [--reports N] [--cases N]`).

Goals, from the issue:

* every computed indicator, with every disaggregation, for 11 countries x 36 months,
  computed live from 1,000,000 fraud reports and 200,000 cases: at most 10 s;
* a country scorecard page: p95 at most 300 ms;
* importing 100,000 values from DHIS2 dataValueSets JSON: at most 10 s.

The fraud reports are generated and imported as ``jaring bench intel`` does; the
MERL submissions are the demo's. The cases are seeded as ``jaring bench care`` seeds
them, registered over the 36 months measured, with the screenings, services,
repatriations and referrals the assistance indicators count
(``care.bench.Assistance``). DHIS2 values are synthetic: quarterly values with their
disaggregations, over as many (made-up) years as it takes to reach 100,000.
"""

from __future__ import annotations

import datetime
import json
import random
import tempfile
import time
from pathlib import Path

from jaring.bench.harness import BenchContext, BenchError, Figure, benchmark, percentile

DEFAULT_REPORTS = 1_000_000
DEFAULT_CASES = 200_000
DHIS2_VALUES = 100_000
SCORECARD_REQUESTS = 60
VIEWER = "bench.merl.viewer"


def _ensure_reports(ctx: BenchContext, reports: int) -> int:
    from jaring.intel.bench import _generate
    from jaring.intel.importer import run_import
    from jaring.intel.models import FraudReport

    stored = FraudReport.objects.count()
    if stored >= reports:
        return stored
    with tempfile.TemporaryDirectory(prefix="jaring-bench-merl-") as scratch:
        path = Path(scratch) / "reports.jsonl"
        with ctx.stage(f"Generating {reports - stored:,} reports"):
            _generate(path, reports - stored)
        with ctx.stage(f"Importing {reports - stored:,} reports"):
            run_import(path)
    return FraudReport.objects.count()


def _ensure_cases(ctx: BenchContext, cases: int, since: datetime.date) -> int:
    from jaring.care.bench import Assistance, _seed
    from jaring.care.models import Case

    stored = Case.objects.count()
    if stored >= cases:
        return stored
    assistance = Assistance(random.Random(23))
    with ctx.stage(f"Storing {cases - stored:,} cases with their screenings and services"):
        _seed(cases - stored, random.Random(19), ctx,
              days=(datetime.date.today() - since).days, with_batch=assistance)
    ctx.notes.append(", ".join(f"{n:,} {what}" for what, n in assistance.counts.items()))
    return Case.objects.count()


def _dhis2_document(values: int) -> bytes:
    from jaring.merl.models import DataValue, Indicator
    from jaring.reference.models import Code, Country

    countries = list(Country.objects.filter(is_member_state=True).values_list("code", flat=True))
    sexes = list(Code.objects.filter(code_list_id="sex").values_list("code", flat=True))
    ages = list(Code.objects.filter(code_list_id="age-group").values_list("code", flat=True))
    combos = {"VA.IDENTIFIED": ["default", *(f"sex={s}" for s in sexes),
                                *(f"age-group={a}" for a in ages)],
              "VA.REFERRED": ["default", *(f"sex={s}" for s in sexes)],
              "VA.REPATRIATED": ["default"], "SCAM.TAKEDOWNS": ["default"]}
    if Indicator.objects.filter(code__in=combos).count() != len(combos):
        raise BenchError("the illustrative framework is not loaded")
    rows: list[dict[str, str]] = []
    year = 1900
    # A database kept from an earlier run holds that run's years already: go past them,
    # so the import again stores every value.
    stored = {int(p[:4]) for p in DataValue.objects.filter(
        indicator__code="SCAM.TAKEDOWNS", period__contains="Q").values_list("period", flat=True)}
    if year in stored:
        year = max(stored) + 1
    while len(rows) < values:
        for quarter in range(1, 5):
            for country in countries:
                for indicator, cells in combos.items():
                    for n, combo in enumerate(cells):
                        rows.append({"dataElement": indicator, "orgUnit": country,
                                     "period": f"{year}Q{quarter}",
                                     "categoryOptionCombo": combo,
                                     "value": str(10 + (year + quarter + n) % 40)})
        year += 1
    return json.dumps({"dataValues": rows[:values]}).encode()


def _scorecard_timings(country: str, year: int) -> tuple[list[float], list[float]]:
    """Each request's wall-clock and CPU time (this process's) in milliseconds."""
    from django.test import Client

    from jaring.identity.models import Organisation, User
    from jaring.identity.roles import Role
    from jaring.identity.services import create_user

    organisation = Organisation.objects.filter(country_id=country).first()
    user = User.objects.filter(username=VIEWER).first() or \
        create_user(username=VIEWER, password=None, role=Role.VIEWER,
                    organisation=organisation)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    timings, cpu = [], []
    for n in range(SCORECARD_REQUESTS):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(f"/merl/scorecard/?area={country}&year={year}")
        elapsed = (time.perf_counter() - start) * 1000
        used = (time.process_time() - start_cpu) * 1000
        if response.status_code != 200:
            raise BenchError(f"scorecard page answered {response.status_code}")
        if n:  # the first request warms the template cache
            timings.append(elapsed)
            cpu.append(used)
    return timings, cpu


@benchmark("merl")
def merl(ctx: BenchContext) -> list[Figure]:
    from django.db import connection

    from jaring.demo.generator import DemoGenerator, StepProgress
    from jaring.identity.models import Organisation, User
    from jaring.merl.computed import discover
    from jaring.merl.demo import build_submissions
    from jaring.merl.models import Indicator
    from jaring.merl.periods import Period
    from jaring.merl.services import import_values
    from jaring.merl.values import ALL_DIMENSIONS, Request, country_table, indicator_queryset
    from jaring.reference.models import Country

    reports = ctx.size("reports", DEFAULT_REPORTS)
    cases = ctx.size("cases", DEFAULT_CASES)
    gen = DemoGenerator(seed=1)
    # A database this benchmark built before (its scorecard viewer exists) is measured
    # again as it is: building a million reports takes a quarter of an hour.
    reused = User.objects.filter(username=VIEWER).exists()
    if not Organisation.objects.exists():
        gen.build_platform()
    elif not reused:
        raise BenchError("run the MERL benchmark on a scratch database (no --database with "
                         "data in it) or one it built before: it builds its own submissions")
    stored = _ensure_reports(ctx, reports)
    today = datetime.date.today()
    last = Period(today.year, today.month, "month")
    months = today.year * 12 + today.month - 1 - 35  # 36 months, this one included
    first = Period(months // 12, months % 12 + 1, "month")
    stored_cases = _ensure_cases(ctx, cases, first.start)
    if not reused:
        with ctx.stage("Building three years of MERL submissions"):
            build_submissions(gen, gen.rng("merl.submissions"), StepProgress())
    vendor = connection.vendor
    if vendor == "postgresql":
        # What autovacuum does in time on a live server: statistics for the planner
        # and the visibility map that lets it answer from an index alone.
        with ctx.stage("VACUUM ANALYZE"), connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    computed = list(indicator_queryset().filter(source=Indicator.Source.COMPUTED))
    formulas = list(indicator_queryset().filter(source=Indicator.Source.FORMULA,
                                                numerator__source=Indicator.Source.COMPUTED))
    care = [key for key in discover() if key.startswith("care.")]
    countries = tuple(Country.objects.filter(is_member_state=True).values_list("code",
                                                                               flat=True))
    req = Request(countries, first, last, "month", dimension=ALL_DIMENSIONS)
    with ctx.stage("Computing every computed indicator"):
        start, start_cpu = time.perf_counter(), time.process_time()
        table = country_table([*computed, *formulas], req)
        compute = time.perf_counter() - start
        compute_cpu = time.process_time() - start_cpu
    from jaring.bench.platform import _plain_static

    with ctx.stage("Timing the scorecard page"), _plain_static():
        # the year with the most reports
        timings, scorecard_cpu = _scorecard_timings("TH", today.year)
    document = _dhis2_document(DHIS2_VALUES)
    with ctx.stage(f"Importing {DHIS2_VALUES:,} values from DHIS2 JSON"):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = import_values(None, document, "dhis2")
        dhis2 = time.perf_counter() - start
        dhis2_cpu = time.process_time() - start_cpu
        start = time.perf_counter()
        again = import_values(None, document, "dhis2")
        dhis2_again = time.perf_counter() - start
    if result.errors or result.created != DHIS2_VALUES or again.unchanged != DHIS2_VALUES:
        raise BenchError(f"DHIS2 import stored {result.created} and refused "
                         f"{len(result.errors)}; first: {result.errors[:1]}")
    cells = len(table)
    if not care:
        raise BenchError("no care indicators are registered: the cases would not be measured")
    # A seeding that fed no row to an assistance indicator would time an empty scan.
    filled = {code for code, *_ in table}
    empty = [i.code for i in computed if i.computed_key.startswith("care.")
             and i.code not in filled]
    if empty:
        raise BenchError(f"the seeded cases gave no value for {', '.join(empty)}")
    note = (f"{len(computed) + len(formulas)} indicators ({len(care)} from cases), "
            f"{cells:,} cells")
    return [
        Figure(f"Computed indicators, 11 countries x 36 months ({vendor}, {stored:,} reports, "
               f"{stored_cases:,} cases)",
               compute, "s", goal=10, higher_is_better=False, note=note),
        # On a shared machine wall-clock time includes waiting for a core; the CPU
        # time this process used is steadier (on SQLite it includes the database's
        # work, on PostgreSQL not the server's).
        Figure("The same, CPU time of this process", compute_cpu, "s", goal=None),
        Figure("Country scorecard page p95", percentile(timings, 0.95), "ms", goal=300,
               higher_is_better=False),
        Figure("The same, CPU time of this process", percentile(scorecard_cpu, 0.95), "ms",
               goal=None),
        Figure(f"DHIS2 dataValueSets import, {DHIS2_VALUES:,} values", dhis2, "s", goal=10,
               higher_is_better=False),
        Figure("The same, CPU time of this process", dhis2_cpu, "s", goal=None),
        Figure("The same file again (all unchanged)", dhis2_again, "s", goal=None),
    ]
