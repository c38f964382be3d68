"""PDF reports for leaders: a regional progress report and a digital-security assessment.

The document is typeset by typst from ``templates/overview/report.typ``; charts are
the same Vega-Lite specifications as on the pages, rendered to SVG by vl-convert.
Reports are reproducible: the data is sorted, the template takes no clock, and the
PDF's creation date is fixed to the end of the period, so the same data, parameters
and viewer give a byte-identical file (tests/overview/test_report.py proves it).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from pathlib import Path
from typing import Any

from jaring.audit.services import record_event
from jaring.core import disclosure
from jaring.identity import policy
from jaring.overview import charts, dashboard, figures
from jaring.overview.figures import DIMENSIONS, REGION, Context, Panel, Shown, Table
from jaring.overview.periods import Period

TEMPLATE = Path(__file__).parent / "templates" / "overview" / "report.typ"
KINDS: dict[str, str] = {
    "progress": "Regional progress report",
    "security": "Digital-security assessment",
}
CHART_WIDTH = 460
VEGA_LITE = "6.4"


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r}: expected one of {', '.join(KINDS)}")
    return kind


def filename(kind: str, period: Period, scope: str) -> str:
    return f"jaring-{kind}-{scope.lower()}-{period.code}.pdf"


def _figure_rows(shown: list[Shown]) -> list[dict[str, str]]:
    rows = []
    for s in shown:
        rows.append({"key": s.key, "label": s.figure.label, "text": s.text,
                     "previous_text": s.previous_text, "change": s.change or "-"})
    return rows


def _ranking_rows(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"name": r["name"], "reports": f"{r['reports']:,}", "loss": f"{r['loss_usd']:,.0f}"}
            for r in rows]


def _table(table: Table) -> dict[str, Any]:
    return {"columns": list(table.columns), "rows": [[str(c) for c in row] for row in table.rows],
            "note": table.note}


def _panels(found: list[tuple[Panel, Table]]) -> list[dict[str, Any]]:
    return [{"title": panel.title, "table": _table(table)} for panel, table in found]


def _svg(spec: dict) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(spec, vl_version=VEGA_LITE)


def _country(user: Any, ctx: Context, code: str, name: str, place: str) -> dict[str, Any]:
    board = dashboard.build(user, ctx.period, code, place=place, ctx=ctx)
    names = dashboard.member_states()
    return {
        "code": code, "name": name, "figures": _figure_rows(board.headline),
        "partners": [{"name": names.get(p, p), "campaigns": n} for p, n in board.partners],
        "types": _ranking_rows(board.types[:5]), "panels": _panels(board.panels),
    }


def build(user: Any, kind: str, period: Period, scope: str) -> tuple[dict[str, Any],
                                                                    dict[str, str]]:
    """The report's data and its charts (SVG), both fully determined by the arguments."""
    check_kind(kind)
    countries = dashboard.member_states()
    ctx = Context(user, period)
    place = kind
    board = dashboard.build(user, period, scope, place=place, ctx=ctx)
    scope_label = "ASEAN region" if scope == REGION else countries.get(scope, scope)
    data: dict[str, Any] = {
        "kind": kind,
        "title": KINDS[kind] if scope == REGION or kind == "security"
        else f"{KINDS[kind]}: {scope_label}",
        "scope": scope, "scope_label": scope_label,
        "scope_noun": "the region" if scope == REGION else scope_label,
        "period_label": period.label, "previous_label": period.previous().label,
        "period_start": period.start.isoformat(), "period_end": period.end.isoformat(),
        "figures": _figure_rows(board.headline),
        "notes": board.notes,
        "types": _ranking_rows(board.types), "channels": _ranking_rows(board.channels),
        "panels": _panels(board.panels),
        "countries": [],
        "dimensions": [],
        "sources": [],
        "rules": [],
    }
    if kind == "progress":
        # A page per member state (or the one chosen), in code order.
        chosen = countries if scope == REGION else {scope: countries[scope]}
        data["countries"] = [_country(user, ctx, code, name, "country")
                             for code, name in chosen.items()]
    else:
        for key, title in DIMENSIONS.items():
            data["dimensions"].append({
                "key": key, "title": title,
                "figures": [row for row, s in zip(data["figures"], board.headline, strict=True)
                            if s.figure.dimension == key],
                "panels": _panels([(p, t) for p, t in board.panels if p.dimension == key]),
            })
        parts = sorted({s.figure.part for s in board.headline})
        data["sources"] = [{"part": part, "text": figures.REGISTRY.sources.get(part, part)}
                           for part in parts]
        data["rules"] = [disclosure.rule_text(), *_sharing_rules()]
    svgs: dict[str, str] = {}
    measure = dashboard.map_figure(user, None)
    if measure is not None:
        values = figures.map_values(ctx, measure, list(countries))
        svgs["map"] = _svg(charts.country_map(
            values, label=measure.label, unit=measure.unit, links=board.links, names=countries,
            width=CHART_WIDTH, highlight=None if scope == REGION else scope))
    if board.trend:
        svgs["trend"] = _svg(charts.trend(board.trend, width=CHART_WIDTH))
    return data, svgs


def _sharing_rules() -> list[str]:
    return [
        "Victims' personal data (names, contacts, narratives) never appears in a report: "
        "reports hold aggregate figures only.",
        "Fraud-report figures respect the Traffic Light Protocol level each member state "
        "chose: reports shared narrowly count only for the countries allowed to see them.",
    ]


def published_viewer() -> Any:
    """The view any signed-in member of the public service has: a regional viewer with
    no intelligence permission (an unsaved user; it only ever reads)."""
    from jaring.identity.models import User
    from jaring.identity.roles import Role

    return User(username="published-view", role=Role.VIEWER, is_active=True)


def render(user: Any, kind: str, period: Period, scope: str, *, request: Any = None) -> bytes:
    """The PDF, audited: who produced which report for which period and scope."""
    import typst

    data, svgs = build(user, kind, period, scope)
    inputs = {"data": json.dumps(data, sort_keys=True, ensure_ascii=False)}
    inputs.update({f"chart:{name}": svg for name, svg in sorted(svgs.items())})
    compiler = typst.Compiler(ignore_system_fonts=True)
    end = datetime.datetime.combine(period.end, datetime.time(), tzinfo=datetime.UTC)
    document = compiler.compile(TEMPLATE.read_bytes(), format="pdf", sys_inputs=inputs,
                                timestamp=end)
    assert isinstance(document, bytes)
    actor = user if getattr(user, "pk", None) else None
    record_event("overview.report.produce", actor=actor, request=request, detail={
        "kind": kind, "period": period.code, "scope": scope,
        "sha256": hashlib.sha256(document).hexdigest(),
        "grants": sorted(p for p in policy.permissions_for(user) if p.startswith("intel.")),
    })
    return document
