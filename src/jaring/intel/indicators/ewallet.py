"""E-wallets and instant-payment proxies → provider + normalised identifier.

Mobile-number identifiers become E.164, so ``ewallet:gcash:+639171234567`` shares its tail
with the phone indicator ``+639171234567``. Other identifiers carry their type
(``ewallet:promptpay:nid:1101700203451``) so a 12-digit MyKad can never collide with a
12-digit business registration number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from stdnum.my import nric as my_nric
from stdnum.sg import uen as sg_uen
from stdnum.th import pin as th_pin
from stdnum.th import tin as th_tin

from .base import IndicatorKind, InvalidIndicator, Normalised, fail
from .phone import MOBILE_TYPES, e164, parse_phone

KIND = IndicatorKind.EWALLET
_ASEAN_GRAB = ("MY", "SG", "PH", "ID", "TH", "VN", "MM", "KH")


@dataclass(frozen=True, slots=True)
class Provider:
    key: str
    name: str
    countries: tuple[str, ...]
    # Identifier types besides a mobile number, tried in order.
    proxies: tuple[str, ...] = ()


PROVIDERS = {
    p.key: p
    for p in (
        Provider("gcash", "GCash", ("PH",)),
        Provider("maya", "Maya", ("PH",)),
        Provider("grabpay", "GrabPay", _ASEAN_GRAB),
        Provider("truemoney", "TrueMoney", ("TH",)),
        Provider("dana", "DANA", ("ID",)),
        Provider("ovo", "OVO", ("ID",)),
        Provider("gopay", "GoPay", ("ID",)),
        Provider("momo", "MoMo", ("VN",)),
        Provider("tng", "Touch 'n Go eWallet", ("MY",)),
        Provider("paynow", "PayNow", ("SG",), ("nric", "uen")),
        Provider("promptpay", "PromptPay", ("TH",), ("nid", "ewallet")),
        Provider("duitnow", "DuitNow", ("MY",), ("mykad", "brn", "passport")),
    )
}
_ALIASES = {
    "gcash": "gcash", "globegcash": "gcash",
    "maya": "maya", "paymaya": "maya",
    "grabpay": "grabpay", "grab": "grabpay",
    "truemoney": "truemoney", "truemoneywallet": "truemoney", "truewallet": "truemoney",
    "dana": "dana", "ovo": "ovo", "gopay": "gopay", "gojek": "gopay",
    "momo": "momo", "vimomo": "momo",
    "tng": "tng", "touchngo": "tng", "touchandgo": "tng", "tngdigital": "tng",
    "paynow": "paynow", "promptpay": "promptpay", "duitnow": "duitnow",
}  # fmt: skip
_KEY = re.compile(r"[^a-z0-9]")
_SPLIT = re.compile(r"[\s:|/]+")
_TYPED = re.compile(r"(mobile|nric|uen|nid|ewallet|mykad|brn|passport):(.+)", re.I)
_DIGIT_SEPARATORS = re.compile(r"[\s\-.]")
_SG_NRIC = re.compile(r"[STFGM]\d{7}[A-Z]")
_PHONEISH = re.compile(r"\+?[\d\s\-.()]{6,}")
_MY_BRN_NEW = re.compile(r"(19|20)\d{2}0[1-6]\d{6}")
_MY_BRN_OLD = re.compile(r"\d{5,7}[A-Z]")
_PASSPORT = re.compile(r"[A-Z0-9]{6,12}")


def provider_key(name: str) -> str | None:
    key = _KEY.sub("", name.casefold())
    for suffix in ("ewallet", "wallet"):
        if key.endswith(suffix) and key != suffix:
            key = key[: -len(suffix)]
            break
    return _ALIASES.get(key)


def _sg_nric_ok(nric: str) -> bool:
    # Published NRIC/FIN check-letter rule; the M series (2022+) uses an undisclosed
    # table, so only its shape is checked.
    prefix = nric[0]
    if prefix == "M":
        return True
    total = sum(int(d) * w for d, w in zip(nric[1:8], (2, 7, 6, 5, 4, 3, 2), strict=True))
    if prefix in "TG":
        total += 4
    letters = "JZIHGFEDCBA" if prefix in "ST" else "XWUTRQPNMLK"
    return letters[total % 11] == nric[8]


def _mobile(raw: object, provider: Provider, ident: str, country: str | None) -> str:
    region = provider.countries[0] if len(provider.countries) == 1 else country
    if region not in provider.countries and not ident.lstrip().startswith(("+", "00")):
        raise fail(KIND, raw, f"{provider.name} numbers need a country code (+..)")
    try:
        number, kind = parse_phone(ident, region)
    except InvalidIndicator as exc:
        raise fail(KIND, raw, exc.reason) from None
    where = phonenumbers.region_code_for_number(number)
    if where not in provider.countries:
        raise fail(KIND, raw, f"{provider.name} does not use numbers from {where}")
    if kind not in MOBILE_TYPES:
        raise fail(KIND, raw, f"{provider.name} accounts use mobile numbers")
    return e164(number)


def _proxy(raw: object, provider: Provider, kind: str, ident: str) -> str | None:
    """Return ``kind:normalised`` when ident is a valid proxy of that kind, else None."""
    compact = _DIGIT_SEPARATORS.sub("", ident).upper()
    if kind == "nric":
        return f"nric:{compact}" if _SG_NRIC.fullmatch(compact) and _sg_nric_ok(compact) else None
    if kind == "uen":
        return f"uen:{compact}" if sg_uen.is_valid(compact) else None
    if kind == "nid":
        if len(compact) == 13 and compact.isdigit() and (
            th_pin.is_valid(compact) or th_tin.is_valid(compact)
        ):
            return f"nid:{compact}"
        return None
    if kind == "ewallet":
        return f"ewallet:{compact}" if len(compact) == 15 and compact.isdigit() else None
    if kind == "mykad":
        return f"mykad:{compact}" if len(compact) == 12 and my_nric.is_valid(compact) else None
    if kind == "brn":
        if _MY_BRN_NEW.fullmatch(compact) or _MY_BRN_OLD.fullmatch(compact):
            return f"brn:{compact}"
        return None
    if kind == "passport":
        return f"passport:{compact}" if _PASSPORT.fullmatch(compact) else None
    raise AssertionError(kind)


def _identifier(raw: object, provider: Provider, ident: str, country: str | None) -> str:
    typed = _TYPED.fullmatch(ident.strip())
    if typed:
        kind, body = typed.group(1).lower(), typed.group(2)
        if kind == "mobile":
            return _mobile(raw, provider, body, country)
        if kind not in provider.proxies:
            raise fail(KIND, raw, f"{provider.name} has no {kind} identifiers")
        found = _proxy(raw, provider, kind, body)
        if found is None:
            raise fail(KIND, raw, f"not a valid {kind} for {provider.name}")
        return found
    # Passports are free-form; only an explicit "passport:" prefix makes one, so a typo'd
    # phone number is never silently filed as a passport.
    for kind in provider.proxies:
        if kind != "passport":
            found = _proxy(raw, provider, kind, ident)
            if found is not None:
                return found
    if _PHONEISH.fullmatch(ident.strip()):
        return _mobile(raw, provider, ident, country)
    if provider.proxies:
        kinds = ", ".join(["mobile number", *provider.proxies])
        raise fail(KIND, raw, f"not a {provider.name} identifier ({kinds})")
    raise fail(KIND, raw, f"{provider.name} accounts are identified by a mobile number")


def _split_provider(raw: str) -> tuple[str, str] | None:
    """Find a known provider name at the start of ``raw``; return (provider key, rest)."""
    text = raw.strip()
    if text.lower().startswith("ewallet:"):
        text = text[8:]
    best: tuple[str, str] | None = None
    for match in _SPLIT.finditer(text):
        key = provider_key(text[: match.start()])
        if key:
            best = (key, text[match.end() :])
    return best


def normalise_ewallet(
    raw: str, *, provider: str | None = None, country: str | None = None
) -> Normalised:
    if not isinstance(raw, str):
        raise fail(KIND, raw, "not text")
    if not raw.strip():
        raise fail(KIND, raw, "empty")
    if provider is None:
        split = _split_provider(raw)
        if split is None:
            raise fail(KIND, raw, "name the e-wallet provider (GCash, DANA, PayNow...)")
        key, ident = split
    else:
        found = provider_key(provider)
        if found is None:
            raise fail(KIND, raw, f"unknown e-wallet provider {provider!r}")
        key, ident = found, raw
    spec = PROVIDERS[key]
    identifier = _identifier(raw, spec, ident, country)
    id_type = "mobile" if identifier.startswith("+") else identifier.split(":", 1)[0]
    attributes = {"provider": key, "provider_name": spec.name, "id_type": id_type}
    if id_type == "mobile":
        attributes["phone"] = identifier
    display = f"{spec.name} {identifier.split(':', 1)[-1]}"
    return Normalised(KIND, f"ewallet:{key}:{identifier}", display, attributes)
