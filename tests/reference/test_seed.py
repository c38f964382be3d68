"""The shipped reference data, as loaded by the migrations, and reloading it."""

from __future__ import annotations

from decimal import Decimal

import phonenumbers
import pytest
from django.apps import apps

from jaring.reference import seed
from jaring.reference.models import (
    Code,
    CodeList,
    ContactChannel,
    Country,
    Currency,
    ExchangeRate,
    ScamType,
)

pytestmark = pytest.mark.django_db

RATE_YEARS = range(2019, 2027)

EXPECTED_CURRENCY = {
    "BN": "BND", "KH": "KHR", "ID": "IDR", "LA": "LAK", "MY": "MYR", "MM": "MMK",
    "PH": "PHP", "SG": "SGD", "TH": "THB", "TL": "USD", "VN": "VND",
}

# Plausibility bands for the annual averages: a typo (a dropped digit, a rate
# entered as USD per unit) falls far outside them.
RATE_BANDS = {
    "BND": (1.2, 1.45), "SGD": (1.2, 1.45), "IDR": (13_500, 17_000), "VND": (22_500, 27_000),
    "THB": (29, 37), "MYR": (3.9, 4.8), "PHP": (48, 60), "KHR": (3_950, 4_150),
    "LAK": (8_000, 23_000), "MMK": (1_300, 2_200), "USD": (1, 1), "EUR": (0.8, 1.0),
    "CNY": (6.3, 7.4), "HKD": (7.75, 7.85), "TWD": (27, 33.5), "KRW": (1_100, 1_500),
    "JPY": (100, 160), "AUD": (1.3, 1.6), "GBP": (0.7, 0.85), "INR": (68, 92),
}


def _counts() -> dict[str, int]:
    models = [Currency, Country, ExchangeRate, ScamType, ContactChannel, CodeList, Code]
    return {model.__name__: model.objects.count() for model in models}


def test_the_eleven_member_states_with_their_calling_codes_and_currencies():
    states = {c.code: c for c in Country.objects.filter(is_member_state=True)}
    assert sorted(states) == sorted(seed.MEMBER_STATE_CODES)
    assert len(states) == 11
    for code, country in states.items():
        expected = str(phonenumbers.country_code_for_region(code))
        assert country.calling_code == expected, code
        assert country.currency_id == EXPECTED_CURRENCY[code], code
    assert states["TL"].name == "Timor-Leste"
    assert states["TL"].joined == 2025


def test_common_non_asean_scam_currencies_are_present():
    for code in ["USD", "EUR", "CNY", "HKD", "TWD", "KRW", "JPY", "AUD", "GBP", "INR"]:
        assert Currency.objects.filter(pk=code).exists(), code
    assert Currency.objects.get(pk="VND").minor_units == 0
    assert Currency.objects.get(pk="JPY").minor_units == 0


def test_every_member_state_currency_has_a_rate_for_every_year():
    for currency in Country.objects.filter(is_member_state=True).values_list("currency_id",
                                                                           flat=True):
        years = set(ExchangeRate.objects.filter(currency_id=currency)
                    .values_list("year", flat=True))
        missing = set(RATE_YEARS) - years
        assert not missing, f"{currency} has no rate for {sorted(missing)}"


def test_every_shipped_currency_has_plausible_rates_with_a_source():
    for currency in Currency.objects.all():
        rates = list(ExchangeRate.objects.filter(currency=currency))
        assert [r.year for r in rates] == list(RATE_YEARS), currency.code
        low, high = RATE_BANDS[currency.code]
        for rate in rates:
            assert Decimal(str(low)) <= rate.units_per_usd <= Decimal(str(high)), rate
            assert rate.source.strip(), rate
            if rate.year >= 2025 and currency.code != "USD":
                assert "PROVISIONAL" in rate.source, rate


def test_brunei_dollar_is_at_par_with_the_singapore_dollar():
    bnd = dict(ExchangeRate.objects.filter(currency_id="BND").values_list("year", "units_per_usd"))
    sgd = dict(ExchangeRate.objects.filter(currency_id="SGD").values_list("year", "units_per_usd"))
    assert bnd == sgd


def test_the_scam_type_taxonomy_has_exactly_the_twelve_types():
    assert list(ScamType.objects.values_list("code", flat=True)) == [
        "investment", "romance", "job", "phishing", "impersonation", "online_shopping", "loan",
        "sextortion", "prize", "tech_support", "bec", "other",
    ]
    assert ScamType.objects.get(pk="other").mitre_f3 == ""
    assert ScamType.objects.get(pk="impersonation").mitre_f3.startswith("F1032 ")
    assert "phishing-pharming" in ScamType.objects.get(pk="phishing").gsma
    for scam_type in ScamType.objects.all():
        assert scam_type.description.strip(), scam_type.code


def test_the_thirteen_contact_channels():
    channels = dict(ContactChannel.objects.values_list("code", "kind"))
    assert list(channels) == [
        "call", "sms", "whatsapp", "telegram", "line", "zalo", "facebook", "instagram",
        "tiktok", "wechat", "dating_app", "website", "email",
    ]
    kinds = set(ContactChannel.Kind.values)
    assert set(channels.values()) <= kinds
    assert channels["call"] == "voice" and channels["email"] == "email"


def test_sex_and_age_group_code_lists_are_system_lists():
    sex = CodeList.objects.get(pk="sex")
    ages = CodeList.objects.get(pk="age-group")
    assert sex.is_system and ages.is_system
    assert list(sex.codes.values_list("code", flat=True)) == ["F", "M", "_O", "_U"]
    assert list(ages.codes.values_list("code", "lower", "upper")) == [
        ("0-17", 0, 17), ("18-24", 18, 24), ("25-34", 25, 34), ("35-44", 35, 44),
        ("45-54", 45, 54), ("55-64", 55, 64), ("65+", 65, None), ("unknown", None, None),
    ]


def test_loading_twice_neither_duplicates_nor_changes_anything():
    before = _counts()
    seed.load_all(apps)
    seed.load_all(apps)
    assert _counts() == before


def test_reloading_restores_an_edited_row_and_recreates_a_deleted_one():
    ExchangeRate.objects.filter(currency_id="THB", year=2022).update(units_per_usd=1)
    ScamType.objects.filter(pk="loan").update(name="Edited")
    Code.objects.filter(code_list_id="age-group", code="65+").delete()
    seed.load_all(apps)
    assert ExchangeRate.objects.get(currency_id="THB", year=2022).units_per_usd == Decimal(
        "35.061")
    assert ScamType.objects.get(pk="loan").name == "Loan scam"
    assert Code.objects.filter(code_list_id="age-group", code="65+").count() == 1


def test_loading_keeps_rows_an_administrator_added():
    CodeList.objects.create(code="disability", name="Disability status")
    seed.load_code_lists(apps)
    assert CodeList.objects.filter(pk="disability", is_system=False).exists()
