"""The registry of headline figures and panels that the overview pages and reports show.

Each part of Jaring registers what it can contribute, when it is installed, from its
``AppConfig.ready``; the overview never imports a part's tables directly (intel's
figures are in :mod:`jaring.overview.intel_figures` only because intel came first).
A figure whose part is not installed is simply not listed, and a figure the viewer
may not see (its ``permission``) is left out for that viewer. See docs/overview.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from jaring.core import disclosure
from jaring.identity import policy
from jaring.overview.periods import Period

REGION = "region"

# The dimensions of the digital-security assessment; each figure and panel names one.
SCALE = "scale"
ASSISTANCE = "assistance"
COOPERATION = "cooperation"
GOVERNANCE = "governance"
DIMENSIONS: dict[str, str] = {
    SCALE: "Scale of fraud",
    ASSISTANCE: "Victim assistance",
    COOPERATION: "Cross-border cooperation",
    GOVERNANCE: "Governance capacity",
}

Number = int | float | Decimal


class Context:
    """One viewer looking at one period: what every figure function receives.

    ``cache`` is shared by the period and its previous period, so a part can compute
    all its figures for a period in a few grouped queries and answer each figure (and
    each country on the map) from memory.
    """

    def __init__(self, user: Any, period: Period, cache: dict | None = None) -> None:
        self.user = user
        self.period = period
        self.cache: dict = {} if cache is None else cache

    def for_period(self, period: Period) -> Context:
        return Context(self.user, period, self.cache)

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        full = (key, self.period)
        if full not in self.cache:
            self.cache[full] = compute()
        return self.cache[full]


@dataclass(frozen=True)
class Figure:
    """A headline figure.

    ``value(ctx, scope)`` answers for ``ctx.period`` and a scope (``REGION`` or a
    country code), or None when there is nothing to say (no data at all). The same
    function, called with ``ctx.for_period(ctx.period.previous())``, gives the
    previous period. ``detail_url(ctx, scope)`` links to the part's own pages (or
    None). ``counts_people`` sends the value through disclosure control.
    """

    key: str
    label: str
    unit: str
    part: str
    permission: str
    value: Callable[[Context, str], Number | None]
    dimension: str = SCALE
    counts_people: bool = False
    detail_url: Callable[[Context, str], str | None] | None = None
    help: str = ""
    order: int = 100
    on_map: bool = True


@dataclass(frozen=True)
class Table:
    """A panel's content: simple enough to draw both as HTML and in a PDF."""

    columns: list[str]
    rows: list[list[str]]
    note: str = ""


@dataclass(frozen=True)
class Panel:
    """A titled table a part adds to pages and reports, such as merl's scorecard.

    ``places`` says where it appears: "overview", "country", "progress", "security".
    ``content(ctx, scope)`` returns the table, or None to show nothing; people-counts
    in it must already have been through :func:`jaring.core.disclosure.suppress`.
    """

    key: str
    title: str
    part: str
    permission: str
    content: Callable[[Context, str], Table | None]
    places: frozenset[str] = frozenset({"overview", "country", "progress", "security"})
    dimension: str = GOVERNANCE
    order: int = 100


@dataclass(frozen=True)
class Download:
    """A published data set that the open-data page lists (merl registers these)."""

    label: str
    url_name: str  # looked up when the page is drawn; absent URLs are not listed
    formats: str  # "CSV, JSON"
    description: str


@dataclass
class Registry:
    figures: dict[str, Figure] = field(default_factory=dict)
    panels: dict[str, Panel] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # part -> where its data comes from
    downloads: list[Download] = field(default_factory=list)


REGISTRY = Registry()


def register(figure: Figure) -> None:
    policy.PERMISSIONS[figure.permission]  # fail at start-up on a typo
    if figure.dimension not in DIMENSIONS:
        raise ValueError(f"figure {figure.key}: unknown dimension {figure.dimension!r}")
    REGISTRY.figures[figure.key] = figure


def register_panel(panel: Panel) -> None:
    policy.PERMISSIONS[panel.permission]
    REGISTRY.panels[panel.key] = panel


def register_source(part: str, description: str) -> None:
    """Say, in a sentence for the reports, where a part's figures come from."""
    REGISTRY.sources[part] = description


def register_download(download: Download) -> None:
    if download not in REGISTRY.downloads:
        REGISTRY.downloads.append(download)


def unregister(key: str) -> None:
    REGISTRY.figures.pop(key, None)
    REGISTRY.panels.pop(key, None)


def figures_for(user: Any, *, map_only: bool = False) -> list[Figure]:
    return sorted(
        (f for f in REGISTRY.figures.values()
         if policy.allowed(user, f.permission) and (f.on_map or not map_only)),
        key=lambda f: (f.order, f.key),
    )


def panels_for(user: Any, place: str) -> list[Panel]:
    return sorted(
        (p for p in REGISTRY.panels.values()
         if place in p.places and policy.allowed(user, p.permission)),
        key=lambda p: (p.order, p.key),
    )


@dataclass(frozen=True)
class Shown:
    """A figure's value as published, with its change against the previous period."""

    figure: Figure
    value: Number | None
    previous: Number | None
    suppressed: bool
    text: str
    previous_text: str
    change: str
    direction: str  # "up", "down", "same" or "" when there is no comparison
    url: str | None

    @property
    def key(self) -> str:
        return self.figure.key


def _format(value: Number | None, unit: str) -> str:
    if value is None:
        return "no data"
    if unit == "USD":
        return f"{float(value):,.0f} USD"
    return f"{value:,}"


def people_table(ctx: Context, figure: Figure) -> dict[str, Number | None]:
    """A people-count for every member state and the region, after primary and secondary
    suppression (``None``: withheld).

    Computed as one table whatever page asks, so that no page, report or map, nor any
    combination of them, shows a set of counts from which a withheld one follows (the
    region's total less the countries shown).
    """
    from jaring.reference.seed import MEMBER_STATE_CODES

    def compute() -> dict[str, Number | None]:
        values = {scope: figure.value(ctx, scope) for scope in [*MEMBER_STATE_CODES, REGION]}
        cells = {(scope, ""): Decimal(value) for scope, value in values.items()
                 if value is not None}
        withheld = disclosure.protect_table(cells, disclosure.threshold(), total_row=REGION)
        return {scope: None if (scope, "") in withheld else value
                for scope, value in values.items()}

    return ctx.memo(("disclosure", figure.key), compute)


def controlled(ctx: Context, figure: Figure, scope: str) -> tuple[Number | None, bool, str]:
    """(value to use, suppressed?, text) of a figure for a scope, after disclosure control
    for people-counts."""
    value = figure.value(ctx, scope)
    if not figure.counts_people or value is None:
        return value, False, _format(value, figure.unit)
    table = people_table(ctx, figure)
    published = table[scope] if scope in table else disclosure.suppress(int(value)).value
    if published is not None:
        return published, False, _format(published, figure.unit)
    limit = disclosure.threshold()
    # Below the threshold it says so; a count withheld only to protect another does not
    # pretend to be small.
    return None, True, f"fewer than {limit}" if value < limit else "withheld"


def _change(now: Number | None, before: Number | None) -> tuple[str, str]:
    if now is None or before is None:
        return "", ""
    if before == 0:
        return ("new", "up") if now else ("no change", "same")
    pct = (float(now) - float(before)) / float(before) * 100
    if abs(pct) < 0.05:
        return "no change", "same"
    return f"{pct:+.1f}%", ("up" if pct > 0 else "down")


def show(ctx: Context, figure: Figure, scope: str) -> Shown:
    value, suppressed, text = controlled(ctx, figure, scope)
    previous_ctx = ctx.for_period(ctx.period.previous())
    previous, previous_suppressed, previous_text = controlled(previous_ctx, figure, scope)
    # A suppressed count takes part in no comparison: the change could reveal it.
    change, direction = ("", "") if suppressed or previous_suppressed else _change(value,
                                                                                  previous)
    url = figure.detail_url(ctx, scope) if figure.detail_url else None
    return Shown(figure, value, previous, suppressed, text, previous_text, change, direction,
                 url)


def headline(ctx: Context, scope: str) -> list[Shown]:
    return [show(ctx, figure, scope) for figure in figures_for(ctx.user)]


def map_values(ctx: Context, figure: Figure, countries: list[str]) -> dict[str, Number | None]:
    """Per-country values for the map, suppressed people-counts as None."""
    out: dict[str, Number | None] = {}
    for code in countries:
        value, _, _ = controlled(ctx, figure, code)
        out[code] = value
    return out
