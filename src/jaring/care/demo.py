"""The care part's demo data: survivors from one scam compound, and fraud victims.

A group of survivors released together from a compound across the Thai border is
screened by Thailand's social-welfare ministry and transferred to their countries
of nationality (accepted where that country has demo staff, waiting otherwise);
fraud victims in each country are linked to the demo's fraud reports and sit at
every stage of the workflow, a few with an overdue assessment.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from jaring.care.models import ConsentMethod, ConsentPurpose, ServiceProvider, ServiceType
from jaring.care.personal import PersonalData
from jaring.care.services import cases, consent, referrals, transfers, workflow
from jaring.demo.generator import DemoGenerator, StepProgress, demo_step
from jaring.identity.roles import OrganisationKind, Role

SURVIVORS_SMALL = 12
VICTIMS_SMALL = 30
SCREENING_COUNTRY = "TH"
SURVIVOR_NATIONALITIES = ["ID", "PH", "MY", "VN", "KH", "ID", "PH", "MM"]
LANGUAGES = {"ID": ["id"], "PH": ["fil", "en"], "MY": ["ms", "en"], "VN": ["vi"], "KH": ["km"],
             "MM": ["my"], "TH": ["th"], "SG": ["en", "zh"], "LA": ["lo"], "BN": ["ms"],
             "TL": ["tet", "pt"]}
PROVIDERS = [
    ("Safe Shelter", ["shelter", "psychosocial"]),
    ("Legal Aid Clinic", ["legal_aid", "financial_recovery"]),
    ("Health Centre", ["medical", "psychosocial"]),
    ("Returnee Reintegration Programme", ["repatriation", "livelihood", "interpretation"]),
]
INDICATOR_SETS = [
    ({"deception": True, "restriction_of_movement": True, "retention_of_documents": True,
      "excessive_overtime": True}, {"act": True, "means": True, "purpose": True}),
    ({"deception": True, "debt_bondage": True, "intimidation_threats": True,
      "isolation": True}, {"act": True, "means": True, "purpose": True}),
    ({"deception": True, "abusive_conditions": True}, {"act": True, "purpose": False}),
]


def _staff(gen: DemoGenerator, country: str, role: str) -> Any | None:
    return next((u for u in gen.users if u.role == role and u.country_code == country
                 and u.organisation.kind == OrganisationKind.SOCIAL_WELFARE), None)


def _personal(gen: DemoGenerator, country: str, rng: random.Random) -> tuple[PersonalData, str]:
    person = gen.person(country, rng)
    born = gen.today - datetime.timedelta(days=rng.randint(19 * 365, 45 * 365))
    data = PersonalData(
        given_name=person.given, family_name=person.family,
        aliases=[person.local_name] if person.local_name != person.full_name else [],
        date_of_birth=born.isoformat(), languages=LANGUAGES.get(country, ["en"]),
        contact=gen.phone(country, rng).international,
        documents=[{"type": "passport", "number": f"{rng.choice('ABCEPX')}"
                    f"{rng.randint(1_000_000, 9_999_999)}", "country": country}],
    )
    return data, "female" if person.gender == "female" else "male"


def _providers(countries: list[str], gen: DemoGenerator) -> dict[str, list[ServiceProvider]]:
    found: dict[str, list[ServiceProvider]] = {}
    for country in countries:
        ngo = gen.organisations.get((country, OrganisationKind.NGO))
        rows = []
        for n, (label, services) in enumerate(PROVIDERS):
            provider, _ = ServiceProvider.objects.get_or_create(
                country_id=country, name=f"{label} ({country})",
                defaults={"services": services, "organisation": ngo if n == 0 else None,
                          "contact": f"intake@{label.split()[0].lower()}-{country.lower()}"
                                     ".example"})
            rows.append(provider)
        found[country] = rows
    return found


def _consents(user: Any, case: Any, purposes: list[str], fields: list[str] | None = None
              ) -> None:
    for purpose in purposes:
        consent.record_consent(user, case, purpose=purpose, method=ConsentMethod.WRITTEN,
                               fields=fields if purpose == ConsentPurpose.TRANSFER else None)


@demo_step("care.cases", "Victim and survivor cases", order=300)
def build_cases(gen: DemoGenerator, rng: random.Random, progress: StepProgress) -> None:
    from jaring.intel.models import FraudReport

    survivors, victims = gen.count(SURVIVORS_SMALL), gen.count(VICTIMS_SMALL)
    progress.total(survivors + victims)
    countries = sorted({u.country_code for u in gen.users
                        if u.role == Role.CASEWORKER and u.country_code})
    providers = _providers(sorted(set(countries) | set(SURVIVOR_NATIONALITIES)), gen)
    thai, thai_boss = (_staff(gen, SCREENING_COUNTRY, r)
                       for r in (Role.CASEWORKER, Role.CASE_SUPERVISOR))
    if thai is not None and thai_boss is not None:
        for n in range(survivors):
            nationality = SURVIVOR_NATIONALITIES[n % len(SURVIVOR_NATIONALITIES)]
            data, sex = _personal(gen, nationality, rng)
            case = cases.register_case(
                thai, case_type="trafficking_survivor", person=data, sex=sex,
                nationality=nationality, risk_level="high",
                registered_on=gen.today - datetime.timedelta(days=rng.randint(20, 40)))
            _consents(thai, case, [ConsentPurpose.SERVICES, ConsentPurpose.STATISTICS,
                                   ConsentPurpose.TRANSFER],
                      ["names", "date_of_birth", "languages", "documents", "screening"])
            indicators, elements = INDICATOR_SETS[n % len(INDICATOR_SETS)]
            workflow.screen(thai, case, indicators=indicators, elements=elements)
            target = gen.organisations.get((nationality, OrganisationKind.SOCIAL_WELFARE))
            if target is not None:
                transfer = transfers.send_transfer(thai, case, to_organisation=target)
                receiver = _staff(gen, nationality, Role.CASEWORKER)
                if receiver is not None and n % 3 != 2:
                    transfers.answer_transfer(receiver, transfer, accept=True)
            progress.advance()
    reports: dict[str, list[int]] = {}
    for country in countries:
        reports[country] = list(FraudReport.objects.filter(country_id=country)
                                .values_list("pk", flat=True)[:200])
    for n in range(victims):
        country = countries[n % len(countries)]
        worker, boss = (_staff(gen, country, r) for r in (Role.CASEWORKER,
                                                          Role.CASE_SUPERVISOR))
        if worker is None or boss is None:
            progress.advance()
            continue
        data, sex = _personal(gen, country, rng)
        case = cases.register_case(
            worker, case_type="fraud_victim", person=data, sex=sex, nationality=country,
            risk_level=rng.choice(["low", "medium", "medium", "high"]),
            registered_on=gen.today - datetime.timedelta(days=rng.randint(2, 120)))
        if reports.get(country):
            cases.link_reports(worker, case, rng.sample(reports[country],
                                                        min(2, len(reports[country]))))
        stage = n % 6
        if stage == 0:  # registered only; some have an overdue assessment
            progress.advance()
            continue
        _consents(worker, case, [ConsentPurpose.SERVICES, ConsentPurpose.REFERRAL,
                                 ConsentPurpose.STATISTICS])
        workflow.screen(worker, case, indicators={}, elements={})
        if stage == 1:
            progress.advance()
            continue
        workflow.assess(worker, case, notes="Lost savings to an investment scam; targeted "
                        "again by a 'recovery agent'. Needs legal aid and counselling.",
                        risk_level=case.risk_level)
        plan = workflow.propose_plan(worker, case, [
            {"service_type": ServiceType.FINANCIAL_RECOVERY, "goal": "Freeze and recover funds"},
            {"service_type": ServiceType.PSYCHOSOCIAL, "goal": "Counselling sessions"}])
        if stage == 2:
            progress.advance()
            continue
        workflow.approve_plan(boss, plan)
        own = providers.get(country, [])
        if len(own) > 1:
            referral = referrals.refer(worker, case, provider=own[1],
                                       service_type=ServiceType.FINANCIAL_RECOVERY)
            if stage >= 4:
                referrals.answer_referral(boss, referral, "accepted")
        workflow.record_service(worker, case, service_type=ServiceType.PSYCHOSOCIAL,
                                delivered_on=min(gen.today, case.registered_on
                                                 + datetime.timedelta(days=rng.randint(1, 14))))
        if stage == 5:
            workflow.request_closure(worker, case, reason=rng.choice(
                ["goals_met", "goals_met", "declined", "lost_contact"]))
            workflow.approve_closure(boss, case)
        progress.advance()
