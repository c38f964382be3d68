import io
import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from jaring.intel.exchange import jsonl
from jaring.intel.exchange.records import KINDS, REPORT_FIELDS

GOOD = {"reference": "TH-9", "reported_on": "2025-02-01", "scam_type": "parcel",
        "loss_amount": 1200.5, "indicators": [{"kind": "phone", "value": "+66812345678"}]}


def parse(text: str):
    return list(jsonl.iter_records(io.BytesIO(text.encode())))


def test_line_numbers_count_blank_lines_and_errors_name_the_line():
    lines = [json.dumps(GOOD), "", "   ", json.dumps({**GOOD, "reference": "TH-10"}),
             "[1, 2]", json.dumps({**GOOD, "colour": "red"}), '{"reference": "TH-11",',
             json.dumps({**GOOD, "indicators": [{"kind": "url"}, "x"]})]
    items = parse("\n".join(lines) + "\n")
    assert [(line, r["reference"] if r else None) for line, r, _ in items] == [
        (1, "TH-9"), (4, "TH-10"), (5, None), (6, None), (7, None), (8, "TH-9"),
    ]
    assert items[2][2] == [(5, "line", "is not a JSON object")]
    assert items[3][2] == [(6, "colour", "unknown field(s) colour")]
    assert items[4][2][0][:2] == (7, "line")
    assert items[4][2][0][2].startswith("invalid JSON: ")
    assert items[5][2] == [(8, "indicators[1]", "must be an object with kind and value")]
    assert items[5][1]["indicators"] == [
        {"kind": "url", "value": "", "role": "", "hint": "", "line": 8}
    ]


def test_numbers_keep_their_exact_decimal_text():
    (_, record, _), = parse(json.dumps(GOOD))
    assert record["loss_amount"] == "1200.5"
    assert Decimal(record["loss_amount"]) == Decimal("1200.5")


def test_nested_values_in_report_fields_reject_the_record():
    (_, record, errors), = parse(json.dumps({**GOOD, "tlp": {"level": "red"}}))
    assert record is None and errors == [(1, "tlp", "must be text or a number")]


def test_writer_drops_victim_fields_by_default():
    out = io.StringIO()
    jsonl.write_records([{**GOOD, "victim_name": "Somchai", "narrative": "n"}], out)
    assert "Somchai" not in out.getvalue() and '"narrative"' not in out.getvalue()


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=10).map(str.strip)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.fixed_dictionaries(
    {name: _text for name in REPORT_FIELDS}
    | {"indicators": st.lists(st.fixed_dictionaries({
        "kind": st.sampled_from(KINDS), "value": _text, "role": st.sampled_from(["", "caller"]),
        "hint": _text}),
        max_size=3)}), max_size=4))
def test_writer_reader_round_trip(records):
    out = io.BytesIO()
    assert jsonl.write_records(records, out, personal=True) == len(records)
    items = list(jsonl.iter_records(io.BytesIO(out.getvalue())))
    assert [line for line, _, _ in items] == list(range(1, len(records) + 1))
    for (_, got, errors), want in zip(items, records, strict=True):
        assert errors == []
        assert {k: got[k] for k in REPORT_FIELDS} == {k: want[k] for k in REPORT_FIELDS}
        assert [{k: i[k] for k in ("kind", "value", "role", "hint")}
                for i in got["indicators"]] == want["indicators"]


def test_overlong_lines_are_skipped_not_buffered(monkeypatch):
    from jaring.intel.exchange import records

    monkeypatch.setattr(records, "MAX_LINE", 64)
    text = '{"reference": "a"}\n' + json.dumps({"reference": "x" * 500}) + "\n{}\n"
    for stream in (io.BytesIO(text.encode()), io.StringIO(text)):
        items = list(jsonl.iter_records(stream))
        assert [(line, errors) for line, _, errors in items] == [
            (1, []), (2, [(2, "line", "is longer than 64 characters")]), (3, [])]
