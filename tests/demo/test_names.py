import random

import pytest

from jaring.demo.names import STYLES, ascii_fold, person
from jaring.reference.seed import MEMBER_STATE_CODES


def test_every_member_state_has_names():
    assert set(STYLES) == set(MEMBER_STATE_CODES)


@pytest.mark.parametrize("country", MEMBER_STATE_CODES)
def test_names_are_deterministic_per_seed(country):
    first = [person(country, random.Random(5)) for _ in range(3)]
    again = [person(country, random.Random(5)) for _ in range(3)]
    assert first == again
    rng = random.Random(6)
    many = {person(country, rng).full_name for _ in range(40)}
    assert len(many) > 5, "names should vary"


def test_local_scripts_where_natural():
    rng = random.Random(1)
    thai = person("TH", rng)
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in thai.local_name)
    khmer = person("KH", rng)
    assert any("\u1780" <= ch <= "\u17ff" for ch in khmer.local_name)
    burmese = person("MM", rng)
    assert any("\u1000" <= ch <= "\u109f" for ch in burmese.local_name)
    assert " " not in burmese.local_name  # Burmese name parts are written together
    lao = person("LA", rng)
    assert any("\u0e80" <= ch <= "\u0eff" for ch in lao.local_name)


def test_family_name_order():
    rng = random.Random(2)
    vietnamese = person("VN", rng)
    assert vietnamese.full_name.startswith(vietnamese.family)
    indonesian = person("ID", rng)
    assert indonesian.full_name.startswith(indonesian.given)


def test_patronymic_matches_gender():
    rng = random.Random(3)
    seen = 0
    for _ in range(40):
        bruneian = person("BN", rng)
        if not bruneian.connector:  # Chinese-Bruneian names have none
            continue
        seen += 1
        assert bruneian.connector == ("bin" if bruneian.gender == "m" else "binti")
        assert f" {bruneian.connector} " in bruneian.full_name
    assert seen > 20


def test_ascii_fold_keeps_vietnamese_d():
    assert ascii_fold("Đặng Đức Thắng") == "Dang Duc Thang"


def test_unknown_country_is_a_clear_error():
    with pytest.raises(ValueError, match="'US'"):
        person("US", random.Random(1))
