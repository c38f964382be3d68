"""The MERL part's demo data: the ILLUSTRATIVE framework and three years of submissions.

Each member state reports through its own M&E officer, the focal point approves and
the secretariat accepts, as in real use. Like real reporting, some periods are
missing, some arrive late, a few values are wildly off, and the latest periods are
still in draft or waiting for approval. Computed indicators need nothing here: they
read the demo's fraud reports (and, once registered, its cases) live.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from jaring.demo.generator import DemoGenerator, StepProgress, demo_step
from jaring.identity.roles import Role
from jaring.merl import services
from jaring.merl.framework import load_framework
from jaring.merl.models import Indicator, LearningEntry, Plan
from jaring.merl.periods import Period, periods_between
from jaring.merl.rows import RowIn
from jaring.reference.models import Code, Country

YEARS = 3
GAP_CHANCE = 0.07  # a country skips a period altogether
LATE_CHANCE = 0.15  # a period arrives after the grace days
OUTLIERS = 4
# Rough relative size of each member state's caseload, so that figures differ plausibly.
SIZE = {"ID": 9, "PH": 7, "VN": 6, "TH": 6, "MY": 5, "MM": 5, "KH": 4, "SG": 2, "LA": 2,
        "BN": 1, "TL": 1}
LESSONS = [
    ("lesson", "Screening on arrival finds more victims",
     "Screening every returnee at the border post, not only those who ask for help, "
     "roughly doubled the victims identified.", ["VA.IDENTIFIED"]),
    ("recommendation", "Refer within a week of identification",
     "Victims referred in the first week stay in assistance; agree a one-week referral "
     "standard with shelters.", ["VA.REFERRED", "VA.REFERRAL_RATE"]),
    ("lesson", "Shared wallets link campaigns across borders",
     "Most cross-border campaigns were linked through crypto wallets reported in two "
     "or more member states within a month.", ["SCAM.XB_REPORTS", "SCAM.XB_CAMPAIGNS"]),
    ("recommendation", "Train prosecutors with investigators",
     "Joint courses for police and prosecutors shortened the time to charge.",
     ["CY.TRAINED", "SCAM.PROSECUTED"]),
]


def _split(total: int, codes: list[str], rng: random.Random) -> dict[str, int]:
    weights = [rng.random() + 0.2 for _ in codes]
    shares = [int(total * w / sum(weights)) for w in weights]
    shares[0] += total - sum(shares)
    return dict(zip(codes, shares, strict=True))


def _cells(country: str, period: Period, rng: random.Random,
           codes: dict[str, list[str]]) -> list[tuple[str, str, str]]:
    """(indicator, disaggregation, value) for one country and period."""
    size = SIZE.get(country, 2)
    trend = 1 + 0.12 * (period.year - 2023)
    cells: list[tuple[str, str, str]] = []
    if period.frequency == "quarter":
        identified = int(rng.gammavariate(2, 6 * size * trend))
        referred = int(identified * rng.uniform(0.55, 0.95))
        cells += [("VA.IDENTIFIED", "", str(identified)),
                  ("VA.REFERRED", "", str(referred)),
                  ("VA.REPATRIATED", "", str(int(identified * rng.uniform(0.2, 0.6)))),
                  ("SCAM.TAKEDOWNS", "", str(int(rng.gammavariate(2, 40 * size * trend))))]
        for dimension, total, indicator in (("sex", identified, "VA.IDENTIFIED"),
                                            ("age-group", identified, "VA.IDENTIFIED"),
                                            ("sex", referred, "VA.REFERRED")):
            for code, value in _split(total, codes[dimension], rng).items():
                cells.append((indicator, f"{dimension}={code}", str(value)))
    else:
        prosecuted = int(rng.gammavariate(2, 10 * size * trend))
        trained = int(rng.gammavariate(3, 30 * size * trend))
        cells += [("SCAM.PROSECUTED", "", str(prosecuted)),
                  ("CY.TRAINED", "", str(trained)),
                  ("CY.COOPERATION", "", str(rng.randint(0, 4 + size))),
                  *[(code, "", f"{min(5, rng.uniform(1.5, 3.5) + 0.3 * (period.year - 2023)):.1f}")
                    for code in ("CY.LEGAL", "CY.TECHNICAL", "CY.ORGANISATIONAL")]]
        for dimension, total, indicator in (("sex", prosecuted, "SCAM.PROSECUTED"),
                                            ("sex", trained, "CY.TRAINED")):
            for code, value in _split(total, codes[dimension], rng).items():
                cells.append((indicator, f"{dimension}={code}", str(value)))
    return cells


def _people(gen: DemoGenerator) -> tuple[dict, dict, object]:
    officers: dict[str, object] = {}
    approvers: dict[str, object] = {}
    secretariat = None
    for user in gen.users:
        country = user.country_code
        if user.role == Role.ME_OFFICER and country:
            officers.setdefault(country, user)
        elif user.role == Role.ME_APPROVER and country:
            approvers.setdefault(country, user)
        elif user.role == Role.ME_APPROVER and country is None:
            secretariat = user
    return officers, approvers, secretariat


@demo_step("merl.submissions", "MERL framework and three years of submissions", order=600)
def build_submissions(gen: DemoGenerator, rng: random.Random, progress: StepProgress) -> None:
    plan = load_framework()
    officers, approvers, secretariat = _people(gen)
    countries = [c for c in Country.objects.filter(is_member_state=True).values_list(
        "code", flat=True) if c in officers]
    codes = {d: list(Code.objects.filter(code_list_id=d).exclude(code__in=["_O", "_U",
                                                                          "unknown"])
                     .values_list("code", flat=True)) for d in ("sex", "age-group")}
    last_year = gen.today.year - 1
    first, last = Period(last_year - YEARS + 1, 1, "year"), Period(last_year, 1, "year")
    periods = [p for frequency in ("quarter", "year")
               for p in periods_between(first, last, frequency)]
    # The quarters of this year that have ended too, so the newest work is in progress.
    periods += [p for p in periods_between(Period(gen.today.year, 1, "quarter"),
                                           Period(gen.today.year, 4, "quarter"), "quarter")
                if p.end < gen.today]
    progress.total(len(countries) * len(periods))
    outliers = set(rng.sample([(c, str(p)) for c in countries for p in periods
                               if p.frequency == "quarter"], OUTLIERS))
    newest = sorted({str(p) for p in periods if p.frequency == "quarter"})[-2:]
    for country in countries:
        for period in periods:
            progress.advance()
            if rng.random() < GAP_CHANCE:
                continue
            cells = _cells(country, period, rng, codes)
            if (country, str(period)) in outliers:
                cells = [(i, k, str(int(Decimal(v) * 12)) if i == "VA.REPATRIATED" else v)
                         for i, k, v in cells]
            delay = rng.randint(60, 150) if rng.random() < LATE_CHANCE else rng.randint(5, 40)
            at = datetime.datetime.combine(period.end + datetime.timedelta(days=delay),
                                           datetime.time(9), tzinfo=datetime.UTC)
            at = min(at, datetime.datetime.now(datetime.UTC))
            rows = [RowIn(n, i, country, str(period), v, k)
                    for n, (i, k, v) in enumerate(cells, 1)]
            services.store_values(officers[country], rows, "demo", at=at)
            if str(period) in newest and rng.random() < 0.6:
                continue  # still a draft
            services.submit_period(officers[country], country, str(period))
            if str(period) in newest or country not in approvers:
                continue  # waiting for the focal point
            services.approve_period(approvers[country], country, str(period))
            if secretariat is not None and rng.random() < 0.8:
                services.accept_period(secretariat, country, str(period))
    admin = next((u for u in gen.users if u.role == Role.ADMINISTRATOR), None)
    if admin is not None:
        _targets(admin, plan, countries, rng)
    _learning(plan, officers, rng)
    services.validate(None)


def _targets(admin, plan: Plan, countries: list[str], rng: random.Random) -> None:
    """National baselines and end-of-plan targets for the count indicators."""
    # Per unit of SIZE: about a year's figure at the start of the plan.
    for code, per_size in (("VA.IDENTIFIED", 48), ("SCAM.TAKEDOWNS", 300), ("CY.TRAINED", 80)):
        indicator = Indicator.objects.get(code=code)
        for country in countries:
            base = Decimal(SIZE.get(country, 2) * per_size)
            services.set_target(admin, indicator, country, plan.start_year, "baseline", base)
            services.set_target(admin, indicator, country, plan.end_year, "target",
                                (base * Decimal(rng.uniform(1.4, 2.2))).quantize(Decimal(1)))


def _learning(plan: Plan, officers: dict, rng: random.Random) -> None:
    statuses = [s for s, _ in LearningEntry.Status.choices]
    for (kind, title, text, codes), country in zip(LESSONS, rng.sample(sorted(officers),
                                                                       len(LESSONS)),
                                                   strict=False):
        indicators = list(Indicator.objects.filter(code__in=codes))
        entry = services.record_learning(officers[country], plan=plan, country=country,
                                         kind=kind, title=title, text=text,
                                         indicators=indicators,
                                         nodes={i.node for i in indicators})
        status = rng.choice(statuses)
        if status != LearningEntry.Status.OPEN:
            services.update_learning(officers[country], entry, status,
                                     "Discussed at the regional M&E meeting.")
