from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jaring.intel.indicators import InvalidIndicator, normalise_email


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("John.Doe+scam@GoogleMail.com", "johndoe@gmail.com"),
        ("j.o.h.n.doe@gmail.com", "johndoe@gmail.com"),
        ("Someone+tag@outlook.com", "someone@outlook.com"),
        ("some.one+tag@hotmail.com", "some.one@hotmail.com"),
        ("me+shop@icloud.com", "me@icloud.com"),
        ("me+x@proton.me", "me@proton.me"),
        ("base-keyword@yahoo.com", "base@yahoo.com"),
        ("First.Last+tag@company.co.th", "first.last+tag@company.co.th"),
        ("scammer[at]evil[.]com", "scammer@evil.com"),
        ("mailto:Boss@Evil.com?subject=hi", "boss@evil.com"),
        ("user@bücher.de", "user@xn--bcher-kva.de"),
    ],
)
def test_canonical_addresses(raw, value):
    result = normalise_email(raw)
    assert result.value == value
    assert normalise_email(result.value).value == value


def test_display_keeps_what_was_written():
    result = normalise_email("John.Doe+scam@gmail.com")
    assert result.display == "John.Doe+scam@gmail.com"
    assert result.attributes == {"domain": "gmail.com", "provider": "google", "tag_removed": True}


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("no-at-sign.example.com", "no @ sign"),
        ("a b@example.com", "invalid characters"),
        ("someone@localhost", "not valid"),
        ("+tag@gmail.com", "nothing left"),
        ("", "empty"),
    ],
)
def test_rejections(raw, reason):
    with pytest.raises(InvalidIndicator) as caught:
        normalise_email(raw)
    assert reason in caught.value.reason


@given(st.emails())
def test_generated_addresses_are_idempotent(address):
    try:
        result = normalise_email(address)
    except InvalidIndicator as exc:
        assert exc.reason
        return
    assert normalise_email(result.value).value == result.value
    assert result.value == result.value.casefold()


@given(st.emails() | st.text(alphabet="ab.+-_@xyz", max_size=20).map(lambda s: s + ".com"))
def test_fast_path_agrees_with_email_validator(address):
    from email_validator import EmailNotValidError, validate_email

    try:
        expected = validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        with pytest.raises(InvalidIndicator):
            normalise_email(address)
        return
    try:
        result = normalise_email(address)
    except InvalidIndicator as exc:
        assert "nothing left" in exc.reason
        return
    assert result.display == expected.normalized
