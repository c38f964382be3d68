"""Mobile phone numbers that are valid in each member state's numbering plan.

Numbers are drawn from real mobile prefixes and checked with ``phonenumbers``, so
they pass the same validation as user input. They are random: some will belong
to real subscribers, so demo data must never be used to contact anyone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

# National mobile prefixes and how many random digits follow each.
MOBILE_PLANS: dict[str, tuple[tuple[str, int], ...]] = {
    "BN": (("71", 5), ("72", 5), ("81", 5), ("87", 5), ("88", 5), ("89", 5)),
    "KH": (("12", 6), ("11", 6), ("17", 6), ("92", 6), ("97", 7), ("96", 7), ("88", 7),
           ("10", 6), ("15", 6), ("16", 6), ("70", 6), ("81", 6)),
    "ID": (("812", 8), ("813", 8), ("821", 8), ("822", 8), ("852", 8), ("857", 8),
           ("878", 8), ("896", 8)),
    "LA": (("202", 7), ("205", 7), ("207", 7), ("209", 7), ("2022", 6), ("2055", 6)),
    "MY": (("12", 7), ("13", 7), ("16", 7), ("17", 7), ("19", 7), ("11", 8)),
    "MM": (("925", 7), ("942", 7), ("976", 7), ("979", 7), ("969", 7), ("945", 7),
           ("977", 7)),
    "PH": (("917", 7), ("918", 7), ("905", 7), ("927", 7), ("939", 7), ("998", 7),
           ("966", 7)),
    "SG": (("81", 6), ("82", 6), ("83", 6), ("87", 6), ("90", 6), ("91", 6), ("93", 6),
           ("96", 6), ("97", 6), ("98", 6)),
    "TH": (("81", 7), ("82", 7), ("86", 7), ("89", 7), ("61", 7), ("62", 7), ("91", 7),
           ("95", 7)),
    "TL": (("77", 6), ("78", 6), ("76", 6), ("75", 6)),
    "VN": (("90", 7), ("91", 7), ("93", 7), ("94", 7), ("96", 7), ("97", 7), ("98", 7),
           ("32", 7), ("33", 7), ("86", 7), ("88", 7), ("70", 7), ("77", 7)),
}

_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


@dataclass(frozen=True)
class DemoPhone:
    country: str
    e164: str
    international: str
    national: str

    def __str__(self) -> str:
        return self.international


def _acceptable(number: phonenumbers.PhoneNumber) -> bool:
    return phonenumbers.is_valid_number(number) and (
        phonenumbers.number_type(number) in _MOBILE_TYPES
    )


def _describe(country: str, number: phonenumbers.PhoneNumber) -> DemoPhone:
    return DemoPhone(
        country=country,
        e164=phonenumbers.format_number(number, PhoneNumberFormat.E164),
        international=phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL),
        national=phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL),
    )


def mobile_number(country: str, rng: random.Random) -> DemoPhone:
    """A random, valid mobile number in ``country``."""
    try:
        plans = MOBILE_PLANS[country]
    except KeyError:
        raise ValueError(f"no demo phone numbers for country {country!r}") from None
    for _ in range(50):
        prefix, length = rng.choice(plans)
        digits = prefix + "".join(str(rng.randrange(10)) for _ in range(length))
        number = phonenumbers.PhoneNumber(
            country_code=phonenumbers.country_code_for_region(country),
            national_number=int(digits),
        )
        if _acceptable(number):
            return _describe(country, number)
    # The prefix table went stale against the numbering plan: vary the library's
    # own example, which is valid by construction, rather than fail the demo.
    example = phonenumbers.example_number_for_type(country, PhoneNumberType.MOBILE)
    if example is None:
        raise ValueError(f"phonenumbers knows no mobile numbers for {country!r}")
    text = str(example.national_number)
    for _ in range(200):
        tail = "".join(str(rng.randrange(10)) for _ in range(3))
        number = phonenumbers.PhoneNumber(
            country_code=example.country_code, national_number=int(text[:-3] + tail)
        )
        if _acceptable(number):
            return _describe(country, number)
    return _describe(country, example)
