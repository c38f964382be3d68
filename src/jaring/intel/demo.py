"""The intelligence part's demo data: a year of reports across the region."""

from __future__ import annotations

import datetime
import random

from jaring.demo.generator import DemoGenerator, StepProgress, demo_step
from jaring.identity.roles import OrganisationKind, Role
from jaring.intel import services
from jaring.intel.ingest import ingest
from jaring.intel.synthetic import WARNINGLIST, Generator
from jaring.intel.validation import Vocabulary, parse_report
from jaring.reference.services import RateTable

REPORTS_SMALL = 1500
BATCH = 500


@demo_step("intel.reports", "Fraud reports, campaigns and alerts", order=200)
def build_reports(gen: DemoGenerator, rng: random.Random, progress: StepProgress) -> None:
    total = gen.count(REPORTS_SMALL)
    progress.total(total)
    admin = next((u for u in gen.users if u.role == Role.ADMINISTRATOR), None)
    for kind, value, reason in WARNINGLIST:
        services.add_to_warninglist(admin, kind, value, reason)
    generator = Generator(seed=gen.seed, reports=total,
                          start=gen.today - datetime.timedelta(days=365))
    vocabulary = Vocabulary()
    rates = RateTable()
    batch = []
    for record in generator:
        organisation = gen.organisation(record["country"], OrganisationKind.ANTI_SCAM_CENTRE)
        item, _ = parse_report(record, vocabulary=vocabulary, organisation_id=organisation.pk,
                               country=record["country"])
        if item is not None:
            batch.append(item)
        if len(batch) == BATCH:
            ingest(batch, rates=rates)
            progress.advance(len(batch))
            batch = []
    if batch:
        ingest(batch, rates=rates)
        progress.advance(len(batch))
