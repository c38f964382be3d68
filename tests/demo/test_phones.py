import random

import phonenumbers
import pytest

from jaring.demo.phones import MOBILE_PLANS, mobile_number
from jaring.reference.seed import MEMBER_STATE_CODES


def test_every_member_state_has_a_plan():
    assert set(MOBILE_PLANS) == set(MEMBER_STATE_CODES)


@pytest.mark.parametrize("country", MEMBER_STATE_CODES)
def test_every_number_is_a_valid_mobile_number_of_its_country(country):
    rng = random.Random(country)
    numbers = [mobile_number(country, rng) for _ in range(200)]
    for number in numbers:
        parsed = phonenumbers.parse(number.e164)
        assert phonenumbers.is_valid_number(parsed), number
        assert phonenumbers.region_code_for_number(parsed) == country, number
        assert phonenumbers.number_type(parsed) in (
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        ), number
        # The national form parses back to the same number in the country's own format.
        assert phonenumbers.parse(number.national, country) == parsed
    assert len({n.e164 for n in numbers}) > 150, "numbers should vary"


@pytest.mark.parametrize("country", MEMBER_STATE_CODES)
def test_prefix_table_needs_no_fallback(country):
    # The fallback varies the library's example number; needing it means the
    # table no longer matches the numbering plan and should be updated.
    rng = random.Random(9)
    prefixes = tuple(prefix for prefix, _ in MOBILE_PLANS[country])
    code = str(phonenumbers.country_code_for_region(country))
    for _ in range(50):
        national = mobile_number(country, rng).e164[1 + len(code):]
        assert national.startswith(prefixes), national


def test_deterministic_per_seed():
    assert [mobile_number("TH", random.Random(4)) for _ in range(5)] == [
        mobile_number("TH", random.Random(4)) for _ in range(5)
    ]
