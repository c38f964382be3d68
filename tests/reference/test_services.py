from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jaring.reference.models import Currency, ExchangeRate
from jaring.reference.services import (
    age_group_for,
    age_group_for_birth_date,
    age_on,
    rate_for,
    to_usd,
)

pytestmark = pytest.mark.django_db


def test_to_usd_uses_the_rate_of_the_year():
    assert to_usd(Decimal("35061"), "THB", 2022) == Decimal("1000.00")
    assert to_usd("1000000", "idr", 2023) == Decimal("65.63")
    assert to_usd(250, "USD", 2024) == Decimal("250.00")


def test_to_usd_accepts_a_currency_instance():
    assert to_usd(1342.6, Currency.objects.get(pk="SGD"), 2023) == Decimal("1000.00")


def test_to_usd_falls_back_to_the_nearest_earlier_year():
    ExchangeRate.objects.filter(currency_id="MYR", year__gte=2024).delete()
    assert rate_for("MYR", 2026).year == 2023
    assert to_usd("4560.40", "MYR", 2026) == Decimal("1000.00")


def test_to_usd_uses_an_earlier_year_after_the_last_shipped_one():
    assert rate_for("PHP", 2031).year == 2026


def test_to_usd_refuses_a_year_before_any_rate():
    with pytest.raises(ValidationError) as error:
        to_usd(100, "THB", 2010)
    assert "currency" in error.value.message_dict
    assert "THB" in str(error.value) and "2010" in str(error.value)


def test_to_usd_refuses_an_unknown_currency():
    with pytest.raises(ValidationError) as error:
        to_usd(100, "XYZ", 2023)
    assert "Unknown currency 'XYZ'" in error.value.message_dict["currency"][0]


def test_to_usd_refuses_a_currency_without_rates():
    Currency.objects.create(code="NZD", name="New Zealand dollar")
    with pytest.raises(ValidationError, match="No reference rate to USD for NZD"):
        to_usd(100, "NZD", 2023)


@pytest.mark.parametrize(("amount", "field"), [("ten", "amount"), ("NaN", "amount")])
def test_to_usd_names_a_bad_amount(amount, field):
    with pytest.raises(ValidationError) as error:
        to_usd(amount, "USD", 2023)
    assert field in error.value.message_dict


@pytest.mark.parametrize("year", ["2023", 12, None, True])
def test_to_usd_names_a_bad_year(year):
    with pytest.raises(ValidationError) as error:
        to_usd(1, "USD", year)
    assert "year" in error.value.message_dict


@pytest.mark.parametrize(
    ("age", "group"),
    [
        (0, "0-17"), (17, "0-17"), (18, "18-24"), (24, "18-24"), (25, "25-34"), (34, "25-34"),
        (35, "35-44"), (44, "35-44"), (45, "45-54"), (54, "45-54"), (55, "55-64"),
        (64, "55-64"), (65, "65+"), (104, "65+"), (None, "unknown"),
    ],
)
def test_age_group_for(age, group):
    assert age_group_for(age) == group


@pytest.mark.parametrize("age", [-1, 30.5, "30"])
def test_age_group_for_refuses_a_bad_age(age):
    with pytest.raises(ValidationError) as error:
        age_group_for(age)
    assert "age" in error.value.message_dict


def test_age_on_counts_completed_years():
    born = datetime.date(2000, 2, 29)
    assert age_on(born, datetime.date(2018, 2, 28)) == 17
    assert age_on(born, datetime.date(2018, 3, 1)) == 18
    assert age_group_for_birth_date(born, datetime.date(2018, 2, 28)) == "0-17"
    assert age_group_for_birth_date(born, datetime.date(2018, 3, 1)) == "18-24"
    assert age_group_for_birth_date(None, datetime.date(2018, 3, 1)) == "unknown"
    with pytest.raises(ValidationError):
        age_on(born, datetime.date(1999, 1, 1))


def test_rate_table_converts_like_to_usd(db):
    from decimal import Decimal

    from jaring.reference.services import RateTable, to_usd

    table = RateTable()
    for currency, year in (("THB", 2024), ("IDR", 2021), ("SGD", 2030)):
        assert table.to_usd(Decimal("12345.67"), currency, year) == to_usd(
            Decimal("12345.67"), currency, year)
    assert table.to_usd(Decimal("1"), "THB", 1990) is None  # never a later year's rate
    assert table.to_usd(None, "THB", 2024) is None
    assert table.to_usd(Decimal("1"), "XYZ", 2024) is None
