from pathlib import Path

import pytest

from jaring.intel.exchange import READERS, FormatError, guess_format
from jaring.intel.exchange.detect import UnknownFormat
from jaring.intel.exchange.records import TLP_LEVELS, read_document
from jaring.intel.sharing import TLP

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(("name", "expected"), [
    ("sample.csv", "csv"), ("bundle.json", "stix"), ("event.json", "misp"),
])
def test_fixtures_are_recognised(name, expected):
    path = FIXTURES / name
    assert guess_format(path, path.read_bytes()[:4096]) == expected


@pytest.mark.parametrize(("name", "head", "expected"), [
    ("reports.jsonl", b"", "jsonl"),
    ("reports.ndjson", b"{}", "jsonl"),
    ("export.json", b'{"reference": "A", "indicators": []}\n{"reference": "B"}\n', "jsonl"),
    ("export.json", b'{"reference": "A", "indicators": []}', "jsonl"),
    ("upload", b'\xef\xbb\xbf{"type": "bundle", "id": "bundle--1"', "stix"),
    ("upload", b'[{"Event": {"info": "x"}}]', "misp"),
    ("upload.txt", b"reference,reported_on\nA,2025-01-01\n", "csv"),
])
def test_guesses(name, head, expected):
    assert guess_format(name, head) == expected
    assert expected in READERS


@pytest.mark.parametrize(("name", "head"), [
    ("photo.png", b"\x89PNG\r\n"), ("data.json", b'{"hello": "world"}'), ("notes.txt", b"hi"),
])
def test_unknown_formats_say_what_is_expected(name, head):
    with pytest.raises(UnknownFormat, match=name):
        guess_format(name, head)


def test_tlp_levels_match_the_sharing_rules():
    assert set(TLP_LEVELS) == {str(level) for level in TLP.values}


def test_documents_are_bounded(monkeypatch):
    import io

    from jaring.intel.exchange import records

    monkeypatch.setattr(records, "MAX_DOCUMENT", 10)
    with pytest.raises(FormatError, match="larger than"):
        read_document(io.BytesIO(b"x" * 11))
