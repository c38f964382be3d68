"""`jaring care …`: exports, a data subject's access request, erasure and retention."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from jaring.cli.runtime import CommandError, cli_audit, console, friendly, setup_django

app = typer.Typer(help="Victim and survivor assistance.", no_args_is_help=True)


def _find_case(ref: str):
    from jaring.care.models import Case

    text = ref.strip()
    case = Case.objects.filter(reference=text.upper()).first()
    if case is None and text.isdecimal():
        case = Case.objects.filter(pk=int(text)).first()
    if case is None:
        raise CommandError(f"no case {ref!r} (give its reference, e.g. CW-TH-0000001, or id)")
    return case


@app.command("export")
@friendly
def export(
    format: Annotated[str, typer.Option("--format", help="htcds (de-identified case data in "
                                        "IOM's HTCDS fields) or csv (KPIs per organisation).")],
    out: Annotated[Path, typer.Option(help="The CSV file to write.")],
) -> None:
    """Export de-identified case data (HTCDS) or the KPI table, for every country."""
    if format not in ("htcds", "csv"):
        raise CommandError("--format must be htcds or csv")
    setup_django()
    from jaring.audit.services import record_event
    from jaring.care import reporting
    from jaring.care.models import Case

    with cli_audit():
        if format == "htcds":
            rows = list(reporting.htcds_rows(Case.objects.all()))
            text = reporting.to_csv(rows, reporting.HTCDS_COLUMNS)
        else:
            rows = reporting.kpis_for(Case.objects.all())
            text = reporting.to_csv(rows, reporting.KPI_COLUMNS)
        record_event(f"care.export.{format}", detail={"rows": len(rows)})
    out.write_text(text, encoding="utf-8")
    console.print(f"Wrote {len(rows)} rows to {out} ({format}).")


@app.command("access-request")
@friendly
def access_request(
    case: Annotated[str, typer.Argument(help="The case reference or id.")],
    out: Annotated[Path, typer.Option(help="Directory to write <reference>.json and .pdf to.")],
) -> None:
    """Export everything held on the person of a case, as JSON and PDF."""
    setup_django()
    from jaring.care.pdf import subject_pdf
    from jaring.care.services.protection import access_request as export_subject

    found = _find_case(case)
    with cli_audit():
        document = export_subject(None, found)
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / f"{found.reference}.json"
    json_path.write_text(json.dumps(document, ensure_ascii=False, indent=1, default=str),
                         encoding="utf-8")
    pdf_path = out / f"{found.reference}.pdf"
    pdf_path.write_bytes(subject_pdf(json.loads(json_path.read_text(encoding="utf-8"))))
    console.print(f"Wrote {json_path} and {pdf_path}. They hold personal data: hand them "
                  "to the person and delete them here.")


@app.command("erase")
@friendly
def erase(
    case: Annotated[str, typer.Argument(help="The case reference or id.")],
    reason: Annotated[str, typer.Option(help="The basis: the person's request and its date.")]
    = "data subject request",
) -> None:
    """Anonymise the person of a case; the case stays in the statistics."""
    setup_django()
    from jaring.care.services.protection import erase as erase_case

    found = _find_case(case)
    if found.anonymised_on is not None:
        console.print(f"Case {found.reference} was anonymised on {found.anonymised_on}.")
        return
    with cli_audit():
        erase_case(None, found, reason=reason)
    console.print(f"Case {found.reference}: the person's data is erased.")


@app.command("apply-retention")
@friendly
def apply_retention() -> None:
    """Anonymise every case closed longer ago than JARING_CARE_RETENTION_DAYS."""
    setup_django()
    from jaring.care.services.protection import apply_retention as apply
    from jaring.care.services.protection import retention_cutoff

    with cli_audit():
        count = apply()
    console.print(f"Anonymised {count} case(s) closed before {retention_cutoff()}.")
