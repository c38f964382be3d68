"""Properties of the pure parts: how campaigns become links, and how changes are told."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from jaring.core import disclosure
from jaring.overview import figures
from jaring.overview.figures import REGION, Context, Figure
from jaring.overview.intel_figures import Stats
from jaring.overview.periods import parse_period

CODES = ["BN", "ID", "KH", "LA", "MM", "MY", "PH", "SG", "TH", "TL", "VN"]
campaign_sets = st.dictionaries(
    st.integers(1, 10_000),
    st.lists(st.sampled_from(CODES), min_size=2, max_size=5, unique=True).map(
        lambda c: tuple(sorted(c))),
    max_size=30,
)


@given(campaign_sets)
def test_links_count_the_campaigns_each_pair_shares(campaigns):
    stats = Stats(campaigns=campaigns)
    links = stats.links()
    for (a, b), n in links.items():
        assert a < b
        assert n == sum(1 for countries in campaigns.values() if a in countries and b in countries)
    assert stats.campaign_total(REGION) == len(campaigns)
    for code in CODES:
        assert stats.campaign_total(code) <= len(campaigns)
        partners = {b if a == code else a for (a, b) in links if code in (a, b)}
        assert bool(partners) == (stats.campaign_total(code) > 0)


@given(st.dictionaries(st.sampled_from(CODES), st.integers(0, 10_000)))
def test_the_region_is_the_sum_of_its_countries(reports):
    stats = Stats(reports=reports, loss={c: Decimal(n) for c, n in reports.items()})
    assert stats.report_total(REGION) == sum(stats.report_total(c) for c in CODES)
    assert stats.loss_total(REGION) == sum(stats.loss_total(c) for c in CODES)


def _people(counts: dict[str, int]) -> Figure:
    """A people-count whose region is the sum of its countries, as real ones are."""
    def value(ctx, scope):
        return sum(counts.values()) if scope == REGION else counts.get(scope, 0)

    return Figure("p", "People", "people", "test", "overview.view", value, counts_people=True)


@given(st.integers(0, 1000), st.integers(0, 1000))
def test_a_suppressed_count_is_never_compared(now, before):
    ctx = Context(None, parse_period("2025"))
    value, suppressed, text = figures.controlled(ctx, _people({"SG": now}), "SG")
    previous, previous_suppressed, _ = figures.controlled(
        ctx.for_period(parse_period("2024")), _people({"SG": before}), "SG")
    limit = disclosure.threshold()
    assert suppressed == (0 < now < limit)
    if suppressed:
        assert value is None and text == f"fewer than {limit}"
    change, direction = figures._change(value, previous)
    if suppressed or previous_suppressed:
        assert (change, direction) == ("", "")
    else:
        assert direction in ("up", "down", "same")


@given(st.dictionaries(st.sampled_from(CODES), st.integers(0, 40)))
def test_no_withheld_count_follows_from_the_total_and_the_others(counts):
    ctx = Context(None, parse_period("2025"))
    figure = _people(counts)
    shown = {scope: figures.controlled(ctx, figure, scope)[0] for scope in [*CODES, REGION]}
    withheld = [scope for scope, value in shown.items() if value is None]
    limit = disclosure.threshold()
    # Every small count is withheld, and never alone: one withheld cell in a table whose
    # other cells and total are shown could be worked out by subtraction.
    assert all(shown[c] is None for c in CODES if 0 < counts.get(c, 0) < limit)
    assert len(withheld) != 1
    for scope, value in shown.items():
        if value is not None:
            assert value == (sum(counts.values()) if scope == REGION else counts.get(scope, 0))
