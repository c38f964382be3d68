"""What the overview pages and the reports show, gathered in one place for both."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps

from jaring.core import disclosure
from jaring.overview import figures
from jaring.overview.figures import REGION, Context, Figure, Panel, Shown, Table
from jaring.overview.periods import Period
from jaring.reference.models import Country


def member_states() -> dict[str, str]:
    """Code -> name of the member states, in code order."""
    return dict(Country.objects.filter(is_member_state=True).order_by("code")
                .values_list("code", "name"))


def intel_installed() -> bool:
    return apps.is_installed("jaring.intel")


@dataclass
class Dashboard:
    ctx: Context
    scope: str
    headline: list[Shown]
    panels: list[tuple[Panel, Table]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    links: dict[tuple[str, str], int] = field(default_factory=dict)
    types: list[dict[str, Any]] = field(default_factory=list)
    channels: list[dict[str, Any]] = field(default_factory=list)
    trend: list[dict[str, Any]] = field(default_factory=list)

    @property
    def partners(self) -> list[tuple[str, int]]:
        """For a country: the member states it shares campaigns with, most first."""
        out = [(b if a == self.scope else a, n) for (a, b), n in self.links.items()
               if self.scope in (a, b)]
        return sorted(out, key=lambda row: (-row[1], row[0]))


def build(user: Any, period: Period, scope: str = REGION, *, place: str = "overview",
          ctx: Context | None = None) -> Dashboard:
    ctx = ctx or Context(user, period)
    board = Dashboard(ctx=ctx, scope=scope, headline=[
        shown for shown in figures.headline(ctx, scope)
        if shown.value is not None or shown.previous is not None or shown.suppressed
    ])
    for panel in figures.panels_for(user, place):
        table = panel.content(ctx, scope)
        if table is not None:
            board.panels.append((panel, table))
    if intel_installed():
        from jaring.overview import intel_figures

        board.notes.append(intel_figures.basis_note(user))
        board.links = intel_figures.stats(ctx).links()
        board.types = intel_figures.top(ctx, scope, "scam_type")
        board.channels = intel_figures.top(ctx, scope, "channel")
        board.trend = intel_figures.monthly(ctx, scope)
    if any(shown.figure.counts_people for shown in board.headline):
        board.notes.append(disclosure.rule_text())
    return board


def map_measures(user: Any) -> list[Figure]:
    return figures.figures_for(user, map_only=True)


def map_figure(user: Any, key: str | None) -> Figure | None:
    measures = map_measures(user)
    chosen = [f for f in measures if f.key == key]
    return chosen[0] if chosen else (measures[0] if measures else None)
