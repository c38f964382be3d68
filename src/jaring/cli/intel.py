"""`jaring intel …`: bulk import and export, campaign rebuild, synthetic data."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from jaring.cli.runtime import CommandError, cli_audit, console, friendly, setup_django

app = typer.Typer(help="Cross-border fraud intelligence.", no_args_is_help=True)

FORMATS = ["csv", "jsonl", "stix", "misp"]
SHOWN_REJECTIONS = 20


@app.command("import")
@friendly
def import_(
    path: Annotated[Path, typer.Argument(help="The file to import.")],
    format: Annotated[str | None, typer.Option(
        "--format", help="csv, jsonl, stix or misp; guessed from the file when not given.")] = None,
    organisation: Annotated[int | None, typer.Option(
        help="Organisation id for records that do not name their organisation.")] = None,
    rejects: Annotated[Path | None, typer.Option(
        help="Write every rejected row (line, field, reason) to this CSV file.")] = None,
) -> None:
    """Import fraud reports; rejected rows are listed, the rest are stored and linked."""
    if format is not None and format not in FORMATS:
        raise CommandError(f"--format must be one of {', '.join(FORMATS)}")
    setup_django()
    from jaring.identity.models import Organisation
    from jaring.intel.importer import ImportRefused, run_import

    org = None
    if organisation is not None:
        org = Organisation.objects.filter(pk=organisation).first()
        if org is None or org.country_id is None:
            raise CommandError(f"no national organisation with id {organisation}")
    size = path.stat().st_size if path.is_file() else 0
    columns = (TextColumn("Importing"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    try:
        with cli_audit(), Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("import", total=size)
            summary = run_import(path, fmt=format, organisation=org,
                                 progress=lambda done: progress.update(task, completed=done))
    except ImportRefused as exc:
        raise CommandError(str(exc)) from None
    if summary.already_done:
        console.print(f"{path.name} was imported before (job {summary.job.pk}): "
                      f"{summary.accepted} accepted, {summary.rejected} rejected. Nothing to do.")
        return
    if summary.resumed_from:
        console.print(f"Resumed after line {summary.resumed_from}.")
    console.print(f"Imported {path.name}: [bold]{summary.accepted}[/] reports accepted, "
                  f"[bold]{summary.rejected}[/] rejected.")
    _show_rejections(summary.job, rejects)


def _show_rejections(job, rejects: Path | None) -> None:
    import csv

    from jaring.intel.models import ImportRejection

    rows = ImportRejection.objects.filter(job=job).order_by("line", "field")
    total = rows.count()
    if not total:
        return
    table = Table("Line", "Field", "Reason", title=f"Rejected rows and fields ({total})")
    for r in rows[:SHOWN_REJECTIONS]:
        table.add_row(str(r.line), r.field, r.reason)
    console.print(table)
    if rejects is not None:
        with rejects.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["line", "field", "reason"])
            for r in rows.iterator():
                writer.writerow([r.line, r.field, r.reason])
        console.print(f"All {total} written to {rejects}.")
    elif total > SHOWN_REJECTIONS:
        console.print(f"… and {total - SHOWN_REJECTIONS} more: use --rejects FILE for all.")


@app.command("export")
@friendly
def export(
    format: Annotated[str, typer.Option("--format", help="stix or misp.")],
    out: Annotated[Path, typer.Option(help="Where to write the bundle or event.")],
    campaign: Annotated[str | None, typer.Option(help="One campaign, e.g. C-000123.")] = None,
    country: Annotated[str | None, typer.Option(help="Only reports from this country.")] = None,
    since: Annotated[str | None, typer.Option(help="Only reports on or after YYYY-MM-DD.")] = None,
    for_country: Annotated[str | None, typer.Option(
        help="Export what this member state may see (its own reports and what others share "
        "with it). Without it, only TLP:CLEAR and TLP:GREEN reports go out.")] = None,
) -> None:
    """Export reports as a STIX 2.1 bundle or a MISP event, as their TLP allows."""
    if format not in ("stix", "misp"):
        raise CommandError("--format must be stix or misp")
    since_date = None
    if since:
        try:
            since_date = datetime.date.fromisoformat(since)
        except ValueError:
            raise CommandError(f"--since {since!r} is not a date (YYYY-MM-DD)") from None
    setup_django()
    from jaring.intel.export import Viewer, export_document
    from jaring.intel.services import campaign_by_code
    from jaring.reference.models import Country

    if for_country and not Country.objects.filter(pk=for_country.upper()).exists():
        raise CommandError(f"unknown country {for_country!r}")
    found = None
    if campaign:
        found = campaign_by_code(campaign)
        if found is None:
            raise CommandError(f"no campaign {campaign!r}")
    viewer = Viewer(for_country.upper() if for_country else None)
    with cli_audit():
        document, count = export_document(viewer, format, campaign=found, country=country,
                                          since=since_date)
    out.write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str),
                   encoding="utf-8")
    console.print(f"Wrote {count} reports to {out} ({format}).")


@app.command("rebuild")
@friendly
def rebuild() -> None:
    """Recompute every campaign from scratch (gives the same campaigns as live linking)."""
    setup_django()
    from jaring.intel.models import Sighting
    from jaring.intel.services import rebuild_campaigns

    total = Sighting.objects.count()
    with cli_audit(), Progress(console=console, transient=True) as progress:
        task = progress.add_task("Reading links", total=total)
        live = rebuild_campaigns(progress=lambda n: progress.update(task, completed=n))
    console.print(f"Rebuilt: {len(live)} campaigns.")


@app.command("generate")
@friendly
def generate(
    reports: Annotated[int, typer.Option(help="How many reports.")],
    out: Annotated[Path, typer.Option(help="The JSON Lines file to write.")],
    seed: Annotated[int, typer.Option(help="Same seed, same file.")] = 1,
    start: Annotated[str | None, typer.Option(
        help="First report date, YYYY-MM-DD (default: a year ago).")] = None,
) -> None:
    """Write synthetic reports in the import format, for trials and benchmarks."""
    if reports < 1:
        raise CommandError("--reports must be at least 1")
    first = datetime.date.today() - datetime.timedelta(days=365)
    if start:
        try:
            first = datetime.date.fromisoformat(start)
        except ValueError:
            raise CommandError(f"--start {start!r} is not a date (YYYY-MM-DD)") from None
    from jaring.intel.synthetic import Generator

    columns = (TextColumn("Generating"), BarColumn(), TextColumn("{task.completed:,}"))
    with out.open("w", encoding="utf-8") as handle, Progress(*columns, console=console,
                                                             transient=True) as progress:
        task = progress.add_task("generate", total=reports)
        for n, record in enumerate(Generator(seed=seed, reports=reports, start=first), 1):
            handle.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
            handle.write("\n")
            if n % 1000 == 0:
                progress.update(task, completed=n)
    console.print(f"Wrote {reports:,} reports to {out}.")
