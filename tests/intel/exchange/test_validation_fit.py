"""The records the readers yield are what ``validation.parse_report`` expects."""

import datetime
from pathlib import Path
from types import SimpleNamespace

from jaring.intel.exchange import csv_format, misp
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
