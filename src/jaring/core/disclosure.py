"""Disclosure control: the one place that decides what a published figure may show.

Two levels, both driven by ``JARING_DISCLOSURE_THRESHOLD``:

* **A single count of people** (a headline figure, a map value): a count below the
  threshold but above zero could point at someone, so it is suppressed; it shows as
  "fewer than N" and takes part in no sum or comparison. Zero is shown, because
  "nobody" identifies nobody (:func:`suppress`).
* **A table with margins** (countries and the region's total; the codes of a
  disaggregation and their total): primary suppression as above, then secondary
  suppression so that no withheld cell can be worked out from the published cells
  and the margins (:func:`protect_table`, :func:`protect_indicator`). Seen as a
  graph — rows and columns are nodes, withheld cells are edges — a withheld cell is
  recoverable exactly when its edge lies on no cycle (each row and each column is
  one linear equation; cycles are what leave the equations with more than one
  solution). So cells are withheld until every withheld edge lies on a cycle: first
  wherever a row or column holds exactly one withheld cell, then for any remaining
  bridge. The next cell withheld is always the smallest that closes the gap, so as
  little as possible is lost. Published counts may then be rounded to a base
  (``JARING_DISCLOSURE_ROUNDING_BASE``, open data only).

Tables for different disaggregations of one indicator share their total column; they
are protected in turn until no table changes, with each one's withheld totals carried
into the next (docs/merl/overview.md states what that does and does not guarantee).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from jaring.conf import env_int

Key = tuple[str, str]  # (row, column)


def threshold() -> int:
    """Counts of people from 1 to threshold-1 are suppressed (read on each call, so tests
    and operators can change it without a restart of the code that imported this)."""
    value = env_int("JARING_DISCLOSURE_THRESHOLD", 5)
    if value < 1:
        raise ValueError(f"JARING_DISCLOSURE_THRESHOLD must be at least 1, not {value}")
    return value


def rounding_base() -> int:
    """Published open-data counts of people are rounded to a multiple of this (0, 1: not)."""
    value = env_int("JARING_DISCLOSURE_ROUNDING_BASE", 0)
    if value < 0:
        raise ValueError(f"JARING_DISCLOSURE_ROUNDING_BASE must be 0 or more, not {value}")
    return value


@dataclass(frozen=True)
class Controlled:
    """A count after disclosure control: ``value`` is None when suppressed."""

    value: int | None
    threshold: int

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        return f"fewer than {self.threshold}" if self.value is None else f"{self.value:,}"


def suppress(count: int | None) -> Controlled:
    """The count as it may be published."""
    limit = threshold()
    if count is None or 0 < count < limit:
        return Controlled(None, limit)
    return Controlled(int(count), limit)


def rule_text() -> str:
    """The rule in plain language, for pages and reports."""
    return (f"Any figure that counts people (victims, survivors, people assisted) is shown "
            f"only when it is zero or at least {threshold()}; smaller counts appear as "
            f"\"fewer than {threshold()}\" and are left out of totals and comparisons, so "
            f"that no one can be singled out. Where a total would give a small count away, "
            f"the next smallest count is withheld with it and shown as \"withheld\".")


@dataclass(frozen=True)
class Policy:
    threshold: int
    rounding_base: int

    @classmethod
    def from_settings(cls) -> Policy:
        return cls(threshold=threshold(), rounding_base=rounding_base())


def is_sensitive(value: Decimal | int, threshold: int) -> bool:
    return 0 < value < threshold


Node = tuple[str, str]
FREE: Node = ("free", "")


@dataclass(frozen=True)
class _Shape:
    """Which rows and columns carry an equation: a table with no part columns has no row
    equations (nothing adds up to a row total), so its rows are one unconstrained node."""

    rows_free: bool
    cols_free: bool

    @classmethod
    def of(cls, cells: Iterable[Key], total_row: str, total_col: str) -> _Shape:
        cells = list(cells)
        return cls(rows_free=all(c == total_col for _, c in cells),
                   cols_free=all(r == total_row for r, _ in cells))

    def ends(self, key: Key) -> tuple[Node, Node]:
        return (FREE if self.rows_free else ("row", key[0]),
                FREE if self.cols_free else ("col", key[1]))


def _groups(cells: Iterable[Key], shape: _Shape) -> dict[Node, list[Key]]:
    """Each row and each column with an equation, as the cells it holds."""
    groups: dict[Node, list[Key]] = defaultdict(list)
    for key in cells:
        for node in shape.ends(key):
            if node != FREE:
                groups[node].append(key)
    return groups


def _connected(edges: list[Key], shape: _Shape, start: Node, goal: Node) -> bool:
    adjacency: dict[Node, set[Node]] = defaultdict(set)
    for key in edges:
        a, b = shape.ends(key)
        adjacency[a].add(b)
        adjacency[b].add(a)
    seen, stack = {start}, [start]
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        for other in adjacency[node] - seen:
            seen.add(other)
            stack.append(other)
    return False


def _bridges(edges: set[Key], shape: _Shape) -> list[Key]:
    """Withheld cells lying on no cycle (tables are small: the plain check will do)."""
    ordered = sorted(edges)
    return [edge for edge in ordered
            if not _connected([e for e in ordered if e != edge], shape, *shape.ends(edge))]


def _smallest(candidates: Iterable[Key], cells: Mapping[Key, Decimal]) -> Key | None:
    ranked = sorted(candidates, key=lambda k: (cells[k] == 0, cells[k], k))
    return ranked[0] if ranked else None


def protect_table(cells: Mapping[Key, Decimal], threshold: int, preset: Iterable[Key] = (),
                  *, total_row: str, total_col: str = "") -> set[Key]:
    """The cells to withhold from one table so that none of them can be worked out."""
    shape = _Shape.of(cells, total_row, total_col)
    withheld = {k for k, v in cells.items() if is_sensitive(v, threshold)}
    withheld |= {k for k in preset if k in cells}
    groups = _groups(cells, shape)
    while True:
        changed = False
        for members in groups.values():
            hidden = [k for k in members if k in withheld]
            if len(hidden) == 1:
                extra = _smallest((k for k in members if k not in withheld), cells)
                if extra is not None:
                    withheld.add(extra)
                    changed = True
        if changed:
            continue
        for row, col in _bridges(withheld, shape):
            # Close a cycle through the bridge: another withheld cell in its row gives a
            # column, another in its column gives a row; withhold where they cross.
            cols = {c for r, c in withheld if r == row and c != col}
            rows = {r for r, c in withheld if c == col and r != row}
            crossing = _smallest((k for k in cells if k[0] in rows and k[1] in cols
                                  and k not in withheld), cells)
            if crossing is None:
                # No crossing cell exists: widen to the whole row and column instead.
                crossing = _smallest((k for k in cells if (k[0] == row or k[1] == col)
                                      and k not in withheld), cells)
            if crossing is not None:
                withheld.add(crossing)
                changed = True
                break
        if not changed:
            return withheld


def round_to_base(value: Decimal, base: int) -> Decimal:
    if base <= 1:
        return value
    return (value / base).quantize(Decimal(1), rounding=ROUND_HALF_UP) * base


def protect_indicator(tables: Mapping[str, Mapping[Key, Decimal]], threshold: int, *,
                      total_row: str, total_column: str = "") -> dict[str, set[Key]]:
    """Protect the tables of one indicator and period (one per disaggregation), which
    share their total column, until no table withholds anything new."""
    shared: set[Key] = set()
    result: dict[str, set[Key]] = {}
    while True:
        before = set(shared)
        for name, cells in tables.items():
            result[name] = protect_table(cells, threshold, preset=shared,
                                         total_row=total_row, total_col=total_column)
            shared |= {k for k in result[name] if k[1] == total_column}
        if shared == before:
            return result
