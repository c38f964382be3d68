"""Cross-border transfer: consented fields only, accept or decline, signed package."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from jaring.audit.models import AuditEvent
from jaring.care import package
from jaring.care.models import CaseState, ConsentPurpose, Person, PersonToken, Transfer
from jaring.care.personal import unseal
from jaring.care.queries import open_case
from jaring.care.services import transfers, workflow
from jaring.crypto.cipher import decrypt, encrypt
from jaring.identity.roles import Role
from tests.care.factories import PRESUMED, new_case, staff

pytestmark = pytest.mark.django_db

CONSENTS = (ConsentPurpose.SERVICES, ConsentPurpose.TRANSFER)


@pytest.fixture
def sent():
    thai = staff(Role.CASEWORKER, "TH")
    case = new_case(thai, consents=CONSENTS, transfer_fields=["names", "screening"])
    workflow.screen(thai, case, **PRESUMED)
    receiver = staff(Role.CASEWORKER, "ID")
    transfer = transfers.send_transfer(thai, case, to_organisation=receiver.organisation)
    return thai, case, receiver, transfer


def test_accepting_moves_ownership_and_carries_only_consented_fields(sent):
    thai, case, receiver, transfer = sent
    before = unseal("TH", case.person.data_enc)
    assert before.contact and before.documents
    transfers.answer_transfer(receiver, transfer, accept=True)
    transfer.refresh_from_db()
    received = transfer.received_case
    assert received.country_id == "ID" and received.owner == receiver
    assert received.non_punishment and received.state == CaseState.SCREENED
    # The copied screenings date the identification on the received case too.
    case.refresh_from_db()
    assert received.identified_on == case.identified_on is not None
    data = unseal("ID", received.person.data_enc)
    original = unseal("TH", case.person.data_enc)
    assert data.full_name == original.full_name
    assert data.contact == "" and data.documents == [] and data.date_of_birth == ""
    # History from the sending side came along, marked with its country.
    assert received.events.filter(origin_country="TH", action="case.screen").exists()
    case.refresh_from_db()
    assert case.state == CaseState.TRANSFERRED and case.is_read_only
    # The sending side keeps a read-only summary: the names, nothing to trace them by.
    kept = unseal("TH", Person.objects.get(case=case).data_enc)
    assert kept.full_name == before.full_name
    assert (kept.contact, kept.documents, kept.date_of_birth, kept.aliases) == ("", [], "", [])
    assert not PersonToken.objects.filter(person__case=case, kind="document").exists()
    assert open_case(thai, case.pk).case.is_read_only
    assert open_case(receiver, received.pk).person.full_name == original.full_name
    with pytest.raises(ValidationError, match="read-only"):
        workflow.reopen(thai, case, reason="x")


def test_declining_keeps_the_case_where_it_was(sent):
    _, case, receiver, transfer = sent
    with pytest.raises(ValidationError, match="why"):
        transfers.answer_transfer(receiver, transfer, accept=False)
    transfers.answer_transfer(receiver, transfer, accept=False, reason="No capacity")
    case.refresh_from_db()
    assert case.state == CaseState.SCREENED
    assert Transfer.objects.get(pk=transfer.pk).state == Transfer.State.DECLINED


def test_a_tampered_package_is_refused_and_the_refusal_audited(sent):
    _, _, receiver, transfer = sent
    document = json.loads(decrypt("ID", transfer.package_enc))
    document["consented_fields"].append("documents")
    document["person"]["documents"] = [{"type": "passport", "number": "FORGED"}]
    Transfer.objects.filter(pk=transfer.pk).update(
        package_enc=encrypt("ID", json.dumps(document)))
    transfer.refresh_from_db()
    with pytest.raises(ValidationError, match="altered after signing"):
        transfers.answer_transfer(receiver, transfer, accept=True)
    assert AuditEvent.objects.filter(action="care.transfer.refused").exists()
    assert Transfer.objects.get(pk=transfer.pk).state == Transfer.State.SENT


def test_package_format_is_versioned_and_checked(sent):
    *_, transfer = sent
    document = transfers.read_package(transfer)
    assert document["format"] == package.FORMAT and document["version"] == 1
    assert document["signature"]["alg"] == "Ed25519"
    with pytest.raises(package.PackageRefused, match="version"):
        package.verify({**document, "version": 99})
    with pytest.raises(package.PackageRefused, match="unknown signing key"):
        package.verify({**document, "signature": {**document["signature"], "key_id": "x.9"}})


def test_only_the_receiving_organisation_answers(sent):
    *_, transfer = sent
    elsewhere = staff(Role.CASE_SUPERVISOR, "MY")
    with pytest.raises(Http404):
        transfers.answer_transfer(elsewhere, transfer, accept=True)
    assert AuditEvent.objects.filter(action="access.denied").exists()


def test_no_transfer_without_consent_and_no_second_pending_one():
    thai = staff(Role.CASEWORKER, "TH")
    case = new_case(thai)
    to = staff(Role.CASEWORKER, "ID").organisation
    with pytest.raises(ValidationError, match="consent"):
        transfers.send_transfer(thai, case, to_organisation=to)
    case2 = new_case(thai, consents=CONSENTS, transfer_fields=["names"])
    transfers.send_transfer(thai, case2, to_organisation=to)
    with pytest.raises(ValidationError, match="already waiting"):
        transfers.send_transfer(thai, case2, to_organisation=to)
    with pytest.raises(ValidationError, match="another"):
        transfers.send_transfer(thai, new_case(thai, consents=CONSENTS),
                                to_organisation=thai.organisation)


def test_the_inbox_shows_what_travels_before_accepting(sent, signed_in):
    _, _, receiver, _ = sent
    page = signed_in(receiver).get("/care/inbox/").content.decode()
    assert "fields: names, screening" in page and "presumed trafficking victim" in page
