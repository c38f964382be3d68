"""Helpers for care tests: caseworkers, supervisors, providers and cases in a state."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from jaring.care.models import Case, CaseType, ConsentMethod, ConsentPurpose, ServiceProvider
from jaring.care.personal import PersonalData
from jaring.care.services import cases, consent, workflow
from jaring.identity.roles import Role
from tests.factories import OrganisationFactory, UserFactory, make_user

_n = itertools.count(1)


def staff(role: str, country: str = "SG", organisation=None, **kwargs):
    if organisation is not None:
        return UserFactory(role=role, organisation=organisation, **kwargs)
    return make_user(role, country, **kwargs)


def ngo(country: str):
    return OrganisationFactory(country_id=country, kind="ngo", short_name=f"NGO-{country}")


def person(**overrides) -> PersonalData:
    n = next(_n)
    base = {"given_name": f"Ayu{n}", "family_name": "Lestari", "aliases": [f"Yuyu{n}"],
            "date_of_birth": "1998-04-02", "languages": ["id", "en"],
            "contact": f"+62 812 555 {n:04d}",
            "documents": [{"type": "passport", "number": f"X{n:07d}", "country": "ID"}]}
    base.update(overrides)
    return PersonalData.from_dict(base)


def new_case(owner, *, case_type: str = CaseType.TRAFFICKING_SURVIVOR, data=None,
             nationality: str | None = "ID", consents=(ConsentPurpose.SERVICES,),
             transfer_fields=None) -> Case:
    case = cases.register_case(owner, case_type=case_type, person=data or person(),
                               sex="female", nationality=nationality)
    for purpose in consents:
        consent.record_consent(owner, case, purpose=purpose, method=ConsentMethod.WRITTEN,
                               fields=transfer_fields if purpose == ConsentPurpose.TRANSFER
                               else None)
    return case


def provider(country: str = "SG", services=("shelter", "medical"), organisation=None):
    found, _ = ServiceProvider.objects.get_or_create(
        country_id=country, name=f"Provider {country} {organisation.pk if organisation else ''}",
        defaults={"services": list(services), "organisation": organisation})
    return found


PRESUMED = {"indicators": {"deception": True, "restriction_of_movement": True},
            "elements": {"act": True, "means": True, "purpose": True}}


def in_services(owner, supervisor, **kwargs) -> Case:
    """A case screened, assessed and with an approved plan (shelter and medical)."""
    case = new_case(owner, **kwargs)
    workflow.screen(owner, case, **PRESUMED)
    workflow.assess(owner, case, notes="Needs shelter.", risk_level="high")
    plan = workflow.propose_plan(owner, case, [{"service_type": "shelter", "goal": "Safe bed"},
                                               {"service_type": "medical", "goal": "Check-up"}])
    workflow.approve_plan(supervisor, plan)
    case.refresh_from_db()
    return case


def supervisor_for(caseworker):
    return staff(Role.CASE_SUPERVISOR, organisation=caseworker.organisation)


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)
