"""Access requests, erasure that keeps the statistics, retention and key rotation."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from jaring.audit.models import AuditEvent
from jaring.care import reporting
from jaring.care.models import Case, ConsentPurpose, PersonToken
from jaring.care.personal import unseal
from jaring.care.queries import CaseFilters, case_list
from jaring.care.services import protection, workflow
from jaring.crypto import keyring
from jaring.crypto.cipher import decrypt, key_id_of
from jaring.crypto.rotation import add_key_versions, reencrypt_all
from jaring.identity.roles import Role
from tests.care.factories import in_services, person, staff, supervisor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    return staff(Role.CASEWORKER, "PH")


def test_access_request_holds_everything_and_is_audited(worker):
    boss = supervisor_for(worker)
    case = in_services(worker, boss, data=person(given_name="Maria", family_name="Santos"))
    document = protection.access_request(boss, case)
    assert document["person"]["given_name"] == "Maria"
    assert {c["purpose"] for c in document["consents"]} == {"services"}
    assert document["screenings"][0]["result"] == "presumed_victim"
    assert any(e["action"] == "plan.approve" for e in document["history"])
    assert AuditEvent.objects.filter(action="care.subject.access").exists()
    from jaring.care.pdf import subject_pdf

    pdf = subject_pdf(document)
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000


def test_erasure_anonymises_but_keeps_the_counts(worker):
    boss = supervisor_for(worker)
    case = in_services(worker, boss, data=person(given_name="Maria", family_name="Santos"),
                       consents=(ConsentPurpose.SERVICES, ConsentPurpose.STATISTICS))
    workflow.record_service(worker, case, service_type="shelter",
                            delivered_on=case.registered_on)
    before = reporting.kpis(boss)
    protection.erase(boss, case, reason="Request of 2026-11-01")
    case.refresh_from_db()
    assert case.person.data_enc == "" and case.assessment_enc == ""
    assert not PersonToken.objects.filter(person=case.person).exists()
    assert case.registered_on.day == 1 and case.person.age_group == "25-34"
    assert not case_list(boss, CaseFilters(name="Maria Santos")).exists()
    after = reporting.kpis(boss)
    assert [r["cases"] for r in after] == [r["cases"] for r in before]
    rows = list(reporting.htcds_rows(Case.objects.filter(pk=case.pk)))
    assert rows[0]["ageBroad"] and "Maria" not in str(rows)


def test_retention_anonymises_only_cases_closed_long_ago(worker):
    boss = supervisor_for(worker)
    old = in_services(worker, boss)
    recent = in_services(worker, boss)
    for case in (old, recent):
        workflow.request_closure(worker, case, reason="goals_met")
    long_ago = timezone.localdate() - datetime.timedelta(days=4000)
    workflow.approve_closure(boss, old, today=long_ago)
    workflow.approve_closure(boss, recent)
    Case.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(
        days=4000))
    assert protection.apply_retention() == 1
    assert Case.objects.get(pk=old.pk).anonymised_on is not None
    assert Case.objects.get(pk=recent.pk).anonymised_on is None


def test_key_rotation_reencrypts_care_and_intel_without_losing_a_record(worker, settings,
                                                                         tmp_path):
    from tests.intel.factories import submit

    # Rotate a copy of the key file, so the other tests keep their keys.
    copy = tmp_path / "keys.json"
    keyring.write(copy, keyring.read(settings.KEY_FILE))
    settings.KEY_FILE = str(copy)
    keyring.forget()

    case = in_services(worker, supervisor_for(worker), data=person(given_name="Juan"))
    report = submit("PH", ("phone", "+63 917 555 0101"), victim_name="Victim Name")
    old_person = Case.objects.get(pk=case.pk).person.data_enc
    added = add_key_versions(settings.KEY_FILE)
    assert "PH.2" in added
    # Before re-encryption: old versions still decrypt, new writes use the new key.
    assert unseal("PH", old_person).given_name == "Juan"
    changed = reencrypt_all()
    assert changed["care.Person"] >= 1 and changed["intel.FraudReport"] >= 1
    fresh = Case.objects.get(pk=case.pk).person.data_enc
    assert key_id_of(fresh) == "PH.2" and unseal("PH", fresh).given_name == "Juan"
    report.refresh_from_db()
    assert key_id_of(report.victim_name) == "PH.2"
    assert decrypt("PH", report.victim_name) == "Victim Name"
    assert reencrypt_all()["care.Person"] == 0  # idempotent
    keyring.forget()
