from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jaring.intel.indicators import IndicatorKind, InvalidIndicator, guess_kind, normalise


@pytest.mark.parametrize(
    ("kind", "raw", "country", "hint", "value"),
    [
        ("phone", "0917 123 4567", "ph", None, "+639171234567"),
        ("bank_account", "012-345678-9", None, "DBS", "bank:DBSSSGSG:0123456789"),
        ("ewallet", "0917 123 4567", None, "GCash", "ewallet:gcash:+639171234567"),
        ("crypto_wallet", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", None, "trc20",
         "crypto:tron:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"),
        ("url", "hxxps://evil[.]com", None, None, "https://evil.com/"),
        ("domain", "Evil.com.", None, None, "evil.com"),
        ("ip", "8.8.8.8", None, None, "8.8.8.8"),
        ("email", "A.B@gmail.com", None, None, "ab@gmail.com"),
        ("social_handle", "@ScamBoss99", None, "telegram", "social:telegram:scamboss99"),
        (IndicatorKind.DOMAIN, "example.co.th", None, None, "example.co.th"),
    ],
)
def test_normalise_dispatches(kind, raw, country, hint, value):
    result = normalise(kind, raw, country=country, hint=hint)
    assert result.value == value
    assert result.kind == IndicatorKind(kind)


def test_unknown_kind_names_the_field():
    with pytest.raises(ValueError, match="kind: unknown indicator kind 'fax'"):
        normalise("fax", "123")


def test_bad_country_names_the_field():
    with pytest.raises(ValueError, match="country"):
        normalise("phone", "0917 123 4567", country="Philippines")


def test_rejection_is_an_invalid_indicator():
    with pytest.raises(InvalidIndicator) as caught:
        normalise("phone", "12", country="TH")
    assert caught.value.kind == IndicatorKind.PHONE


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("0917 123 4567", "PH", [("phone", "+639171234567")]),
        ("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", None,
         [("crypto_wallet", "crypto:tron:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")]),
        ("hxxps://evil[.]com/login?utm_source=sms", None, [("url", "https://evil.com/login")]),
        ("evil[.]com", None, [("domain", "evil.com"), ("url", "http://evil.com/")]),
        ("t.me/ScamBoss99", None,
         [("social_handle", "social:telegram:scamboss99"), ("url", "http://t.me/ScamBoss99")]),
        ("scammer[at]evil[.]com", None, [("email", "scammer@evil.com")]),
        ("8.8.8.8", None, [("ip", "8.8.8.8")]),
        ("GCash 0917 123 4567", None, [("ewallet", "ewallet:gcash:+639171234567")]),
        ("Maybank 1234 5678 9012", None, [("bank_account", "bank:MBBEMYKL:123456789012")]),
        ("DE89 3704 0044 0532 0130 00", None, [("bank_account", "iban:DE89370400440532013000")]),
        ("hello world", None, []),
        ("", None, []),
    ],
)
def test_guess_kind(raw, country, expected):
    assert [(r.kind.value, r.value) for r in guess_kind(raw, country)] == expected


def test_guess_bare_handle_tries_handle_platforms_telegram_first():
    results = guess_kind("@scamboss99")
    assert results[0].value == "social:telegram:scamboss99"
    assert {r.attributes["platform"] for r in results} >= {"telegram", "instagram", "x"}


def test_guess_without_country_needs_international_number():
    assert guess_kind("0917 123 4567") == []
    assert guess_kind("+63 917 123 4567")[0].value == "+639171234567"


@given(st.text(max_size=60))
def test_guess_never_raises_on_garbage(text):
    for result in guess_kind(text, "SG"):
        assert result.value
