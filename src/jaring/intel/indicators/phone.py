"""Phone numbers → E.164, read with the reporting country as the default region."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType
from phonenumbers import ValidationResult as _VR

from .base import IndicatorKind, InvalidIndicator, Normalised, display_from_value, fail

KIND = IndicatorKind.PHONE

# phonenumbers happily digs a number out of free text ("call me 9123 4567"); an indicator
# must be the number alone, so only separators people actually type are allowed.
_SHAPE = re.compile(r"(?:tel:)?\s*\+?[\d\s\-.()/]+(?:\s*(?:ext\.?|x|#)\s*\d{1,6})?", re.I)
_NON_DIGITS = re.compile(r"\D")

_TYPE_NAMES = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "fixed",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
    PhoneNumberType.UNKNOWN: "unknown",
}
MOBILE_TYPES = frozenset({"mobile", "fixed_or_mobile"})

_POSSIBLE_REASONS = {
    _VR.TOO_SHORT: "too short",
    _VR.TOO_LONG: "too long",
    _VR.INVALID_COUNTRY_CODE: "unknown country calling code",
    _VR.INVALID_LENGTH: "wrong number of digits",
}

_MEMBER_REGIONS = ("BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "TL", "VN")

# Warm the metadata of the member states once at import: phonenumbers loads each region
# lazily, and the first parse for a region is two orders of magnitude slower.
for _region in _MEMBER_REGIONS:
    phonenumbers.example_number(_region)


# Numbers of the member states written plainly (digits and separators, with "+" or
# the national prefix "0") are read straight from phonenumbers' metadata: the same
# country code extraction, prefix stripping and type patterns as phonenumbers.parse,
# without its free-text extraction, which costs three quarters of a bulk import's
# phone checks. Anything else, and every rejection, goes through phonenumbers.parse.
_CALLING_CODE = {r: phonenumbers.country_code_for_region(r) for r in _MEMBER_REGIONS}
_FAST_CODES = frozenset(_CALLING_CODE.values())
_TRUNK_PREFIX = {r: getattr(phonenumbers.PhoneMetadata.metadata_for_region(r), "national_prefix",
                            None) or "" for r in _MEMBER_REGIONS}
_SEPARATORS = str.maketrans("", "", " -.()/")


# Types in the order phonenumbers tries them (its _number_type_helper); fixed lines
# and mobiles come last, as a number that is both is "fixed_or_mobile".
_TYPE_ORDER = (
    ("premium_rate", "premium_rate"), ("toll_free", "toll_free"),
    ("shared_cost", "shared_cost"), ("voip", "voip"), ("personal_number", "personal"),
    ("pager", "pager"), ("uan", "uan"), ("voicemail", "voicemail"),
)  # fmt: skip
_Match = Callable[[str], object]


def _desc(desc: Any, length: int) -> _Match | None:
    """The pattern of a number description for numbers of ``length`` digits, or
    None when no such number fits it (phonenumbers' _is_number_matching_desc)."""
    if desc is None or not desc.national_number_pattern:
        return None
    if desc.possible_length and length not in desc.possible_length:
        return None
    return re.compile(desc.national_number_pattern).fullmatch


_Types = tuple[_Match | None, tuple[tuple[str, _Match], ...], _Match | None, _Match | None, bool]


def _types_for(region: str) -> dict[int, _Types]:
    """Per length of the national number, the patterns that apply to it in ``region``."""
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if meta is None:
        raise ValueError(f"phonenumbers has no metadata for {region}")
    table = {}
    for length in range(1, 18):
        others = tuple((name, match) for attribute, name in _TYPE_ORDER
                       if (match := _desc(getattr(meta, attribute), length)) is not None)
        table[length] = (_desc(meta.general_desc, length), others,
                         _desc(meta.fixed_line, length), _desc(meta.mobile, length),
                         bool(meta.same_mobile_and_fixed_line_pattern))
    return table


def _type_in(table: dict[int, _Types], national: str) -> str | None:
    """The type's name as phonenumbers.number_type gives it, or None for "unknown"
    (not a valid number)."""
    entry = table.get(len(national))
    if entry is None:
        return None
    general, others, fixed, mobile, same = entry
    if general is None or not general(national):
        return None
    for name, match in others:
        if match(national):
            return name
    if fixed is not None and fixed(national):
        return "fixed_or_mobile" if same or (mobile is not None and mobile(national)) else "fixed"
    if not same and mobile is not None and mobile(national):
        return "mobile"
    return None


# Per calling code, compiled once: phonenumbers.number_type looks the metadata up
# again and goes through four calls per pattern for every number.
_TYPES = {_CALLING_CODE[r]: _types_for(r) for r in _MEMBER_REGIONS}


def _fast(text: str, region: str | None) -> tuple[phonenumbers.PhoneNumber, str] | None:
    """The number and its type name, or None when phonenumbers.parse must decide."""
    compact = text.translate(_SEPARATORS)
    international = compact.startswith("+")
    digits = compact[1:] if international else compact
    if not (digits.isascii() and digits.isdigit()):
        return None
    if international:
        # No calling code starts with 0, and int() would read "+062" as 62.
        if digits.startswith("0"):
            return None
        # phonenumbers takes the shortest prefix that is a calling code.
        for size in (1, 2, 3):
            if int(digits[:size]) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
                break
        else:
            return None
        code, national = int(digits[:size]), digits[size:]
        if code not in _FAST_CODES:
            return None
    else:
        if region not in _CALLING_CODE:
            return None
        code = _CALLING_CODE[region]
        prefix = _TRUNK_PREFIX[region]
        national = digits[len(prefix):] if prefix and digits.startswith(prefix) else digits
    # A leading zero left here means an international prefix, a trunk prefix written
    # twice or an Italian-style number: cases phonenumbers.parse reads its own way.
    if not national or national.startswith("0") or len(national) > 17:
        return None
    kind = _type_in(_TYPES[code], national)
    if kind is None:
        return None
    return phonenumbers.PhoneNumber(country_code=code, national_number=int(national)), kind


def _parse(text: str, region: str | None) -> phonenumbers.PhoneNumber:
    return phonenumbers.parse(text, region, keep_raw_input=False)


def _check(raw: str, number: phonenumbers.PhoneNumber, region: str | None) -> str:
    """Return the number's type name; raise with a reason when the number is not valid.

    A number is valid exactly when it matches one of its region's type patterns, so the
    type lookup doubles as the validity check and the possibility check (which only
    explains failures) runs for rejected numbers alone.
    """
    kind = _TYPE_NAMES.get(phonenumbers.number_type(number), "unknown")
    if kind != "unknown":
        return kind
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible not in (_VR.IS_POSSIBLE, _VR.IS_POSSIBLE_LOCAL_ONLY):
        raise fail(KIND, raw, _POSSIBLE_REASONS.get(possible, "not a possible number"))
    code = number.country_code or 0
    where = phonenumbers.region_code_for_country_code(code)
    if where in (None, "ZZ", "001"):
        where = region or f"+{code}"
    raise fail(KIND, raw, f"not a valid number for {where}")


def parse_phone(raw: str, country: str | None = None) -> tuple[phonenumbers.PhoneNumber, str]:
    """Parse and validate; return the number and its type name (mobile, fixed...).

    Raises InvalidIndicator with a human reason.
    """
    if not isinstance(raw, str):
        raise fail(KIND, raw, "not text")
    text = raw.strip()
    if not text:
        raise fail(KIND, raw, "empty")
    if not _SHAPE.fullmatch(text):
        raise fail(KIND, raw, "not a phone number")
    digits = _NON_DIGITS.sub("", text.split("x")[0].split("X")[0].split("#")[0])
    if len(digits) < 3:
        raise fail(KIND, raw, "too short")
    body = text[4:].lstrip() if text[:4].lower() == "tel:" else text
    # "00" is the international prefix nearly everywhere people write numbers by hand;
    # phonenumbers only honours it where it is that region's exact IDD (not in SG or TH).
    if body.startswith("00") and not body.startswith("000"):
        if (fast := _fast("+" + body[2:], None)) is not None:
            return fast
        try:
            number = _parse("+" + body[2:], None)
            return number, _check(raw, number, country)
        except (NumberParseException, InvalidIndicator):
            pass
    elif (fast := _fast(body, country)) is not None:
        return fast
    try:
        number = _parse(text, country)
    except NumberParseException as exc:
        if exc.error_type == NumberParseException.INVALID_COUNTRY_CODE:
            if country is None and not body.startswith("+"):
                reason = "no country code — start with + or give the reporting country"
            else:
                reason = "unknown country calling code"
        elif exc.error_type in (
            NumberParseException.TOO_SHORT_NSN,
            NumberParseException.TOO_SHORT_AFTER_IDD,
        ):
            reason = "too short"
        elif exc.error_type == NumberParseException.TOO_LONG:
            reason = "too long"
        else:
            reason = "not a phone number"
        raise fail(KIND, raw, reason) from None
    return number, _check(raw, number, country)


def e164(number: phonenumbers.PhoneNumber) -> str:
    # What format_number(E164) produces, without its metadata lookups.
    return f"+{number.country_code}{phonenumbers.national_significant_number(number)}"


@lru_cache(maxsize=65536)
def _normalised(raw: str, country: str | None) -> tuple[str, str | None, int, str, str]:
    number, kind = parse_phone(raw, country)
    region = phonenumbers.region_code_for_number(number)
    code = number.country_code or 0
    return e164(number), region, code, kind, number.extension or ""


def _international(normalised: Normalised) -> str:
    number = phonenumbers.parse(normalised.value)
    number.extension = normalised.attributes.get("extension") or None
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


display_from_value(KIND, _international)


def normalise_phone(raw: str, country: str | None = None) -> Normalised:
    # Cached on the raw text: bulk imports repeat the same scam numbers many times.
    value, region, code, kind, extension = _normalised(raw, country)
    attributes: dict[str, object] = {"region": region, "country_code": code, "number_type": kind}
    if extension:
        attributes["extension"] = extension
    return Normalised(KIND, value, None, attributes)
