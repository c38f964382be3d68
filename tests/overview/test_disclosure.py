import pytest
from hypothesis import given
from hypothesis import strategies as st

from jaring.core import disclosure


def test_small_counts_are_suppressed(monkeypatch):
    monkeypatch.delenv("JARING_DISCLOSURE_THRESHOLD", raising=False)
    assert disclosure.threshold() == 5
    assert str(disclosure.suppress(3)) == "fewer than 5"
    assert disclosure.suppress(3).suppressed
    assert disclosure.suppress(0).value == 0
    assert str(disclosure.suppress(1234)) == "1,234"
    assert disclosure.suppress(None).suppressed


def test_threshold_is_a_setting(monkeypatch):
    monkeypatch.setenv("JARING_DISCLOSURE_THRESHOLD", "10")
    assert disclosure.suppress(9).suppressed
    assert disclosure.suppress(10).value == 10
    assert "at least 10" in disclosure.rule_text()
    monkeypatch.setenv("JARING_DISCLOSURE_THRESHOLD", "0")
    with pytest.raises(ValueError, match="at least 1"):
        disclosure.threshold()


@given(st.integers(0, 10_000))
def test_a_published_count_is_zero_or_at_least_the_threshold(count):
    shown = disclosure.suppress(count)
    assert shown.suppressed == (0 < count < disclosure.threshold())
    assert shown.value is None or shown.value == 0 or shown.value >= disclosure.threshold()
