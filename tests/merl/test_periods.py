import pytest
from hypothesis import given
from hypothesis import strategies as st

from jaring.merl.periods import FREQUENCIES, Period, PeriodError, periods_between


def test_parse_and_print():
    assert str(Period.parse("2025-q3")) == "2025-Q3"
    assert str(Period.parse("202507")) == "2025-07"  # DHIS2 monthly
    assert str(Period.parse("2025S2")) == "2025-S2"
    assert Period.parse("2025-Q2").end.isoformat() == "2025-06-30"
    with pytest.raises(PeriodError, match="not a period"):
        Period.parse("2025-Q5")
    with pytest.raises(PeriodError, match="01 to 12"):
        Period.parse("2025-13")


def test_a_range_of_years_holds_every_quarter_of_the_last_one():
    quarters = periods_between(Period.parse("2023"), Period.parse("2025"), "quarter")
    assert [str(q) for q in quarters][-4:] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    assert len(quarters) == 12


@given(st.integers(2000, 2040), st.integers(1, 12), st.integers(0, 40),
       st.sampled_from(FREQUENCIES))
def test_ranges_cover_every_month_once(year, month, length, frequency):
    first = Period(year, month, "month")
    end = year * 12 + month - 1 + length
    last = Period(end // 12, end % 12 + 1, "month")
    months = [m for p in periods_between(first, last, frequency) for m in p.months()]
    assert len(months) == len(set(months))
    assert str(first) in months and str(last) in months
