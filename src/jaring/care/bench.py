"""The care part's benchmarks (`jaring bench care [--cases N]`).

Goals, from the issue: with 200,000 cases stored,

* the case list with filters, and an exact name search, each at p95 at most 200 ms;
* opening a case (decrypting its person and notes, writing the audit event) at
  p95 at most 100 ms.

Requests go through Django's test client in process, as a case supervisor whose
organisation holds the largest share of the cases (about 30%), so scoping,
filtering, counting for the pager and rendering are all measured. The cases are
seeded with bulk inserts (encrypted and blind-indexed exactly as the services do),
because registering 200,000 cases one by one would measure the seeding, not the
reads; the services themselves are covered by the tests.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable
from typing import Any

from jaring.bench.harness import BenchContext, BenchError, Figure, benchmark, percentile

DEFAULT_CASES = 200_000
REQUESTS = 200
BATCH = 5000
# The share of cases in each member state; the screening country dominates.
WEIGHTS = {"TH": 30, "PH": 12, "ID": 12, "MY": 10, "VN": 10, "KH": 8, "SG": 6, "MM": 6,
           "LA": 3, "BN": 1, "TL": 2}


def _seed(total: int, rng: random.Random, ctx: BenchContext, days: int = 1500,
          with_batch: Callable[[list[Any]], None] | None = None) -> tuple[Any, list[str]]:
    """Bulk-insert ``total`` cases registered over the last ``days`` days; return the
    supervisor to request as and some names.

    ``with_batch`` is called with each batch of stored cases, in the same transaction,
    so a caller can add related rows without a second pass over 200,000 cases.
    """
    from django.db import transaction

    from jaring.care.models import Case, CaseState, CaseType, Person, PersonToken, RiskLevel
    from jaring.care.personal import PersonalData, age_group, seal, tokens
    from jaring.demo.names import person as demo_person
    from jaring.identity.models import Organisation, User
    from jaring.identity.roles import OrganisationKind, Role
    from jaring.identity.services import create_user

    owners: dict[str, Any] = {}
    for country in WEIGHTS:
        org = Organisation.objects.get(country_id=country, kind=OrganisationKind.SOCIAL_WELFARE)
        name = f"bench.care.{country.lower()}"
        owners[country] = User.objects.filter(username=name).first() or create_user(
            username=name, password=None, role=Role.CASEWORKER, organisation=org)
    supervisor = User.objects.filter(username="bench.care.supervisor").first() or create_user(
        username="bench.care.supervisor", password=None, role=Role.CASE_SUPERVISOR,
        organisation=owners["TH"].organisation)
    countries = list(WEIGHTS)
    weights = list(WEIGHTS.values())
    states = [s for s in CaseState.values if s != CaseState.TRANSFERRED]
    today = datetime.date.today()
    counters = dict.fromkeys(WEIGHTS, Case.objects.count())
    names: list[str] = []
    done = 0
    while done < total:
        size = min(BATCH, total - done)
        cases, people = [], []
        for _ in range(size):
            country = rng.choices(countries, weights)[0]
            counters[country] += 1
            who = demo_person(country, rng)
            born = today - datetime.timedelta(days=rng.randint(15 * 365, 60 * 365))
            data = PersonalData(given_name=who.given, family_name=who.family,
                                date_of_birth=born.isoformat(),
                                documents=[{"type": "passport",
                                            "number": f"P{rng.randint(10**7, 10**8 - 1)}",
                                            "country": country}])
            if country == "TH" and len(names) < REQUESTS:
                names.append(data.full_name)
            owner = owners[country]
            cases.append(Case(
                reference=f"CW-{country}-{counters[country]:07d}", country_id=country,
                organisation_id=owner.organisation_id, owner=owner,
                case_type=rng.choice(CaseType.values), state=rng.choice(states),
                risk_level=rng.choice(RiskLevel.values),
                registered_on=today - datetime.timedelta(days=rng.randint(0, days))))
            people.append((data, "female" if who.gender == "female" else "male", country,
                           (today - born).days // 365))
        with transaction.atomic():
            Case.objects.bulk_create(cases, batch_size=1000)
            persons = [Person(case=case, data_enc=seal(case.country_id, data), sex=sex,
                              nationality_id=nationality, age_group=age_group(age),
                              is_minor=age < 18)
                       for case, (data, sex, nationality, age) in zip(cases, people,
                                                                        strict=True)]
            Person.objects.bulk_create(persons, batch_size=1000)
            PersonToken.objects.bulk_create(
                [PersonToken(person=p, kind=kind, token=token)
                 for p, (data, *_) in zip(persons, people, strict=True)
                 for kind, token in tokens(data)], batch_size=2000)
            if with_batch is not None:
                with_batch(cases)
        done += size
    ctx.notes.append(f"seeded {total:,} cases, {counters['TH']:,} in Thailand")
    return supervisor, names


class Assistance:
    """Adds the rows the care MERL indicators count to cases seeded by ``_seed``.

    Proportions are a plausible caseload, not data: most cases are screened within
    ten days of registration (three in four screenings find a presumed victim), most
    receive services over the following months, some are referred, and some presumed
    victims are repatriated. Nothing is dated after today.
    """

    def __init__(self, rng: random.Random) -> None:
        from jaring.care.models import ServiceProvider

        self.rng = rng
        self.today = datetime.date.today()
        self.providers = {}
        for country in WEIGHTS:
            self.providers[country], _ = ServiceProvider.objects.get_or_create(
                country_id=country, name=f"Bench assistance provider ({country})",
                defaults={"services": _service_types()})
        self.counts = dict.fromkeys(("screenings", "deliveries", "repatriations",
                                     "referrals"), 0)

    def __call__(self, cases: list[Any]) -> None:
        from django.utils import timezone

        from jaring.care.identification import refresh_identified_on
        from jaring.care.models import (
            CasePlan,
            Referral,
            Screening,
            ServiceDelivery,
            ServiceType,
        )

        rng, today = self.rng, self.today
        results = [Screening.Result.PRESUMED_VICTIM, Screening.Result.FURTHER_ASSESSMENT,
                   Screening.Result.NOT_VICTIM]
        ordinary = [t for t in _service_types() if t != ServiceType.REPATRIATION]
        screenings, plans, planned = [], [], []
        referrals = []
        for case in cases:
            if rng.random() >= 0.9:
                continue
            screened = min(today, case.registered_on + datetime.timedelta(rng.randint(0, 10)))
            result = rng.choices(results, (75, 15, 10))[0]
            screenings.append(Screening(case=case, result=result, screened_on=screened,
                                        screened_by_id=case.owner_id))
            if rng.random() < 0.35:
                sent = screened + datetime.timedelta(rng.randint(0, 30))
                if sent <= today:
                    referrals.append(Referral(
                        case=case, provider=self.providers[case.country_id],
                        service_type=rng.choice(ordinary), sent_by_id=case.owner_id,
                        sent_at=timezone.make_aware(datetime.datetime.combine(
                            sent, datetime.time(10)))))
            if rng.random() < 0.85:
                dates = sorted(screened + datetime.timedelta(rng.randint(0, 120))
                               for _ in range(rng.randint(1, 4)))
                services = [(rng.choice(ordinary), day) for day in dates if day <= today]
                if result == Screening.Result.PRESUMED_VICTIM and rng.random() < 0.2:
                    day = screened + datetime.timedelta(rng.randint(10, 200))
                    if day <= today:
                        services.append((ServiceType.REPATRIATION, day))
                if services:
                    plans.append(CasePlan(
                        case=case, version=1, proposed_by_id=case.owner_id,
                        goals=[{"service_type": t, "goal": ""}
                               for t in dict.fromkeys(t for t, _ in services)]))
                    planned.append(services)
        Screening.objects.bulk_create(screenings, batch_size=1000)
        refresh_identified_on([s.case_id for s in screenings
                               if s.result == Screening.Result.PRESUMED_VICTIM])
        Referral.objects.bulk_create(referrals, batch_size=1000)
        CasePlan.objects.bulk_create(plans, batch_size=1000)
        deliveries = [ServiceDelivery(case_id=plan.case_id, plan=plan, service_type=kind,
                                      delivered_on=day, recorded_by_id=plan.proposed_by_id,
                                      provider=self.providers[plan.case.country_id])
                      for plan, services in zip(plans, planned, strict=True)
                      for kind, day in services]
        ServiceDelivery.objects.bulk_create(deliveries, batch_size=1000)
        self.counts["screenings"] += len(screenings)
        self.counts["referrals"] += len(referrals)
        self.counts["deliveries"] += len(deliveries)
        self.counts["repatriations"] += sum(d.service_type == ServiceType.REPATRIATION
                                            for d in deliveries)


def _service_types() -> list[str]:
    from jaring.care.models import ServiceType

    return list(ServiceType.values)


def _client(user: Any):
    from django.test import Client

    from jaring.identity.middleware import SESSION_KEY

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = True
    session.save()
    return client


def _timed(client: Any, urls: list[str]) -> list[float]:
    timings = []
    for url in urls:
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise BenchError(f"GET {url} answered {response.status_code}")
    return timings


@benchmark("care")
def care(ctx: BenchContext) -> list[Figure]:
    from jaring.demo.generator import DemoGenerator
    from jaring.identity.models import Organisation

    total = ctx.size("cases", DEFAULT_CASES)
    rng = random.Random(17)
    if not Organisation.objects.exists():
        DemoGenerator(seed=1).build_platform()
    with ctx.stage(f"Storing {total:,} cases"):
        supervisor, names = _seed(total, rng, ctx)
    from jaring.bench.platform import _plain_static

    with _plain_static():
        return _measure(ctx, supervisor, names, rng)


def _measure(ctx: BenchContext, supervisor: Any, names: list[str],
             rng: random.Random) -> list[Figure]:
    from django.db import connection

    from jaring.care.models import Case

    client = _client(supervisor)
    stored = Case.objects.count()
    filters = ["state=services&risk_level=high", "case_type=trafficking_survivor",
               "state=registered&since=2025-01-01", "risk_level=low&page=3", ""]
    with ctx.stage("Timing the filtered case list"):
        _timed(client, ["/care/"] * 5)  # warm-up: templates, caches
        lists = _timed(client, [f"/care/?{filters[n % len(filters)]}"
                                for n in range(REQUESTS)])
    with ctx.stage("Timing exact name search"):
        searches = _timed(client, [f"/care/?name={name}" for name in names[:REQUESTS]])
    th_cases = list(Case.objects.filter(organisation_id=supervisor.organisation_id)
                    .values_list("pk", flat=True)[:REQUESTS * 5])
    picks = rng.sample(th_cases, min(REQUESTS, len(th_cases)))
    with ctx.stage("Timing case openings"):
        opens = _timed(client, [f"/care/{pk}/" for pk in picks])
    vendor = connection.vendor
    return [
        Figure(f"Case list with filters p95 ({vendor}, {stored:,} cases)",
               percentile(lists, 0.95), "ms", goal=200, higher_is_better=False),
        Figure(f"Exact name search p95 ({stored:,} cases)", percentile(searches, 0.95), "ms",
               goal=200, higher_is_better=False),
        Figure(f"Opening a case p95 ({stored:,} cases)", percentile(opens, 0.95), "ms",
               goal=100, higher_is_better=False),
    ]
