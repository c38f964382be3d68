"""`jaring report`: the PDF reports of the regional overview, from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jaring.cli.runtime import CommandError, cli_audit, console, friendly, setup_django


@friendly
def report(
    kind: Annotated[str, typer.Option(
        help="progress (regional progress report, a page per member state) or security "
             "(digital-security assessment).")] = "progress",
    period: Annotated[str, typer.Option(
        help="A year (2026), a quarter (2026-Q2) or a month (2026-05).")] = "",
    scope: Annotated[str, typer.Option(
        help="region, or a member state's two-letter code such as TH.")] = "region",
    out: Annotated[Path | None, typer.Option(
        help="Where to write the PDF; by default jaring-KIND-SCOPE-PERIOD.pdf here.")] = None,
    as_user: Annotated[str | None, typer.Option(
        "--as", help="Produce the report as this user sees the data; by default the "
                     "published view (figures anyone signed in may see).")] = None,
) -> None:
    """Write a PDF report for a period and scope; the same data and options give the same file."""
    setup_django()
    from jaring.identity.models import User
    from jaring.overview import dashboard
    from jaring.overview import report as reports
    from jaring.overview.periods import current_year, parse_period

    try:
        chosen = parse_period(period) if period else current_year()
        reports.check_kind(kind)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    countries = dashboard.member_states()
    scope = scope.strip()
    if scope.lower() == "region":
        scope = "region"
    elif scope.upper() in countries:
        scope = scope.upper()
    else:
        raise CommandError(f"--scope {scope!r}: expected region or one of {', '.join(countries)}")
    if as_user is None:
        viewer = reports.published_viewer()
    else:
        viewer = User.objects.filter(username=as_user, is_active=True).first()
        if viewer is None:
            raise CommandError(f"--as {as_user!r}: no active user of that name")
    target = out or Path(reports.filename(kind, chosen, scope))
    if target.suffix.lower() != ".pdf":
        raise CommandError(f"--out {target}: the file name must end in .pdf")
    with cli_audit():
        document = reports.render(viewer, kind, chosen, scope)
    target.write_bytes(document)
    console.print(f"Wrote {target} ({len(document):,} bytes): {reports.KINDS[kind]}, "
                  f"{chosen.label}, {scope}.")
