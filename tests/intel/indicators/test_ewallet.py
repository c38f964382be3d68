from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jaring.intel.indicators import InvalidIndicator, normalise_ewallet, normalise_phone
from jaring.intel.indicators.ewallet import PROVIDERS, provider_key


@pytest.mark.parametrize(
    ("raw", "provider", "country", "value"),
    [
        ("0917 123 4567", "GCash", None, "ewallet:gcash:+639171234567"),
        ("0917 123 4567", "PayMaya", None, "ewallet:maya:+639171234567"),
        ("GCash 0917 123 4567", None, None, "ewallet:gcash:+639171234567"),
        ("Touch 'n Go eWallet 012-345 6789", None, None, "ewallet:tng:+60123456789"),
        ("tng: +60 12-345 6789", None, None, "ewallet:tng:+60123456789"),
        ("012 345 6789", "touch n go", None, "ewallet:tng:+60123456789"),
        ("0812-3456-7890", "DANA", None, "ewallet:dana:+6281234567890"),
        ("0812-3456-7890", "ovo", None, "ewallet:ovo:+6281234567890"),
        ("0812-3456-7890", "GoPay", None, "ewallet:gopay:+6281234567890"),
        ("091 234 5678", "MoMo", None, "ewallet:momo:+84912345678"),
        ("081-234-5678", "TrueMoney Wallet", None, "ewallet:truemoney:+66812345678"),
        ("91234567", "GrabPay", "SG", "ewallet:grabpay:+6591234567"),
        ("+63 917 123 4567", "grab", None, "ewallet:grabpay:+639171234567"),
        ("9123 4567", "PayNow", None, "ewallet:paynow:+6591234567"),
        ("S1234567D", "PayNow", None, "ewallet:paynow:nric:S1234567D"),
        ("197401143C", "PayNow", None, "ewallet:paynow:uen:197401143C"),
        ("081-234-5678", "PromptPay", None, "ewallet:promptpay:+66812345678"),
        ("3-1006-00445-63-5", "PromptPay", None, "ewallet:promptpay:nid:3100600445635"),
        ("123456789012345", "PromptPay", None, "ewallet:promptpay:ewallet:123456789012345"),
        ("012-345 6789", "DuitNow", None, "ewallet:duitnow:+60123456789"),
        ("770305-02-1234", "DuitNow", None, "ewallet:duitnow:mykad:770305021234"),
        ("202001012345", "DuitNow", None, "ewallet:duitnow:brn:202001012345"),
        ("passport:a1234567", "DuitNow", None, "ewallet:duitnow:passport:A1234567"),
        ("ewallet:gcash:+639171234567", None, None, "ewallet:gcash:+639171234567"),
        ("ewallet:promptpay:nid:3100600445635", None, None, "ewallet:promptpay:nid:3100600445635"),
    ],
)
def test_identifiers(raw, provider, country, value):
    result = normalise_ewallet(raw, provider=provider, country=country)
    assert result.value == value
    assert normalise_ewallet(result.value).value == value


def test_mobile_identifiers_share_the_phone_key():
    wallet = normalise_ewallet("0917 123 4567", provider="gcash")
    assert wallet.attributes["phone"] == normalise_phone("0917 123 4567", "PH").value
    assert wallet.attributes["id_type"] == "mobile"


@pytest.mark.parametrize(
    ("raw", "provider", "country", "reason"),
    [
        ("+65 9123 4567", "GCash", None, "does not use numbers from SG"),
        ("02 123 4567", "TrueMoney", None, "mobile numbers"),
        ("91234567", "GrabPay", None, "need a country code"),
        ("S1234567A", "PayNow", None, "not a PayNow identifier"),
        ("nid:1234567890123", "PromptPay", None, "not a valid nid"),
        ("nric:S1234567D", "GCash", None, "has no nric identifiers"),
        ("0917 123 4567", "Venmo", None, "unknown e-wallet provider"),
        ("Venmo 0917 123 4567", None, None, "name the e-wallet provider"),
        ("A1234567", "DuitNow", None, "not a DuitNow identifier"),
    ],
)
def test_rejections(raw, provider, country, reason):
    with pytest.raises(InvalidIndicator) as caught:
        normalise_ewallet(raw, provider=provider, country=country)
    assert reason in caught.value.reason


@pytest.mark.parametrize(
    ("alias", "key"),
    [("TNG", "tng"), ("Touch 'n Go eWallet", "tng"), ("touch n go", "tng"), ("G-Cash", "gcash"),
     ("Pay Maya", "maya"), ("True Money", "truemoney"), ("Momo e-wallet", "momo"),
     ("wallet", None)],
)
def test_provider_aliases(alias, key):
    assert provider_key(alias) == key


@settings(max_examples=100, deadline=None)
@given(
    provider=st.sampled_from(sorted(PROVIDERS)),
    spacing=st.sampled_from([" ", ": ", " | ", "/"]),
    case=st.sampled_from([str.lower, str.upper, str.title]),
)
def test_provider_prefix_forms_agree(provider, spacing, case):
    spec = PROVIDERS[provider]
    samples = {"PH": "+639171234567", "MY": "+60123456789", "SG": "+6591234567",
               "ID": "+6281234567890", "TH": "+66812345678", "VN": "+84912345678"}
    number = samples[spec.countries[0]]
    direct = normalise_ewallet(number, provider=provider)
    pasted = normalise_ewallet(case(spec.name) + spacing + number)
    assert pasted.value == direct.value == f"ewallet:{provider}:{number}"
