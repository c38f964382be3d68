"""Disclosure control: no withheld count can be worked out from what is published."""

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from jaring.core.disclosure import protect_indicator, protect_table, round_to_base

R, T = "XR", ""
THRESHOLD = 5


def _table(parts: list[list[int]]) -> dict:
    """Rows c0.., columns d0.., with the region row and the total column added."""
    cells = {}
    for r, row in enumerate(parts):
        for c, value in enumerate(row):
            cells[(f"c{r}", f"d{c}")] = Decimal(value)
        cells[(f"c{r}", T)] = Decimal(sum(row))
    for c in range(len(parts[0])):
        cells[(R, f"d{c}")] = Decimal(sum(row[c] for row in parts))
    cells[(R, T)] = Decimal(sum(map(sum, parts)))
    return cells


def _equations(cells: dict, with_parts: bool) -> list[dict]:
    """Every additive relation a reader knows: each row and column sums to its total."""
    rows = {r for r, _ in cells} - {R}
    cols = {c for _, c in cells} - {T}
    equations = []
    if with_parts:
        for r in [*rows, R]:
            equations.append({**{(r, c): 1 for c in cols}, (r, T): -1})
    for c in ([*cols, T] if with_parts else [T]):
        equations.append({**{(r, c): 1 for r in rows}, (R, c): -1})
    return equations


def _rank(matrix: list[list[Fraction]]) -> int:
    m = [row[:] for row in matrix]
    rank = 0
    cols = len(m[0]) if m else 0
    for col in range(cols):
        pivot = next((i for i in range(rank, len(m)) if m[i][col] != 0), None)
        if pivot is None:
            continue
        m[rank], m[pivot] = m[pivot], m[rank]
        for i in range(len(m)):
            if i != rank and m[i][col] != 0:
                factor = m[i][col] / m[rank][col]
                m[i] = [a - factor * b for a, b in zip(m[i], m[rank], strict=True)]
        rank += 1
    return rank


def determined(cells: dict, withheld: set, with_parts: bool = True) -> set:
    """Withheld cells whose value follows from the published ones by linear algebra."""
    unknown = sorted(withheld)
    index = {k: i for i, k in enumerate(unknown)}
    matrix = []
    for equation in _equations(cells, with_parts):
        row = [Fraction(0)] * len(unknown)
        for key, coefficient in equation.items():
            if key in index:
                row[index[key]] = Fraction(coefficient)
        if any(row):
            matrix.append(row)
    base = _rank(matrix) if matrix else 0
    found = set()
    for key in unknown:
        unit = [Fraction(0)] * len(unknown)
        unit[index[key]] = Fraction(1)
        if _rank([*matrix, unit]) == base:
            found.add(key)
    return found


tables = st.integers(1, 4).flatmap(lambda rows: st.integers(1, 4).flatmap(
    lambda cols: st.lists(st.lists(st.integers(0, 12), min_size=cols, max_size=cols),
                          min_size=rows, max_size=rows)))


@settings(max_examples=150, deadline=None)
@given(tables)
def test_no_withheld_cell_can_be_recovered_from_the_margins(parts):
    cells = _table(parts)
    withheld = protect_table(cells, THRESHOLD, total_row=R)
    assert all(k in withheld for k, v in cells.items() if 0 < v < THRESHOLD)
    assert determined(cells, withheld) == set()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 12), min_size=1, max_size=8))
def test_totals_only_table_over_countries(values):
    cells = {(f"c{n}", T): Decimal(v) for n, v in enumerate(values)}
    cells[(R, T)] = Decimal(sum(values))
    withheld = protect_table(cells, THRESHOLD, total_row=R)
    assert all(k in withheld for k, v in cells.items() if 0 < v < THRESHOLD)
    assert determined(cells, withheld, with_parts=False) == set()


@settings(max_examples=60, deadline=None)
@given(tables, tables)
def test_two_breakdowns_sharing_a_total_column(first, second):
    # The same countries' totals, broken down two ways: the shared totals carry over.
    rows = min(len(first), len(second))
    first, second = first[:rows], second[:rows]
    a, b = _table(first), _table(second)
    for r in range(rows):  # make both tables agree on the totals they share
        b[(f"c{r}", T)] = a[(f"c{r}", T)]
    b[(R, T)] = a[(R, T)]
    result = protect_indicator({"a": a, "b": b}, THRESHOLD, total_row=R)
    for name, cells in (("a", a), ("b", b)):
        assert all(k in result[name] for k, v in cells.items() if 0 < v < THRESHOLD)
    shared_a = {k for k in result["a"] if k[1] == T}
    shared_b = {k for k in result["b"] if k[1] == T}
    assert shared_a == shared_b
    assert determined(a, result["a"]) == set()


def test_a_small_count_and_its_partner_are_withheld():
    cells = _table([[3, 20], [15, 18]])
    withheld = protect_table(cells, THRESHOLD, total_row=R)
    assert ("c0", "d0") in withheld and len(withheld) >= 4  # a cycle of four at least
    assert ("c1", "d1") in withheld or ("c1", "d0") in withheld


def test_rounding():
    assert round_to_base(Decimal(12), 5) == 10
    assert round_to_base(Decimal(13), 5) == 15
    assert round_to_base(Decimal(13), 0) == 13
