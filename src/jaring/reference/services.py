"""Using the reference data: currency conversion to US dollars and age-group binning.

These functions only read. The reference tables themselves change through data
migrations (see ``seed.py``) or the admin, which audits its own changes.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from jaring.reference.models import Code, Currency, ExchangeRate

AGE_GROUP_LIST = "age-group"
UNKNOWN_AGE_GROUP = "unknown"
_CENT = Decimal("0.01")


def _currency_code(currency: Currency | str) -> str:
    code = currency.code if isinstance(currency, Currency) else str(currency or "").strip().upper()
    if not code:
        raise ValidationError({"currency": "A currency code is required."})
    if not Currency.objects.filter(pk=code).exists():
        raise ValidationError({"currency": f"Unknown currency {code!r}: use an ISO 4217 code."})
    return code


def _year(year: int) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2999:
        raise ValidationError({"year": f"{year!r} is not a year."})
    return year


def rate_for(currency: Currency | str, year: int) -> ExchangeRate:
    """The reference rate to use for ``year``: that year's, else the nearest earlier one.

    Falling back to an earlier year (rather than a later one) means an amount is
    never converted at a rate that was not yet known when the loss happened; the
    returned row says which year was actually used.
    """
    code = _currency_code(currency)
    year = _year(year)
    rate = (
        ExchangeRate.objects.filter(currency_id=code, year__lte=year).order_by("-year").first()
    )
    if rate is None:
        raise ValidationError(
            {"currency": f"No reference rate to USD for {code} in {year} or any earlier year."}
        )
    return rate


def to_usd(amount: Decimal | int | str, currency: Currency | str, year: int) -> Decimal:
    """``amount`` of ``currency`` in US dollars at the annual reference rate, to the cent."""
    try:
        value = Decimal(str(amount).strip()) if not isinstance(amount, Decimal) else amount
    except (InvalidOperation, ValueError):
        raise ValidationError({"amount": f"{amount!r} is not a number."}) from None
    if not value.is_finite():
        raise ValidationError({"amount": f"{amount!r} is not a finite number."})
    rate = rate_for(currency, year)
    return (value / rate.units_per_usd).quantize(_CENT, rounding=ROUND_HALF_UP)


class RateTable:
    """The reference rates held in memory, for converting many amounts at once (a bulk
    import) with one query instead of one per amount. Same rule as :func:`rate_for`:
    that year's rate, else the nearest earlier one, never a later one."""

    def __init__(self) -> None:
        self._rates: dict[str, list[tuple[int, Decimal]]] = {}
        for currency, year, rate in ExchangeRate.objects.order_by("year").values_list(
            "currency_id", "year", "units_per_usd"
        ):
            self._rates.setdefault(currency, []).append((year, rate))

    def to_usd(self, amount: Decimal | None, currency: str | None, year: int) -> Decimal | None:
        """``amount`` in US dollars to the cent, or None when it cannot be converted."""
        if amount is None or currency is None:
            return None
        rate = None
        for row_year, row_rate in self._rates.get(currency, ()):
            if row_year > year:
                break
            rate = row_rate
        if rate is None:
            return None
        return (amount / rate).quantize(_CENT, rounding=ROUND_HALF_UP)


def age_group_for(age: int | None) -> str:
    """The code of the age group that an age in completed years falls in.

    ``None`` (age not known) gives the ``unknown`` code; so does an age that no
    bounded group covers, which can only happen if an administrator leaves a gap.
    """
    if age is None:
        return UNKNOWN_AGE_GROUP
    if isinstance(age, bool) or not isinstance(age, int):
        raise ValidationError({"age": f"{age!r} is not a whole number of years."})
    if age < 0:
        raise ValidationError({"age": "An age cannot be negative."})
    groups = Code.objects.filter(code_list_id=AGE_GROUP_LIST, lower__isnull=False)
    for group in groups.order_by("lower"):
        bounded_below = group.lower is not None and group.lower <= age
        if bounded_below and (group.upper is None or age <= group.upper):
            return group.code
    return UNKNOWN_AGE_GROUP


def age_on(born: datetime.date, on: datetime.date) -> int:
    """Age in completed years on a date (someone born on 29 February ages on 1 March)."""
    if on < born:
        raise ValidationError({"date_of_birth": "The date of birth is after the reference date."})
    had_birthday = (on.month, on.day) >= (born.month, born.day)
    return on.year - born.year - (0 if had_birthday else 1)


def age_group_for_birth_date(born: datetime.date | None, on: datetime.date) -> str:
    """The age-group code for a date of birth, e.g. when erasure keeps only the group."""
    return age_group_for(None if born is None else age_on(born, on))
