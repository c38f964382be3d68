import random

import pytest

from jaring.demo.text import COUNTRY_LANGUAGES, languages, snippet
from jaring.reference.seed import MEMBER_STATE_CODES

SCRIPTS = {
    "th": ("\u0e00", "\u0e7f"),
    "km": ("\u1780", "\u17ff"),
    "my": ("\u1000", "\u109f"),
    "lo": ("\u0e80", "\u0eff"),
}


@pytest.mark.parametrize("language", sorted(SCRIPTS))
def test_snippets_are_in_their_script(language):
    low, high = SCRIPTS[language]
    rng = random.Random(1)
    for _ in range(10):
        text = snippet(rng, language=language)
        assert any(low <= ch <= high for ch in text.text)
        assert text.english.isascii()


def test_vietnamese_has_diacritics():
    assert not snippet(random.Random(1), language="vi").text.isascii()


def test_every_member_state_has_languages_with_snippets():
    assert set(COUNTRY_LANGUAGES) == set(MEMBER_STATE_CODES)
    for country, codes in COUNTRY_LANGUAGES.items():
        assert set(codes) <= set(languages()), country
        assert snippet(random.Random(2), country=country).language in codes


def test_unknown_language_is_a_clear_error():
    with pytest.raises(ValueError, match="'xx'"):
        snippet(random.Random(1), language="xx")
