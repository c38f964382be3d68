"""Shared vocabulary of the indicator normalisers: kinds, results, rejections, refanging."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class IndicatorKind(StrEnum):
    PHONE = "phone"
    BANK_ACCOUNT = "bank_account"
    EWALLET = "ewallet"
    CRYPTO_WALLET = "crypto_wallet"
    URL = "url"
    DOMAIN = "domain"
    IP = "ip"
    EMAIL = "email"
    SOCIAL_HANDLE = "social_handle"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    IndicatorKind.PHONE: "phone number",
    IndicatorKind.BANK_ACCOUNT: "bank account",
    IndicatorKind.EWALLET: "e-wallet",
    IndicatorKind.CRYPTO_WALLET: "crypto wallet",
    IndicatorKind.URL: "URL",
    IndicatorKind.DOMAIN: "domain",
    IndicatorKind.IP: "IP address",
    IndicatorKind.EMAIL: "e-mail address",
    IndicatorKind.SOCIAL_HANDLE: "social handle",
}


@dataclass(frozen=True, slots=True)
class Normalised:
    """One indicator in canonical form.

    ``value`` is the matching key: two reports name the same indicator exactly when
    kind and value are equal. ``display`` is what a person should see, ``attributes``
    hold derived facts (country, chain, registrable domain...). Attributes are left
    out of the hash because dicts are unhashable; they are derived from the value, so
    equal values give equal attributes anyway.
    """

    kind: IndicatorKind
    value: str
    # The display text, or None for a kind that formats it from the rest only when
    # it is read (see display_from_value).
    shown: str | None
    attributes: dict[str, Any] = field(default_factory=dict, hash=False)

    @property
    def display(self) -> str:
        if self.shown is not None:
            return self.shown
        return _DISPLAY_FROM_VALUE[self.kind](self)


# A bulk import normalises millions of values and shows none of them: formatting
# every phone number for people cost a parsing process 6% of its time.
_DISPLAY_FROM_VALUE: dict[IndicatorKind, Callable[[Normalised], str]] = {}


def display_from_value(kind: IndicatorKind, formats: Callable[[Normalised], str]) -> None:
    """Have ``kind``'s display text made by ``formats`` when read, not when normalised."""
    _DISPLAY_FROM_VALUE[kind] = formats


_RAW_SHOWN = 120


class InvalidIndicator(ValueError):
    """Raised when raw input cannot be an indicator of the requested kind."""

    def __init__(self, kind: IndicatorKind | str, raw: object, reason: str) -> None:
        self.kind = IndicatorKind(kind)
        self.raw = raw
        self.reason = reason
        shown = str(raw)
        # Reasons never echo anything but the raw value; very long pastes are cut so one
        # rejected line cannot flood a log or an import report.
        if len(shown) > _RAW_SHOWN:
            shown = shown[: _RAW_SHOWN - 1] + "…"
        super().__init__(f"not a valid {self.kind.label} {shown!r}: {reason}")


def fail(kind: IndicatorKind, raw: object, reason: str) -> InvalidIndicator:
    return InvalidIndicator(kind, raw, reason)


# Defanging conventions seen in threat-intel feeds, scam-report forms and analyst notes.
_DEFANG = re.compile(
    r"hxxp(s?)(?=[:\[])|\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}|\s\[dot\]\s|\[:\]|\[://\]"
    r"|\[at\]|\(at\)|\{at\}|\[@\]|\s\[at\]\s",
    re.IGNORECASE,
)
_DEFANG_HINT = re.compile(r"[\[\({]|hxxp", re.IGNORECASE)
_REPLACEMENTS = {
    "[.]": ".",
    "(.)": ".",
    "{.}": ".",
    "[dot]": ".",
    "(dot)": ".",
    "{dot}": ".",
    "[:]": ":",
    "[://]": "://",
    "[at]": "@",
    "(at)": "@",
    "{at}": "@",
    "[@]": "@",
}


def _replace(match: re.Match[str]) -> str:
    text = match.group(0)
    if text[:1] in "hH":
        return "https" if match.group(1) else "http"
    return _REPLACEMENTS[text.strip().lower()]


def refang(text: str) -> str:
    """Undo common defanging: ``hxxp``, ``[.]``, ``(.)``, ``[dot]``, ``[:]``, ``[at]``."""
    text = text.strip()
    if not _DEFANG_HINT.search(text):
        return text
    return _DEFANG.sub(_replace, text)


_COUNTRY = re.compile(r"[A-Za-z]{2}")


def normalise_country(country: str | None) -> str | None:
    """Validate an ISO 3166-1 alpha-2 region code; raise ValueError naming the field."""
    if country is None or country == "":
        return None
    if not isinstance(country, str) or not _COUNTRY.fullmatch(country):
        raise ValueError(f"country: expected a two-letter ISO country code, got {country!r}")
    return country.upper()
