"""One entry point per use: ``normalise`` for a known kind, ``guess_kind`` for a search box."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from .bank import normalise_bank_account
from .base import IndicatorKind, InvalidIndicator, Normalised, normalise_country, refang
from .crypto import normalise_crypto
from .email import normalise_email
from .ewallet import normalise_ewallet
from .network import normalise_ip
from .phone import normalise_phone
from .social import normalise_social
from .url import normalise_domain, normalise_url

_Normaliser = Callable[[str, "str | None", "str | None"], Normalised]

# ``hint`` means: the bank for bank accounts, the provider for e-wallets, the chain for
# crypto wallets and the platform for social handles. Other kinds ignore it.
_DISPATCH: dict[IndicatorKind, _Normaliser] = {
    IndicatorKind.PHONE: lambda raw, country, hint: normalise_phone(raw, country),
    IndicatorKind.BANK_ACCOUNT: lambda raw, country, hint: normalise_bank_account(
        raw, bank=hint, country=country
    ),
    IndicatorKind.EWALLET: lambda raw, country, hint: normalise_ewallet(
        raw, provider=hint, country=country
    ),
    IndicatorKind.CRYPTO_WALLET: lambda raw, country, hint: normalise_crypto(raw, hint),
    IndicatorKind.URL: lambda raw, country, hint: normalise_url(raw),
    IndicatorKind.DOMAIN: lambda raw, country, hint: normalise_domain(raw),
    IndicatorKind.IP: lambda raw, country, hint: normalise_ip(raw),
    IndicatorKind.EMAIL: lambda raw, country, hint: normalise_email(raw),
    IndicatorKind.SOCIAL_HANDLE: lambda raw, country, hint: normalise_social(
        raw, platform=hint, country=country
    ),
}


def _kind(kind: IndicatorKind | str) -> IndicatorKind:
    try:
        return IndicatorKind(kind)
    except ValueError:
        choices = ", ".join(k.value for k in IndicatorKind)
        raise ValueError(f"kind: unknown indicator kind {kind!r} (one of {choices})") from None


def normalise(
    kind: IndicatorKind | str,
    raw: str,
    *,
    country: str | None = None,
    hint: str | None = None,
) -> Normalised:
    """Normalise ``raw`` as ``kind``; raise InvalidIndicator with a reason if it is not one.

    ``country`` is the reporting country (ISO alpha-2), used to read local phone numbers
    and national bank codes.
    """
    if not isinstance(raw, str):
        return _normalise(kind, raw, country, hint or None)
    return _cached(kind, raw, country, hint or None)


def _normalise(kind: IndicatorKind | str, raw: str, country: str | None,
               hint: str | None) -> Normalised:
    return _DISPATCH[_kind(kind)](raw, normalise_country(country), hint)


# Scam indicators repeat: a syndicate's mule account or number appears in report after
# report. The normalisers are pure functions of these arguments, and Normalised is
# immutable. Small: measured on a million generated reports, 65,536 entries saved a
# parsing process no time over 1,024 but cost it 50 MB (most repeats are a few
# values used very often, which any size keeps).
_cached = functools.lru_cache(maxsize=1 << 12)(_normalise)


_CRYPTO_SHAPE = re.compile(
    r"0[xX][0-9a-fA-F]{40}|T[1-9A-HJ-NP-Za-km-z]{33}|[13][1-9A-HJ-NP-Za-km-z]{24,33}"
    r"|(?:bc|BC|tb|TB)1[0-9A-Za-z]{8,87}"
)
_PHONE_SHAPE = re.compile(r"(?:tel:)?\+?[\d\s\-.()/]{6,24}", re.I)
_IP_SHAPE = re.compile(r"\[?[0-9a-fA-F:.]+\]?")
_IBAN_SHAPE = re.compile(r"[A-Za-z]{2}\d{2}[A-Za-z0-9 ]{10,40}")
_EMAIL_SHAPE = re.compile(r"(?:mailto:)?[^@\s/]+@[^@\s/]+\.[^@\s/]+", re.I)
_HANDLE_SHAPE = re.compile(r"@[A-Za-z0-9_.]{1,32}")
_HAS_SCHEME = re.compile(r"[a-z][a-z0-9+.\-]*://", re.I)
_DOMAINISH = re.compile(r"[^\s/@:]+\.[^\s/@:]+(?::\d+)?(?:[/?#]\S*)?")
_HANDLE_PLATFORMS = ("telegram", "tiktok", "instagram", "x", "facebook")


def guess_kind(raw: str, country: str | None = None) -> list[Normalised]:
    """Every plausible reading of a pasted indicator, most likely first.

    Built for the search box: a defanged URL, a local phone number or a wallet address
    pasted as-is should find the reports that hold it, so this tries each kind whose
    shape fits and keeps the ones that normalise. Nothing matches → empty list.
    """
    if not isinstance(raw, str):
        return []
    country = normalise_country(country)
    text = refang(raw)
    if not text:
        return []
    attempts: list[tuple[IndicatorKind, str | None]] = []
    if _EMAIL_SHAPE.fullmatch(text):
        attempts.append((IndicatorKind.EMAIL, None))
    if _CRYPTO_SHAPE.fullmatch(text):
        attempts.append((IndicatorKind.CRYPTO_WALLET, None))
    if _HAS_SCHEME.match(text) or text.startswith("//"):
        attempts += [(IndicatorKind.SOCIAL_HANDLE, None), (IndicatorKind.URL, None)]
    elif _PHONE_SHAPE.fullmatch(text):
        attempts.append((IndicatorKind.PHONE, None))
        if _IP_SHAPE.fullmatch(text):
            attempts.append((IndicatorKind.IP, None))
    elif _IP_SHAPE.fullmatch(text) and (":" in text or "." in text):
        attempts.append((IndicatorKind.IP, None))
    elif _HANDLE_SHAPE.fullmatch(text):
        attempts += [(IndicatorKind.SOCIAL_HANDLE, p) for p in _HANDLE_PLATFORMS]
    elif _DOMAINISH.fullmatch(text):
        if "/" not in text and "?" not in text and ":" not in text:
            attempts.append((IndicatorKind.DOMAIN, None))
        attempts += [(IndicatorKind.SOCIAL_HANDLE, None), (IndicatorKind.URL, None)]
    if _IBAN_SHAPE.fullmatch(text):
        attempts.append((IndicatorKind.BANK_ACCOUNT, None))
    if " " in text or ":" in text:
        # "GCash 0917 123 4567", "Maybank 1234 5678 9012", "telegram: @boss"
        attempts += [
            (IndicatorKind.EWALLET, None),
            (IndicatorKind.BANK_ACCOUNT, None),
            (IndicatorKind.SOCIAL_HANDLE, None),
        ]
    found: list[Normalised] = []
    seen: set[tuple[IndicatorKind, str]] = set()
    for kind, hint in attempts:
        try:
            result = _DISPATCH[kind](text, country, hint)
        except InvalidIndicator:
            continue
        if (result.kind, result.value) not in seen:
            seen.add((result.kind, result.value))
            found.append(result)
    return found
