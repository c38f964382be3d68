import io
import json
from pathlib import Path

import jsonschema
import pymisp
from pymisp import MISPEvent

from jaring.intel.exchange import misp
from jaring.intel.exchange.records import personal_keys

FIXTURES = Path(__file__).parent / "fixtures"
PRODUCER = {"name": "PDRM"}
# The MISP event schema pymisp ships (data/schema-lax.json; the strict one predates objects).
SCHEMA = json.loads((Path(pymisp.__file__).parent / "data" / "schema-lax.json").read_text())


def test_export_loads_in_pymisp_and_round_trips(shared_reports):
    document = misp.export_event(shared_reports[:1], producer=PRODUCER)
    event = MISPEvent()
    event.load(json.dumps(document))
    jsonschema.validate(document, SCHEMA)
    assert event.info == "Jaring fraud report MY-2025-1: investment"
    assert {t.name for t in event.tags} >= {"tlp:amber", 'jaring:reference="MY-2025-1"'}
    assert {a.type for a in event.attributes} == {"phone-number", "url", "domain", "ip-dst",
                                                   "email-src"}
    assert {o.name for o in event.objects} == {"bank-account", "coin-address",
                                                "telegram-account", "user-account"}

    (line, record, errors), = misp.iter_records(io.StringIO(event.to_json()))
    assert (line, errors) == (1, [])
    assert {k: record[k] for k in ("reference", "country", "organisation", "reported_on",
                                   "scam_type", "channel", "tlp")} == {
        "reference": "MY-2025-1", "country": "MY", "organisation": "PDRM",
        "reported_on": "2025-03-01", "scam_type": "investment", "channel": "phone",
        "tlp": "amber"}
    got = {(i["kind"], i["value"], i["role"], i["hint"]) for i in record["indicators"]}
    assert got == {
        ("phone", "+60123456789", "caller", ""),
        ("bank_account", "bank:MBBEMYKL:514012345678", "payee_account", ""),
        ("bank_account", "iban:GB33BUKB20201555555555", "", ""),
        ("ewallet", "ewallet:gcash:+639171234567", "payee_wallet", ""),
        ("crypto_wallet", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "crypto_destination", "BTC"),
        ("crypto_wallet", "0xde0b295669a9fd93d5f28d9ec85e40f4cb697bae", "", "ETH"),
        ("url", "https://scam.example/pay", "website", ""),
        ("domain", "scam.example", "website", ""),
        ("ip", "192.0.2.1", "infrastructure", ""),
        ("ip", "2001:db8::1", "infrastructure", ""),
        ("email", "support@scam.example", "email_sender", ""),
        ("social_handle", "goldmentor", "messaging_account", "telegram"),
        ("social_handle", "gold.mentor", "", "line"),
    }


def test_campaign_export_is_one_event_with_the_tightest_tlp(shared_reports):
    document = misp.export_event(shared_reports, producer=PRODUCER)
    event = document["Event"]
    assert event["info"] == "Jaring campaign C-000001"
    assert event["date"] == "2025-03-01"
    names = [t["name"] for t in event["Tag"]]
    assert names[0] == "tlp:amber" and 'jaring:campaign="C-000001"' in names
    assert not any(n.startswith("jaring:reference") for n in names)
    phones = [a for a in event["Attribute"] if a["type"] == "phone-number"]
    assert len(phones) == 1  # the same phone with the same role in two reports
    assert misp.export_event(shared_reports, producer=PRODUCER) == document
    MISPEvent().load(json.dumps(document))
    jsonschema.validate(document, SCHEMA)


def test_export_never_carries_victim_data(shared_reports):
    document = misp.export_event(shared_reports, producer=PRODUCER)
    dumped = json.dumps(document)
    assert personal_keys(document) == []
    for secret in ("Siti", "+60198887777", "They called me"):
        assert secret not in dumped
    assert len(misp.export_events(shared_reports, producer=PRODUCER)) == 2


def test_import_of_a_hand_written_event():
    with open(FIXTURES / "event.json", "rb") as stream:
        (line, record, errors), = misp.iter_records(stream)
    assert line == 1
    assert record["reference"] == "Investment scam via Telegram - case PH-2025-117"
    assert (record["reported_on"], record["scam_type"], record["tlp"]) == (
        "2025-02-20", "investment", "amber")
    assert [(i["kind"], i["value"], i["role"], i["hint"]) for i in record["indicators"]] == [
        ("url", "https://gold-mentor.example.com/signup", "website", ""),
        ("domain", "gold-mentor.example.com", "", ""),
        ("ip", "203.0.113.9", "", ""),
        ("phone", "+63 917 123 4567", "", ""),
        ("bank_account", "001234567890", "", "BOPIPHMM"),
        ("crypto_wallet", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "", "btc"),
        ("social_handle", "goldmentor_official", "", "telegram"),
        ("phone", "+639171234567", "messaging_account", ""),
    ]
    # The victim's own inbox (email-dst) is never taken as an indicator.
    assert errors == [
        (1, "Attribute", "skipped types without a Jaring indicator kind: email-dst, sha256"),
        (1, "Object", "skipped objects without a Jaring indicator kind: file"),
    ]


def test_lists_and_rest_responses_number_events_by_position():
    event = {"Event": {"info": "a", "date": "2025-01-01"}}
    text = json.dumps({"response": [event, {"nope": 1}, event]})
    items = list(misp.iter_records(io.StringIO(text)))
    assert [(line, r is not None) for line, r, _ in items] == [(1, True), (2, False), (3, True)]
    assert items[1][2] == [(2, "Event", "is not a MISP event object")]
    (_line, record, errors), = misp.iter_records(io.StringIO("{oops"))
    assert record is None and errors[0][1] == "document"
