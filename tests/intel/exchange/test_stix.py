import copy
import io
import json
from pathlib import Path

import pytest
import stix2
from stix2validator import ValidationOptions, validate_string

from jaring.intel.exchange import stix
from jaring.intel.exchange.records import personal_keys

FIXTURES = Path(__file__).parent / "fixtures"
PRODUCER = {"name": "Royal Malaysia Police", "id": "PDRM"}


def validate(bundle):
    return validate_string(json.dumps(bundle), ValidationOptions(strict=False))


def test_export_passes_the_oasis_validator(shared_reports):
    bundle = stix.export_bundle(shared_reports, producer=PRODUCER)
    result = validate(bundle)
    assert result.is_valid, [str(e) for e in result.errors]
    # What the validator still says is about things it cannot know: our new SCO types
    # are observables (so uuid5 ids are right) and platforms outside account-type-ov.
    for warning in result.warnings:
        text = str(warning)
        assert "x-jaring-" in text or "account-type-ov" in text, text


def test_export_marks_every_object_and_publishes_its_definitions(shared_reports):
    bundle = stix.export_bundle(shared_reports, producer=PRODUCER)
    objects = {o["id"]: o for o in bundle["objects"]}
    for obj in bundle["objects"]:
        if obj["type"] != "marking-definition":
            assert obj["object_marking_refs"], obj["id"]
            for ref in obj["object_marking_refs"]:
                assert ref in objects
        for ext in obj.get("extensions", {}):
            assert ext in objects or ext == stix.TLP2_EXTENSION
    by_type = {}
    for obj in bundle["objects"]:
        by_type.setdefault(obj["type"], []).append(obj)
    assert {o["name"] for o in by_type["extension-definition"]} == {
        *stix.CUSTOM_TYPES.values(), stix.REPORT_EXTENSION_NAME}
    # The phone shared by an AMBER and a GREEN report is marked with the tighter level.
    phone = by_type["x-jaring-phone-number"][0]
    assert phone["object_marking_refs"] == [stix.TLP2_MARKINGS["amber"]]
    assert by_type["campaign"][0]["object_marking_refs"] == [stix.TLP2_MARKINGS["amber"]]
    wallet = next(o for o in by_type["x-jaring-crypto-wallet"] if o["chain"] == "btc")
    assert wallet["address"] == "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"
    assert {o["type"] for o in bundle["objects"]} >= {
        "url", "domain-name", "ipv4-addr", "ipv6-addr", "email-addr", "user-account",
        "x-jaring-bank-account", "x-jaring-ewallet", "report", "campaign", "identity"}


def test_export_never_carries_victim_data(shared_reports):
    bundle = stix.export_bundle(shared_reports, producer=PRODUCER)
    dumped = json.dumps(bundle)
    assert personal_keys(bundle) == []
    for secret in ("Siti", "+60198887777", "They called me"):
        assert secret not in dumped


def test_export_is_deterministic_and_sco_ids_match_stix2(shared_reports):
    first = stix.export_bundle(shared_reports, producer=PRODUCER)
    again = stix.export_bundle(copy.deepcopy(shared_reports), producer=PRODUCER)
    assert first == again
    ids = {o["id"] for o in first["objects"]}
    assert stix2.URL(value="https://scam.example/pay").id in ids
    assert stix2.DomainName(value="scam.example").id in ids
    assert stix2.IPv6Address(value="2001:db8::1").id in ids
    assert stix2.UserAccount(account_type="telegram", account_login="goldmentor").id in ids


def test_export_then_import_round_trips(shared_reports):
    bundle = stix.export_bundle(shared_reports, producer=PRODUCER)
    items = list(stix.iter_records(io.StringIO(json.dumps(bundle))))
    assert all(errors == [] for _, _, errors in items)
    lines = [line for line, _, _ in items]
    assert lines == sorted(lines) and len(set(lines)) == 2
    record = items[0][1]
    assert {k: record[k] for k in ("reference", "country", "organisation", "reported_on",
                                   "scam_type", "channel", "tlp", "loss_amount",
                                   "loss_currency")} == {
        "reference": "MY-2025-1", "country": "MY", "organisation": "PDRM",
        "reported_on": "2025-03-01", "scam_type": "investment", "channel": "phone",
        "tlp": "amber", "loss_amount": "1200.50", "loss_currency": "USD"}
    got = {(i["kind"], i["value"], i["role"], i["hint"]) for i in record["indicators"]}
    assert ("phone", "+60123456789", "caller", "") in got
    assert ("bank_account", "bank:MBBEMYKL:514012345678", "payee_account", "") in got
    assert ("bank_account", "GB33BUKB20201555555555", "", "") in got
    assert ("ewallet", "+639171234567", "payee_wallet", "gcash") in got
    assert ("crypto_wallet", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "crypto_destination",
            "btc") in got
    assert ("social_handle", "goldmentor", "messaging_account", "telegram") in got
    assert ("ip", "2001:db8::1", "infrastructure", "") in got
    assert len(record["indicators"]) == 13
    assert items[1][1]["tlp"] == "green"


def test_import_of_a_hand_written_bundle():
    with open(FIXTURES / "bundle.json", "rb") as stream:
        items = list(stix.iter_records(stream))
    assert [line for line, _, _ in items] == [9, 11]
    _line, record, errors = items[0]
    assert record["reference"] == "CERT-2025-0042"
    assert record["reported_on"] == "2025-03-01"
    assert (record["scam_type"], record["channel"], record["tlp"]) == (
        "investment", "social-media", "green")
    assert [(i["kind"], i["value"], i["hint"]) for i in record["indicators"]] == [
        ("url", "https://invest-gold.example/login", ""),
        ("domain", "invest-gold.example", ""),
        ("social_handle", "goldmentor_official", "telegram"),
        ("email", "support@invest-gold.example", ""),
        ("domain", "gold-invest.example", ""),
        ("ip", "198.51.100.7", ""),
    ]
    assert [e[1] for e in errors] == [
        "indicator--1f3a7e0c-7f0e-4d7a-9e5c-5b8f3b2a6c11.pattern", "object_refs"]
    assert "not in the bundle" in errors[1][2]
    second = items[1][1]
    assert second["reference"] == "Parcel scam calls" and second["tlp"] == "amber+strict"
    assert second["indicators"][0]["kind"] == "phone"


@pytest.mark.parametrize(("pattern", "expected"), [
    ("[url:value = 'http://a.example/x']", [("url", "http://a.example/x")]),
    ("[ipv4-addr:value = '192.0.2.1' OR ipv6-addr:value = '::1']",
     [("ip", "192.0.2.1"), ("ip", "::1")]),
    (r"[email-addr:value = 'o\'brien@a.example']", [("email", "o'brien@a.example")]),
])
def test_simple_patterns(pattern, expected):
    assert stix.parse_pattern(pattern) == expected


@pytest.mark.parametrize("pattern", [
    "[url:value = 'a' AND domain-name:value = 'b']",
    "[url:value LIKE '%a%']",
    "[url:value = 'a'] FOLLOWEDBY [url:value = 'b']",
    "[file:name = 'x.apk']",
])
def test_other_patterns_are_refused(pattern):
    with pytest.raises(ValueError):
        stix.parse_pattern(pattern)


def test_documents_that_are_not_bundles_are_reported():
    def first(text):
        return next(iter(stix.iter_records(io.StringIO(text))))

    assert first('{"type": "report"}')[2] == [
        (1, "type", "is not a STIX 2.1 bundle (type must be 'bundle')")]
    (line, record, errors), = stix.iter_records(io.StringIO('{\n"type": "bundle",\n"objects": ['))
    assert record is None and errors[0][1] == "document" and line == 3
    assert first('{"type": "bundle", "objects": []}')[1] is None


def test_tlp_marking_ids_are_the_published_ones():
    assert stix.TLP_BY_MARKING[stix2.TLP_WHITE.id] == "clear"
    assert stix.TLP_BY_MARKING[stix2.TLP_RED.id] == "red"
    assert set(stix.TLP2_MARKINGS) == {"clear", "green", "amber", "amber+strict", "red"}
