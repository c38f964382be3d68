from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from jaring.intel.indicators import InvalidIndicator, normalise_phone

_TYPES = [
    PhoneNumberType.MOBILE,
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.TOLL_FREE,
    PhoneNumberType.PREMIUM_RATE,
    PhoneNumberType.VOIP,
]
EXAMPLES = sorted(
    {
        (region, phonenumbers.format_number(number, PhoneNumberFormat.E164))
        for region in phonenumbers.SUPPORTED_REGIONS
        for kind in _TYPES
        if (number := phonenumbers.example_number_for_type(region, kind)) is not None
        and phonenumbers.is_valid_number(number)
    }
)
MEMBER_STATES = {"BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"}
ASEAN = [e for e in EXAMPLES if e[0] in MEMBER_STATES]


@pytest.mark.parametrize(
    ("raw", "country", "e164", "kind"),
    [
        ("0917 123 4567", "PH", "+639171234567", "mobile"),
        ("+63 917-123-4567", None, "+639171234567", "mobile"),
        ("0065 9123 4567", "SG", "+6591234567", "mobile"),
        ("00 65 9123 4567", None, "+6591234567", "mobile"),
        ("(02) 123-4567", "TH", "+6621234567", "fixed"),
        ("081.234.5678", "TH", "+66812345678", "mobile"),
        ("tel:+65-9123-4567", None, "+6591234567", "mobile"),
        ("1800 123 4567", "SG", "+6518001234567", "toll_free"),
        ("0812-3456-7890", "ID", "+6281234567890", "mobile"),
    ],
)
def test_known_numbers(raw, country, e164, kind):
    result = normalise_phone(raw, country)
    assert result.value == e164
    assert result.attributes["number_type"] == kind
    assert result.attributes["region"] == phonenumbers.region_code_for_number(
        phonenumbers.parse(e164)
    )


@pytest.mark.parametrize(
    ("raw", "country", "shown"),
    [
        ("0917 123 4567", "PH", "+63 917 123 4567"),
        ("(02) 123-4567", "TH", "+66 2 123 4567"),
        ("+65 6123 4567 ext. 89", None, "+65 6123 4567 ext. 89"),
    ],
)
def test_display_is_the_international_form_made_when_read(raw, country, shown):
    result = normalise_phone(raw, country)
    assert result.shown is None
    assert result.display == shown
    assert result.display == phonenumbers.format_number(
        phonenumbers.parse(raw, country), PhoneNumberFormat.INTERNATIONAL)


@pytest.mark.parametrize(
    ("raw", "country", "reason"),
    [
        ("", "SG", "empty"),
        ("9123", "SG", "too short"),
        ("hello", None, "not a phone number"),
        ("call me at 91234567", "SG", "not a phone number"),
        ("91234567", None, "no country code"),
        ("+999 1234 5678", None, "unknown country calling code"),
        # No calling code starts with 0: not Indonesia's 62 (found by Hypothesis).
        ("+06222000000", "ID", "unknown country calling code"),
        ("+66 12 345 6789", None, "not a valid number for TH"),
        ("+65 1234 5678 9012 3456", None, "too long"),
    ],
)
def test_rejections_say_why(raw, country, reason):
    with pytest.raises(InvalidIndicator) as caught:
        normalise_phone(raw, country)
    assert reason in caught.value.reason
    assert caught.value.kind == "phone"


_separator = st.sampled_from(["", "", " ", "-", ".", " - "])


@st.composite
def spaced(draw, digits: str) -> str:
    return "".join(d + draw(_separator) for d in digits).strip(" -.")


@settings(max_examples=300, deadline=None)
@given(example=st.sampled_from(EXAMPLES), data=st.data())
def test_every_format_gives_the_same_e164(example, data):
    region, e164 = example
    number = phonenumbers.parse(e164)
    forms = [
        (phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL), region),
        (phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL), None),
        (phonenumbers.format_number(number, PhoneNumberFormat.E164), None),
        (phonenumbers.format_number(number, PhoneNumberFormat.RFC3966), None),
        ("+" + data.draw(spaced(e164[1:])), None),
        ("00" + data.draw(spaced(e164[1:])), region),
    ]
    for raw, country in forms:
        assert normalise_phone(raw, country).value == e164, raw


@settings(max_examples=200, deadline=None)
@given(example=st.sampled_from(ASEAN), data=st.data())
def test_local_forms_with_separators_in_member_states(example, data):
    region, e164 = example
    national = phonenumbers.national_significant_number(phonenumbers.parse(e164))
    prefix = phonenumbers.format_number(phonenumbers.parse(e164), PhoneNumberFormat.NATIONAL)
    # Rebuild the national form (trunk prefix included) with random separators.
    trunk = "0" if prefix.lstrip("(").startswith("0") else ""
    raw = data.draw(spaced(trunk + national))
    assert normalise_phone(raw, region).value == e164


@settings(max_examples=200, deadline=None)
@given(example=st.sampled_from(EXAMPLES))
def test_idempotent(example):
    region, e164 = example
    once = normalise_phone(e164, region)
    assert normalise_phone(once.value, None) == once
    assert normalise_phone(once.display, None) == once


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=30))
def test_arbitrary_text_is_accepted_or_rejected_cleanly(text):
    try:
        result = normalise_phone(text, "SG")
    except InvalidIndicator as exc:
        assert exc.reason
    else:
        assert result.value.startswith("+")
        assert normalise_phone(result.value).value == result.value


def _slow(raw: str, region: str | None):
    """What phonenumbers.parse itself makes of a number (None: not a valid number)."""
    from jaring.intel.indicators.phone import _TYPE_NAMES

    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    kind = _TYPE_NAMES.get(phonenumbers.number_type(number), "unknown")
    return None if kind == "unknown" else (phonenumbers.format_number(
        number, PhoneNumberFormat.E164), kind)


_MEMBER_REGIONS = sorted(MEMBER_STATES | {"TL"})


@settings(max_examples=600, deadline=None)
@given(region=st.sampled_from(_MEMBER_REGIONS),
       lead=st.sampled_from(["", "0", "+", "+6", "+8", "+67", "+85", "+9", "+1", "00"]),
       digits=st.text(alphabet="0123456789", min_size=1, max_size=14),
       data=st.data())
def test_the_fast_path_reads_plain_numbers_as_phonenumbers_does(region, lead, digits, data):
    """The shortcut for plainly written numbers accepts only what phonenumbers.parse
    accepts, as the same number of the same type; everything else falls through."""
    from jaring.intel.indicators.phone import _fast

    raw = lead + data.draw(spaced(digits))
    fast = _fast(raw, region)
    if fast is not None:
        number, kind = fast
        assert (phonenumbers.format_number(number, PhoneNumberFormat.E164), kind) == _slow(
            raw, region), raw


@settings(max_examples=300, deadline=None)
@given(example=st.sampled_from(ASEAN), data=st.data())
def test_the_fast_path_takes_the_member_states_numbers(example, data):
    from jaring.intel.indicators.phone import _fast

    region, e164 = example
    number = phonenumbers.parse(e164)
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    for raw, country in ((national, region), ("+" + data.draw(spaced(e164[1:])), None)):
        fast = _fast(raw, country)
        assert fast is not None, raw
        assert phonenumbers.format_number(fast[0], PhoneNumberFormat.E164) == e164



@pytest.mark.parametrize("region", sorted(phonenumbers.SUPPORTED_REGIONS))
def test_the_compiled_types_name_numbers_as_phonenumbers_does(region):
    """Checked in every region, not only the member states (whose types never
    overlap): on each type's example number and on numbers that keep a prefix of it
    and vary the rest, near each type's patterns, where a wrong order, a missed
    length or a fixed line that is also a mobile would show."""
    import random

    from phonenumbers.phonenumberutil import _number_type_helper

    from jaring.intel.indicators.phone import _TYPE_NAMES, _type_in, _types_for

    rng = random.Random(region)
    table = _types_for(region)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    for kind in _TYPE_NAMES:
        example = phonenumbers.example_number_for_type(region, kind)
        if example is None:
            continue
        digits = str(example.national_number)
        for keep in range(1, len(digits) + 1):
            for length in (len(digits) - 1, len(digits), len(digits) + 1):
                tail = "".join(rng.choices("0123456789", k=max(0, length - keep)))
                national = (digits[:keep] + tail)[:length]
                if national and not national.startswith("0"):
                    want = _TYPE_NAMES[_number_type_helper(national, metadata)]
                    assert (_type_in(table, national) or "unknown") == want, national
