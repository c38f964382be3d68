"""The MERL part's figures and panels for the regional overview and its reports.

Everything comes from :mod:`jaring.merl.scorecard`: published (approved or accepted)
values and live computed indicators against the framework's targets, for the
calendar year holding the overview's period. The scorecards of the region and of
every member state are computed together once per year and kept in the overview's
context, so the map's eleven countries, the previous period and the panels cost no
further queries. Counts of people in a panel pass the overview's disclosure rule.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.urls import reverse

from jaring.core import disclosure
from jaring.identity import policy
from jaring.merl.models import Indicator
from jaring.merl.scorecard import ScoreRow, scorecards
from jaring.merl.values import REGION as MERL_REGION
from jaring.merl.values import indicator_queryset
from jaring.overview import figures
from jaring.overview.figures import GOVERNANCE, REGION, Context, Download, Figure, Panel, Table
from jaring.overview.periods import Period as OverviewPeriod

PART = "merl"
# The framework's cybersecurity-governance indicators: the illustrative framework codes
# them CY.*; a framework adopted later keeps the prefix for them to reach the assessment.
GOVERNANCE_PREFIX = "CY."
COLUMNS = ["Indicator", "Value", "Target", "Progress", "Status"]
_STATUSES_WITH_TARGET = ("on_track", "at_risk", "off_track")


def _all_scorecards(ctx: Context) -> dict[str, list[ScoreRow]]:
    """Every member state's and the region's scorecard for the period's year."""
    from jaring.overview.dashboard import member_states

    # The indicators and member states do not depend on the period: read them once for
    # the period and the previous one (the context's cache is shared by both).
    if (PART, "static") not in ctx.cache:
        ctx.cache[(PART, "static")] = (
            list(indicator_queryset().select_related("node__plan")), list(member_states()))
    indicators, members = ctx.cache[(PART, "static")]
    year = ctx.period.start.year
    # Memoised on the year, not the period: a quarter and the one before it often
    # share their year's scorecard.
    yearly = ctx.for_period(OverviewPeriod(datetime.date(year, 1, 1), 12))
    return yearly.memo((PART, "scorecards"), lambda: scorecards(
        [MERL_REGION, *members], year, indicators, members=members))


def _rows(ctx: Context, scope: str) -> list[ScoreRow]:
    return _all_scorecards(ctx).get(MERL_REGION if scope == REGION else scope, [])


def _on_track(ctx: Context, scope: str) -> int | None:
    rows = [r for r in _rows(ctx, scope) if r.status in _STATUSES_WITH_TARGET]
    if not rows:
        return None  # nothing measured against a target: nothing to say
    return sum(1 for r in rows if r.status == "on_track")


def _scorecard_url(ctx: Context, scope: str) -> str | None:
    if not policy.allowed(ctx.user, "merl.framework.view"):
        return None
    area = MERL_REGION if scope == REGION else scope
    return f"{reverse('merl:scorecard')}?area={area}&year={ctx.period.start.year}"


def _number(indicator: Indicator, value: Decimal | None, *, people: bool) -> str:
    if value is None:
        return "-"
    if people and indicator.counts_people:
        return str(disclosure.suppress(int(value)))
    if indicator.unit == Indicator.Unit.PERCENT:
        return f"{value:,.1f}%"
    if indicator.unit == Indicator.Unit.USD:
        return f"{value:,.0f} USD"
    if indicator.unit == Indicator.Unit.COUNT:
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def _table(rows: list[ScoreRow], year: int, note: str) -> Table | None:
    shown = [r for r in rows if r.value is not None or r.target is not None]
    if not shown:
        return None
    body = []
    for r in shown:
        # A suppressed count takes part in no comparison: its progress could reveal it.
        hidden = (r.indicator.counts_people and r.value is not None
                  and disclosure.suppress(int(r.value)).suppressed)
        progress = "-" if r.progress is None or hidden else f"{r.progress:.0%}"
        body.append([f"{r.indicator.code} {r.indicator.name}",
                     _number(r.indicator, r.value, people=True),
                     _number(r.indicator, r.target, people=False), progress,
                     "-" if hidden else r.status_label])
    illustrative = any(r.indicator.node.plan.illustrative for r in shown)
    prefix = "ILLUSTRATIVE framework. " if illustrative else ""
    return Table(COLUMNS, body, f"{prefix}{note} Year {year}; published (approved) values "
                                "and indicators computed from Jaring's live data; on track "
                                "means progress of at least 90% of the way to the target.")


def _country_panel(ctx: Context, scope: str) -> Table | None:
    if scope == REGION:
        return None
    return _table(_rows(ctx, scope), ctx.period.start.year, "The member state's scorecard.")


def _progress_panel(ctx: Context, scope: str) -> Table | None:
    # A country's progress report shows its scorecard on its country page already.
    if scope != REGION:
        return None
    return _table(_rows(ctx, scope), ctx.period.start.year, "The regional scorecard.")


def _governance_panel(ctx: Context, scope: str) -> Table | None:
    rows = [r for r in _rows(ctx, scope) if r.indicator.code.startswith(GOVERNANCE_PREFIX)]
    return _table(rows, ctx.period.start.year,
                  "Cybersecurity governance capacity (legal, technical, organisational "
                  "measures, training and cooperation) as member states report it.")


FIGURES = [
    Figure("merl.on_track", "Indicators on track", "indicators", PART, "overview.view",
           _on_track, dimension=GOVERNANCE, detail_url=_scorecard_url, order=80,
           help="Results-framework indicators whose value for the period's year has covered "
                "at least 90% of the way from baseline to target, among those with a "
                "target and a published value."),
]

PANELS = [
    Panel("merl.scorecard.country", "Results framework scorecard", PART, "overview.view",
          _country_panel, places=frozenset({"country"}), dimension=GOVERNANCE, order=50),
    Panel("merl.scorecard.region", "Regional results framework scorecard", PART,
          "overview.view", _progress_panel, places=frozenset({"progress"}),
          dimension=GOVERNANCE, order=50),
    Panel("merl.governance", "Cybersecurity governance capacity", PART, "overview.view",
          _governance_panel, places=frozenset({"security"}), dimension=GOVERNANCE, order=50),
]

DOWNLOADS = [
    Download("MERL indicator values", "merl:open_data",
             "CSV, SDMX-CSV 2.0, SDMX-ML 3.0 (data and structure)",
             "Approved indicator values and live computed indicators by member state, "
             "region and period, from the plan's first year, with disclosure control."),
]


def register_all() -> None:
    for figure in FIGURES:
        figures.register(figure)
    for panel in PANELS:
        figures.register_panel(panel)
    for download in DOWNLOADS:
        figures.register_download(download)
    figures.register_source(
        PART, "Indicator values that member states report against the results framework, "
              "approved by national focal points, and indicators computed from Jaring's "
              "own records; counts of people are published only above the disclosure "
              "threshold.")
