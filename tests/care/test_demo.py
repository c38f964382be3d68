"""The care demo step: a compound group screened in Thailand and sent home, and victims."""

from __future__ import annotations

from datetime import date

import pytest

from jaring.audit.services import verify_chain
from jaring.care.models import Case, CaseState, Transfer
from jaring.demo.generator import DemoGenerator

pytestmark = pytest.mark.django_db


def test_demo_builds_survivors_transfers_and_victims():
    gen = DemoGenerator(seed=5, today=date(2026, 3, 1))
    gen.build(only=["platform.accounts", "care.cases"])
    survivors = Case.objects.filter(case_type="trafficking_survivor", country_id="TH")
    assert survivors.count() == 12
    assert survivors.filter(non_punishment=True).exists()
    accepted = Transfer.objects.filter(state=Transfer.State.ACCEPTED)
    assert accepted.exists() and Transfer.objects.filter(state=Transfer.State.SENT).exists()
    assert {t.received_case.country_id for t in accepted} <= {"ID", "PH", "MY"}
    victims = Case.objects.filter(case_type="fraud_victim")
    assert victims.count() == 30
    states = set(victims.values_list("state", flat=True))
    assert {CaseState.REGISTERED, CaseState.SERVICES, CaseState.CLOSED} <= states
    assert verify_chain().ok
