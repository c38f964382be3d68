"""`jaring bench PART`: run a part's benchmarks and print each figure against its goal."""

from __future__ import annotations

import os
import tempfile
import time
import warnings
from pathlib import Path

import typer
from rich.table import Table

from jaring.cli import runtime
from jaring.cli.runtime import CommandError, console, friendly, setup_django


def _use_scratch(directory: Path) -> None:
    os.environ.update({
        "JARING_DATA_DIR": str(directory),
        "DATABASE_URL": f"sqlite:///{directory / 'bench.sqlite3'}",
        "JARING_KEY_FILE": str(directory / "jaring-keys.json"),
    })


def _refuse_live_database() -> None:
    """Benchmarks append to the audit log, which nobody can undo: keep them off real data."""
    from jaring.audit.models import AuditEvent
    from jaring.identity.models import User

    if not User.objects.exists():
        return
    if AuditEvent.objects.filter(action__in=["demo.build", "bench.run"]).exists():
        return
    raise CommandError("that database holds users but is neither a demo nor a benchmark "
                       "database; benchmarks write to the audit log, so give them a scratch "
                       "or `jaring demo` database")


@friendly
def bench(
    part: str = typer.Argument(..., help="Which part to benchmark, e.g. platform."),
    database: str | None = typer.Option(
        None, "--database", help="Database URL to build into (default: a scratch SQLite "
        "database, deleted afterwards)."),
    reports: int | None = typer.Option(
        None, "--reports", min=1, help="How many fraud reports to benchmark with "
        "(intel, merl; each part has its own default)."),
    cases: int | None = typer.Option(
        None, "--cases", min=1, help="How many cases to benchmark with (care, merl)."),
) -> None:
    """Run a part's benchmarks; print each figure, its goal and whether it is met."""
    if runtime._ready:
        raise CommandError("`jaring bench` must start in a fresh process")
    scratch = None
    if database:
        os.environ["DATABASE_URL"] = database
    else:
        scratch = tempfile.TemporaryDirectory(prefix="jaring-bench-")
        _use_scratch(Path(scratch.name))
    try:
        _run(part, scratch is not None, {"reports": reports, "cases": cases})
    finally:
        if scratch is not None:
            from django.db import connections

            connections.close_all()
            scratch.cleanup()


def _run(part: str, is_scratch: bool, sizes: dict[str, int | None]) -> None:
    # Requests run in process, without `collectstatic`; WhiteNoise's note about the
    # missing static directory would only confuse the report.
    warnings.filterwarnings("ignore", message="No directory at")
    setup_django()
    from jaring.audit.services import as_system, record_event
    from jaring.bench import harness
    from jaring.cli.main import initialise, upgrade_database

    parts = harness.discover()
    if part not in parts:
        raise CommandError(f"unknown part {part!r}; choose from: {', '.join(sorted(parts))}")
    path, created = initialise()
    if created and not is_scratch:
        console.print(f"Wrote a new key file {path} for this database.")
    with console.status("Preparing the database"):
        upgrade_database()
    if not is_scratch:
        _refuse_live_database()
    with as_system("cli"):
        record_event("bench.run", detail={"part": part})
    ctx = harness.BenchContext(console=console, scratch=is_scratch,
                               sizes={k: v for k, v in sizes.items() if v is not None})
    started = time.monotonic()
    try:
        figures = harness.run(part, ctx)
    except harness.BenchError as exc:
        raise CommandError(f"benchmark failed: {exc}") from None
    table = Table(title=f"Benchmarks: {part}", title_justify="left")
    for column in ("Figure", "Value", "Goal", "Met"):
        table.add_column(column, justify="right" if column in ("Value", "Goal") else "left")
    for figure in figures:
        table.add_row(figure.name, figure.value_text, figure.goal_text,
                      "—" if figure.goal is None else
                      "[green]yes[/]" if figure.met else "[red]no[/]")
    console.print(table)
    goals = [figure for figure in figures if figure.goal is not None]
    met = sum(figure.met for figure in goals)
    missed = [figure.name for figure in goals if not figure.met]
    summary = f"{met} of {len(goals)} goals met in {time.monotonic() - started:.1f} s"
    console.print(summary + (f"; missed: {'; '.join(missed)}" if missed else "."))
