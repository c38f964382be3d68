"""The records the readers yield are what ``validation.parse_report`` expects."""

import datetime
import io
import json
from pathlib import Path
from types import SimpleNamespace

from hypothesis import example, given, settings
from hypothesis import strategies as st

from jaring.intel.exchange import csv_format, jsonl, misp
from jaring.intel.validation import parse_report

FIXTURES = Path(__file__).parent / "fixtures"
VOCABULARY = SimpleNamespace(
    countries={"MY", "PH", "SG"}, countries_or_unknown={"MY", "PH", "SG", "XX"},
    currencies={"MYR", "USD"},
    scam_types={"investment", "romance", "job"}, channels={"phone", "sms"},
    sexes={"F", "M"}, age_groups={"30-39"}, latest_date=datetime.date.today(),
)


def test_csv_records_validate_with_their_row_lines():
    with open(FIXTURES / "sample.csv", "rb") as stream:
        items = list(csv_format.iter_records(stream))
    report, errors = parse_report(items[0][1], vocabulary=VOCABULARY, organisation_id=1,
                                  country="MY", line=items[0][0])
    assert errors == []
    assert report.victim_name == "Siti" and report.tlp == "amber"
    assert [(i.normalised.kind, i.role, i.line) for i in report.indicators] == [
        ("phone", "caller", 2), ("url", "website", 4), ("crypto_wallet", "crypto_destination", 5),
    ]
    assert report.indicators[1].normalised.value.startswith("https://scam.example.com/pay")


def test_misp_records_validate_and_hints_reach_the_normalisers():
    with open(FIXTURES / "event.json", "rb") as stream:
        (line, record, _), = misp.iter_records(stream)
    report, errors = parse_report(record, vocabulary=VOCABULARY, organisation_id=1,
                                  country="PH", line=line)
    assert errors == [], [str(e) for e in errors]
    kinds = {i.normalised.kind for i in report.indicators}
    assert kinds == {"url", "domain", "ip", "phone", "bank_account", "crypto_wallet",
                     "social_handle"}


_FIELD_VALUES = {
    "reference": ["MY-1", "  MY-2 ", ""], "country": ["MY", " my", "PH"],
    "organisation": ["PDRM", ""], "reported_on": ["2025-03-01", " 2025-03-02", "2025-13-01"],
    "incident_on": ["2025-02-28", "", "later"], "scam_type": ["investment", "Romance", ""],
    "channel": ["phone", "fax"], "loss_amount": ["1,200.50", "-3", "x", ""],
    "loss_currency": ["myr", "USD", "EUR", ""], "victim_age_group": ["30-39", "old"],
    "victim_sex": ["f", "X"], "victim_nationality": ["sg", "XX", "ZZ"],
    "victim_residence": ["MY", ""], "victim_name": [" Siti ", ""], "victim_contact": ["+60 1"],
    "narrative": ["They called", ""], "tlp": ["TLP:RED", "amber+strict", "pink", ""],
    "loss_usd": ["9", 9], "campaign": ["C-1"],
}
_LOOSE = st.one_of(st.integers(), st.booleans(), st.none(), st.just([1]), st.just({"a": 1}),
                   st.just("x"))
_INDICATOR = st.dictionaries(
    st.sampled_from(["kind", "value", "role", "hint"]),
    st.sampled_from([" Phone ", "url", "bank_account", "nope", "", "CALLER", "+60 12-345 6789",
                     "hxxps://evil[.]example/x", "1234", "MBBEMYKL"]), max_size=4)


@settings(max_examples=300, deadline=None)
@given(obj=st.dictionaries(
    st.sampled_from(list(_FIELD_VALUES)),
    st.sampled_from(sorted({v for vs in _FIELD_VALUES.values() for v in vs if isinstance(v, str)})),
    max_size=12), indicators=st.one_of(st.none(), st.lists(_INDICATOR, max_size=3)),
    flaw=st.one_of(st.none(), st.tuples(st.sampled_from(
        [*_FIELD_VALUES, "indicators", "colour", "kind", "value", "role", "hint", "line"]),
        _LOOSE)))
@example(obj={"reference": "MY-1"}, indicators=None, flaw=("colour", "x"))
@example(obj={"reference": "MY-1"}, indicators=None, flaw=("line", "x"))
@example(obj={"reference": "MY-1"}, indicators=None, flaw=("indicators", "x"))
@example(obj={"reference": "MY-1"}, indicators=None, flaw=("value", True))
@example(obj={"reference": "MY-1"}, indicators=None, flaw=("loss_amount", 12))
def test_the_import_reader_hands_over_what_parse_report_reads_as_the_record(obj, indicators,
                                                                               flaw):
    """The parsing processes' reader yields a line with nothing to fix as decoded, not
    as a record (``jsonl.iter_shared``): whatever the line (clean, or with one flaw in
    the report or its first indicator), parse_report must come to the same report and
    the same errors either way."""
    if indicators is not None:
        obj["indicators"] = indicators
    if flaw is not None:
        name, value = flaw
        if name in ("kind", "value", "role", "hint", "line"):
            obj.setdefault("indicators", []).insert(0, {"kind": "phone", name: value})
        else:
            obj[name] = value
    line = json.dumps(obj).encode() + b"\n"
    (_, record, errors), = jsonl.iter_records(io.BytesIO(line))
    (_, shared, shared_errors), = jsonl.iter_shared(io.BytesIO(line), lambda _number: True)
    assert shared_errors == errors
    assert (shared is None) == (record is None)
    if record is not None:
        assert {k: str(shared.get(k) or "").strip().upper() for k in ("country", "organisation")} \
            == {k: record[k].upper() for k in ("country", "organisation")}
        assert parse_report(shared, vocabulary=VOCABULARY, organisation_id=1, country="MY",
                            line=1) == parse_report(record, vocabulary=VOCABULARY,
                                                    organisation_id=1, country="MY", line=1)
