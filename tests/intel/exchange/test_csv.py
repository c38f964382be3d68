import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from jaring.intel.exchange import csv_format
from jaring.intel.exchange.records import KINDS, REPORT_FIELDS

FIXTURES = Path(__file__).parent / "fixtures"


def parse(data: bytes | str):
    stream = io.BytesIO(data.encode() if isinstance(data, str) else data)
    return list(csv_format.iter_records(stream))


def test_sample_groups_rows_into_reports_with_their_first_line():
    with open(FIXTURES / "sample.csv", "rb") as stream:
        items = list(csv_format.iter_records(stream))
    assert [(line, record["reference"] if record else None) for line, record, _ in items] == [
        (2, "MY-1"), (7, "MY-2"), (9, "MY-3"),
    ]
    first = items[0][1]
    assert first["narrative"] == "Called me,\r\nthen sent a link"
    assert first["victim_name"] == "Siti"
    assert first["loss_amount"] == "1500.00" and first["reported_on"] == "2025-03-01"
    assert [(i["kind"], i["line"]) for i in first["indicators"]] == [
        ("phone", 2), ("url", 4), ("crypto_wallet", 5)
    ]
    assert first["indicators"][2]["hint"] == "eth"
    assert items[1][1]["indicators"] == []
    # The short row on line 8 is reported, and the reports around it still import.
    assert items[1][2] == [(8, "row", "has 11 fields; the header has 13")]
    assert items[2][1]["indicators"][0] == {
        "kind": "bank_account", "value": "514012345678", "role": "payee_account",
        "hint": "Maybank", "line": 9,
    }


def test_unknown_and_missing_columns_are_named_on_line_one():
    items = parse("reference,reportd_on,colour\nA,2025-01-01,red\n")
    assert items == [(1, None, [(1, "header", items[0][2][0][2])])]
    assert "reportd_on, colour" in items[0][2][0][2]
    items = parse("reported_on,scam_type\n2025-01-01,job\n")
    assert items[0][2] == [(1, "header", "the reference column is required")]
    assert parse("") == [(1, None, [(1, "header", "the file is empty; a header row is required")])]


def test_first_non_blank_value_wins_and_blank_reference_is_never_grouped():
    items = parse("reference,scam_type,tlp\nA,,\nA,job,green\nA,romance,red\n,x,\n,y,\n")
    assert [(line, r["reference"], r["scam_type"], r["tlp"]) for line, r, _ in items] == [
        (2, "A", "job", "green"), (5, "", "x", ""), (6, "", "y", ""),
    ]


def test_rows_of_other_organisations_are_separate_reports():
    items = parse("reference,organisation\nA,PDRM\nA,BNM\nA,BNM\n")
    assert [(line, r["organisation"]) for line, r, _ in items] == [(2, "PDRM"), (3, "BNM")]


def test_undecodable_line_is_reported_without_losing_the_rest():
    data = b"reference,scam_type\nA,job\nB,\xff\xfe\nC,romance\n"
    items = parse(data)
    assert [(line, r["reference"]) for line, r, _ in items] == [(2, "A"), (4, "C")]
    assert items[0][2] == [(3, "line", "is not UTF-8 text (byte 3)")]


def test_streams_without_reading_the_whole_file():
    class Counting(io.BytesIO):
        def readline(self, size=-1):
            self.reads = getattr(self, "reads", 0) + 1
            return super().readline(size)

    rows = "".join(f"R{i},job\n" for i in range(10000))
    stream = Counting(("reference,scam_type\n" + rows).encode())
    records = csv_format.iter_records(stream)
    assert next(records)[1]["reference"] == "R0"
    assert stream.reads < 10


def test_writer_keeps_victim_data_out_unless_asked():
    record = {"reference": "A", "reported_on": "2025-01-01", "victim_name": "Siti",
              "narrative": "secret", "indicators": [{"kind": "phone", "value": "+60123456789"}]}
    out = io.StringIO()
    csv_format.write_records([record], out)
    assert "Siti" not in out.getvalue() and "secret" not in out.getvalue()
    assert out.getvalue().splitlines()[1].endswith("phone,'+60123456789,,")
    out = io.BytesIO()
    csv_format.write_records([record], out, personal=True)
    assert b"Siti" in out.getvalue()


_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12) | st.sampled_from(
    ["=1+1", "+60123", "-5", "@x", "'=a", "a,b", 'q"q', "line\nbreak"]
)
_report = st.fixed_dictionaries(
    {name: _text for name in REPORT_FIELDS if name != "reference"}
    | {"reference": st.text("ABC123-", min_size=1, max_size=8)},
    optional={},
).map(lambda r: {k: v.strip() for k, v in r.items()})
_indicator = st.fixed_dictionaries({
    "kind": st.sampled_from(KINDS), "value": _text.map(str.strip).filter(bool),
    "role": st.sampled_from(["", "caller", "website"]), "hint": st.sampled_from(["", "eth"]),
})


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_report, st.lists(_indicator, max_size=3)), max_size=5))
def test_writer_reader_round_trip(pairs):
    records = []
    for report, indicators in pairs:
        # Consecutive reports with one reference would merge, as documented.
        if records and records[-1]["reference"] == report["reference"]:
            continue
        records.append({**report, "indicators": indicators})
    out = io.BytesIO()
    csv_format.write_records(records, out, personal=True,
                             columns=REPORT_FIELDS)
    items = list(csv_format.iter_records(io.BytesIO(out.getvalue())))
    assert all(not errors for _, _, errors in items)
    assert len(items) == len(records)
    lines = [line for line, _, _ in items]
    assert lines == sorted(set(lines))
    for (_, got, _), want in zip(items, records, strict=True):
        for name in REPORT_FIELDS:
            assert got[name] == want[name], name
        assert [{k: i[k] for k in ("kind", "value", "role", "hint")}
                for i in got["indicators"]] == want["indicators"]
