from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from schwifty import BIC

from jaring.intel.indicators import InvalidIndicator, normalise_bank_account
from jaring.intel.indicators.bank import BANK_NAMES, KNOWN_BICS


@pytest.mark.parametrize(
    ("raw", "bank", "country", "value"),
    [
        ("012-345678-9", "DBS", None, "bank:DBSSSGSG:0123456789"),
        ("0123456789", "DBSSSGSGXXX", None, "bank:DBSSSGSG:0123456789"),
        ("0123456789", "dbsssgsg", None, "bank:DBSSSGSG:0123456789"),
        ("0123456789", "DBSSSGSG001", None, "bank:DBSSSGSG:0123456789"),
        ("1234 5678 9012", "Maybank", None, "bank:MBBEMYKL:123456789012"),
        ("1234567890", "Bank Mandiri Tbk", None, "bank:BMRIIDJA:1234567890"),
        ("1234567890", "Touch Bank", None, None),
        ("1234567890", "CIMB", "ID", "bank:BNIAIDJA:1234567890"),
        ("1234567890", "cimb", "MY", "bank:CIBBMYKL:1234567890"),
        ("1234567890", "014", "ID", "bank:ID:014:1234567890"),
        ("Maybank 1234 5678 9012", None, None, "bank:MBBEMYKL:123456789012"),
        ("DBSSSGSG:0123456789", None, None, "bank:DBSSSGSG:0123456789"),
        ("bank:DBSSSGSG:0123456789", None, None, "bank:DBSSSGSG:0123456789"),
        ("bank:ID:014:1234567890", None, None, "bank:ID:014:1234567890"),
        ("DE89 3704 0044 0532 0130 00", None, None, "iban:DE89370400440532013000"),
        ("iban:DE89370400440532013000", None, None, "iban:DE89370400440532013000"),
    ],
)
def test_accounts(raw, bank, country, value):
    if value is None:
        with pytest.raises(InvalidIndicator, match="unknown bank"):
            normalise_bank_account(raw, bank=bank, country=country)
        return
    result = normalise_bank_account(raw, bank=bank, country=country)
    assert result.value == value
    assert normalise_bank_account(result.value) == result or (
        normalise_bank_account(result.value).value == result.value
    )


@pytest.mark.parametrize(
    ("raw", "bank", "country", "reason"),
    [
        ("12ab34567", "DBS", None, "only contain digits"),
        ("1234", "DBS", None, "5 to 20 digits"),
        ("123456789012345678901", "DBS", None, "5 to 20 digits"),
        ("1234567", "Fakebank", None, "unknown bank"),
        ("1234567", "ABCDXXKL", None, "unknown bank"),
        ("1234567", "014", None, "needs the bank's country"),
        ("1234567", "CIMB", None, "several countries"),
        ("DE89 3704 0044 0532 0130 01", None, None, "probably a typo"),
        ("0123456789", None, None, "name the bank"),
        ("", None, None, "empty"),
    ],
)
def test_rejections(raw, bank, country, reason):
    with pytest.raises(InvalidIndicator) as caught:
        normalise_bank_account(raw, bank=bank, country=country)
    assert reason in caught.value.reason


@pytest.mark.parametrize("bic", sorted(KNOWN_BICS))
def test_table_bics_are_well_formed(bic):
    assert BIC(bic).country_code in {"SG", "MY", "ID", "TH", "PH", "VN", "KH", "LA", "MM", "BN"}


def test_bank_table_names_are_keys():
    assert all(name.isalnum() and name == name.lower() for name in BANK_NAMES)


@settings(max_examples=200, deadline=None)
@given(
    name=st.sampled_from(sorted(BANK_NAMES)),
    digits=st.text(alphabet="0123456789", min_size=5, max_size=20),
    separators=st.lists(st.sampled_from([" ", "-", ""]), min_size=20, max_size=20),
)
def test_separators_never_change_the_key(name, digits, separators):
    spaced = "".join(d + s for d, s in zip(digits, separators, strict=False)).strip(" -")
    country = next(iter(BANK_NAMES[name]))
    plain = normalise_bank_account(digits, bank=name, country=country)
    assert normalise_bank_account(spaced, bank=name.upper(), country=country).value == plain.value
    assert normalise_bank_account(plain.value).value == plain.value


def test_bank_short_name_that_looks_like_an_iban_prefix():
    # MB Bank (Viet Nam) + account: "MB00..." also has the shape of an IBAN.
    result = normalise_bank_account("MB 0090 1813 1931 09", country="VN")
    assert result.value == "bank:MSCBVNVX:00901813193109"
