"""`jaring merl …`: the Excel template, imports, validation, open-data export, framework."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from jaring.cli.runtime import CommandError, cli_audit, console, friendly, setup_django

app = typer.Typer(help="MERL indicator database.", no_args_is_help=True)

IMPORT_FORMATS = ["xlsx", "csv", "dhis2", "adx"]
EXPORT_FORMATS = ["csv", "sdmx-csv", "sdmx-ml", "structure"]
SHOWN_ERRORS = 20


def _country(code: str) -> str:
    from jaring.reference.models import Country

    code = code.strip().upper()
    if not Country.objects.filter(pk=code, is_member_state=True).exists():
        raise CommandError(f"{code!r} is not a member state's ISO code")
    return code


def _period(text: str):
    from jaring.merl.periods import Period, PeriodError

    try:
        return Period.parse(text)
    except PeriodError as exc:
        raise CommandError(str(exc)) from None


@app.command("template")
@friendly
def template(
    country: Annotated[str, typer.Option(help="Member state, e.g. TH.")],
    period: Annotated[str, typer.Option(help="2025, 2025-S1, 2025-Q3 or 2025-07.")],
    out: Annotated[Path, typer.Option(help="Where to write the .xlsx file.")],
) -> None:
    """Write the Excel template for one country and period, filled with stored values."""
    setup_django()
    from jaring.merl.imports import template_workbook

    out.write_bytes(template_workbook(_country(country), _period(period)))
    console.print(f"Wrote the {country.upper()} {period} template to {out}.")


@app.command("import")
@friendly
def import_(
    path: Annotated[Path, typer.Argument(help="The file to import.")],
    format: Annotated[str | None, typer.Option(
        "--format", help="xlsx, csv, dhis2 or adx; guessed from the file name when not given.",
    )] = None,
    errors: Annotated[Path | None, typer.Option(
        help="Write every refused row (row, field, reason) to this CSV file.")] = None,
) -> None:
    """Import values; refused rows are listed with their row, field and reason."""
    if format is not None and format not in IMPORT_FORMATS:
        raise CommandError(f"--format must be one of {', '.join(IMPORT_FORMATS)}")
    setup_django()
    from jaring.merl import imports
    from jaring.merl.services import import_values

    try:
        fmt = format or imports.guess_format(path.name)
    except imports.FileRejected as exc:
        raise CommandError(str(exc)) from None
    data = path.read_bytes()
    with cli_audit():
        result = import_values(None, data, fmt)  # the CLI acts as the system, audited as such
    if result.errors and result.errors[0].field == "file":
        raise CommandError(f"{path.name}: {result.errors[0].reason}")
    console.print(f"Imported {path.name}: [bold]{result.created}[/] new, [bold]{result.updated}"
                  f"[/] changed, {result.unchanged} unchanged, [bold]{len(result.errors)}[/] "
                  "refused.")
    if result.errors:
        table = Table("Row", "Field", "Reason", title=f"Refused rows ({len(result.errors)})")
        for error in result.errors[:SHOWN_ERRORS]:
            table.add_row(str(error.line), error.field, error.reason)
        console.print(table)
        if errors is not None:
            import csv

            with errors.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["row", "field", "reason"])
                writer.writerows((e.line, e.field, e.reason) for e in result.errors)
            console.print(f"All {len(result.errors)} written to {errors}.")


@app.command("validate")
@friendly
def validate(
    country: Annotated[str | None, typer.Option(help="Only this member state.")] = None,
    period: Annotated[str | None, typer.Option(help="Only this period.")] = None,
) -> None:
    """Check the stored values and list what needs follow-up (nothing is dropped)."""
    setup_django()
    from jaring.merl.models import Violation
    from jaring.merl.services import validate as run

    code = _country(country) if country else None
    shown = str(_period(period)) if period else None
    with cli_audit():
        summary = run(None, code, shown)
    console.print(f"{summary.found} findings ({summary.new} new, {summary.resolved} resolved "
                  "since the last check).")
    rows = Violation.objects.filter(status=Violation.Status.OPEN).select_related("indicator")
    if code:
        rows = rows.filter(country_id=code)
    if shown:
        rows = rows.filter(period=shown)
    table = Table("Country", "Period", "Kind", "Indicator", "Finding", title="Open findings")
    for v in rows[:50]:
        table.add_row(v.country_id, v.period, v.kind, v.indicator.code if v.indicator else "",
                      v.message)
    console.print(table)


@app.command("export")
@friendly
def export(
    format: Annotated[str, typer.Option(
        "--format", help="csv, sdmx-csv, sdmx-ml, or structure (the SDMX-ML 3.0 DSD).")],
    out: Annotated[Path, typer.Option(help="Where to write the file.")],
) -> None:
    """Write the public open data, disclosure-controlled as on the publication page."""
    if format not in EXPORT_FORMATS:
        raise CommandError(f"--format must be one of {', '.join(EXPORT_FORMATS)}")
    setup_django()
    from jaring.audit.services import record_event
    from jaring.merl.export import render_export

    text = render_export(format)
    out.write_text(text, encoding="utf-8")
    with cli_audit():
        record_event("merl.export", detail={"format": format})
    console.print(f"Wrote {format} open data to {out} ({len(text.splitlines())} lines).")


@app.command("framework")
@friendly
def framework(
    path: Annotated[Path | None, typer.Argument(
        help="A framework JSON file; the shipped ILLUSTRATIVE one when not given.")] = None,
) -> None:
    """Load or refresh a results framework (idempotent: codes identify every item)."""
    setup_django()
    from jaring.merl.framework import ILLUSTRATIVE, load_framework

    with cli_audit():
        plan = load_framework(path or ILLUSTRATIVE)
    console.print(f"Loaded {plan.name}: {plan.nodes.count()} results, "
                  f"{sum(n.indicators.count() for n in plan.nodes.all())} indicators.")
