"""Referrals, consent records and disclosure: who answers, what is checked."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from jaring.care.models import ConsentPurpose, Referral
from jaring.care.personal import PersonalData
from jaring.care.services import cases, consent, referrals
from jaring.identity.roles import Role
from tests.care.factories import new_case, ngo, provider, staff, supervisor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    return staff(Role.CASEWORKER, "MY")


def test_a_jaring_provider_answers_in_its_inbox_and_the_sender_completes(worker):
    shelter_org = ngo("MY")
    shelter = provider("MY", organisation=shelter_org)
    case = new_case(worker, consents=(ConsentPurpose.SERVICES, ConsentPurpose.REFERRAL))
    referral = referrals.refer(worker, case, provider=shelter, service_type="shelter")
    with pytest.raises(PermissionDenied):  # the sender cannot accept for the provider
        referrals.answer_referral(worker, referral, "accepted")
    answerer = staff(Role.CASEWORKER, organisation=shelter_org)
    referrals.answer_referral(answerer, referral, "accepted")
    referrals.answer_referral(worker, referral, "completed")
    assert Referral.objects.get(pk=referral.pk).state == "completed"
    with pytest.raises(ValidationError, match="cannot become"):
        referrals.answer_referral(answerer, referral, "declined")
    stranger = staff(Role.CASEWORKER, "SG")
    with pytest.raises(Http404):
        referrals.answer_referral(stranger, referral, "completed")


def test_the_sender_records_an_offline_providers_answer(worker):
    clinic = provider("MY")
    case = new_case(worker, consents=(ConsentPurpose.SERVICES, ConsentPurpose.REFERRAL))
    referral = referrals.refer(worker, case, provider=clinic, service_type="medical")
    referrals.answer_referral(worker, referral, "declined")
    assert Referral.objects.get(pk=referral.pk).state == "declined"


def test_referral_checks_consent_and_the_providers_services(worker):
    case = new_case(worker)
    clinic = provider("MY")
    with pytest.raises(ValidationError, match="referral"):
        referrals.refer(worker, case, provider=clinic, service_type="shelter")
    boss = supervisor_for(worker)
    referrals.refer(boss, case, provider=clinic, service_type="shelter",
                    override_reason="Child at risk tonight")
    assert case.events.filter(action="consent.override").exists()
    with pytest.raises(ValidationError, match="does not offer"):
        referrals.refer(boss, case, provider=clinic, service_type="legal_aid",
                        override_reason="x")


def test_disclosure_to_law_enforcement_needs_its_consent(worker):
    case = new_case(worker)
    with pytest.raises(ValidationError, match="law_enforcement"):
        referrals.disclose_to_law_enforcement(worker, case, recipient="Police", purpose="x")
    consent.record_consent(worker, case, purpose="law_enforcement", method="written")
    referrals.disclose_to_law_enforcement(worker, case, recipient="Royal Malaysia Police",
                                          purpose="Witness statement")
    assert case.events.filter(action="disclosure.law_enforcement").exists()


def test_consent_and_person_errors_name_the_field(worker):
    case = new_case(worker)
    with pytest.raises(ValidationError, match="purpose"):
        consent.record_consent(worker, case, purpose="marketing", method="written")
    with pytest.raises(ValidationError, match="only a transfer consent"):
        consent.record_consent(worker, case, purpose="services", method="written",
                               fields=["names"])
    with pytest.raises(ValidationError) as error:
        cases.register_case(worker, case_type="fraud_victim",
                            person=PersonalData(date_of_birth="2099-01-01"))
    assert set(error.value.message_dict) == {"given_name", "date_of_birth"}
