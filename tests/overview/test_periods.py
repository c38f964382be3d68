import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jaring.overview.periods import Period, choices, parse_period


@pytest.mark.parametrize(("text", "start", "end", "label"), [
    ("2025", "2025-01-01", "2025-12-31", "2025"),
    ("2025-Q1", "2025-01-01", "2025-03-31", "Q1 2025"),
    ("2024-q4", "2024-10-01", "2024-12-31", "Q4 2024"),
    ("2024-02", "2024-02-01", "2024-02-29", "February 2024"),
])
def test_parse(text, start, end, label):
    period = parse_period(text)
    assert (period.start.isoformat(), period.end.isoformat(), period.label) == (start, end, label)
    assert parse_period(period.code) == period


@pytest.mark.parametrize("text", ["", "25", "2025-Q5", "2025-13", "2025-1", "1800", "x"])
def test_bad_periods_say_what_is_expected(text):
    with pytest.raises(ValueError, match="expected a year"):
        parse_period(text)


def test_previous_and_trend():
    assert parse_period("2025-Q1").previous() == parse_period("2024-Q4")
    assert parse_period("2025-01").previous() == parse_period("2024-12")
    months = parse_period("2025-Q2").trend_months()
    assert months[0] == datetime.date(2024, 7, 1) and months[-1] == datetime.date(2025, 6, 1)
    assert len(months) == 12


def test_choices_start_with_this_year():
    offered = choices(datetime.date(2026, 5, 9))
    assert [p.code for p in offered] == ["2026", "2025", "2024", "2023", "2026-Q1", "2026-Q2"]


@given(st.integers(1901, 2200), st.sampled_from([1, 3, 12]), st.integers(0, 11))
def test_previous_period_ends_the_day_before(year, months, offset):
    start = datetime.date(year, 1 + (offset // months) * months if months < 12 else 1, 1)
    period = Period(start, months)
    before = period.previous()
    assert before.months == period.months
    assert before.end + datetime.timedelta(days=1) == period.start
    assert parse_period(period.code) == period
