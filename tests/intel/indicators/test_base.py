from __future__ import annotations

import pytest

from jaring.intel.indicators import IndicatorKind, InvalidIndicator, Normalised, refang
from jaring.intel.indicators.base import normalise_country


@pytest.mark.parametrize(
    ("defanged", "plain"),
    [
        ("hxxps://evil[.]com/login", "https://evil.com/login"),
        ("hXXp://evil(.)com", "http://evil.com"),
        ("hxxps[:]//evil[.]co[.]th", "https://evil.co.th"),
        ("scammer[at]evil[.]com", "scammer@evil.com"),
        ("scammer(at)evil{.}com", "scammer@evil.com"),
        ("evil[dot]com", "evil.com"),
        ("evil [dot] com", "evil.com"),
        ("  https://plain.example/  ", "https://plain.example/"),
        ("192[.]0[.]2[.]1", "192.0.2.1"),
    ],
)
def test_refang(defanged, plain):
    assert refang(defanged) == plain


def test_refang_leaves_ordinary_brackets_alone():
    assert refang("https://x.example/a[1]") == "https://x.example/a[1]"


def test_invalid_indicator_carries_its_parts():
    exc = InvalidIndicator(IndicatorKind.PHONE, "123", "too short")
    assert (exc.kind, exc.raw, exc.reason) == (IndicatorKind.PHONE, "123", "too short")
    assert str(exc) == "not a valid phone number '123': too short"
    assert isinstance(exc, ValueError)


def test_invalid_indicator_cuts_long_input():
    exc = InvalidIndicator("url", "x" * 5000, "too long")
    assert len(str(exc)) < 200


def test_normalised_is_hashable_and_compares_by_content():
    a = Normalised(IndicatorKind.DOMAIN, "example.com", "example.com", {"suffix": "com"})
    b = Normalised(IndicatorKind.DOMAIN, "example.com", "example.com", {"suffix": "com"})
    assert a == b
    assert len({a, b}) == 1


def test_country_codes():
    assert normalise_country("th") == "TH"
    assert normalise_country(None) is None
    with pytest.raises(ValueError, match="country"):
        normalise_country("Thailand")
