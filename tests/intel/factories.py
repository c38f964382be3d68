"""Helpers for intelligence tests: organisations per country and reports from dicts."""

from __future__ import annotations

import datetime
import itertools

from jaring.identity.models import Organisation
from jaring.identity.roles import OrganisationKind
from jaring.intel.ingest import ingest
from jaring.intel.models import FraudReport
from jaring.intel.synthetic import ORGANISATION
from jaring.intel.validation import Vocabulary, parse_report
from tests.factories import OrganisationFactory

_refs = itertools.count(1)


def centre(country: str) -> Organisation:
    return OrganisationFactory(
        country_id=country, kind=OrganisationKind.ANTI_SCAM_CENTRE,
        short_name=ORGANISATION.get(country, f"NASC-{country}"),
        name=f"Anti-scam centre {country}", contact_email=f"desk@nasc-{country.lower()}.example",
    )


def raw_report(**overrides) -> dict:
    base = {
        "reference": f"T-{next(_refs):06d}",
        "reported_on": (datetime.date.today() - datetime.timedelta(days=3)).isoformat(),
        "scam_type": "investment",
        "channel": "whatsapp",
        "loss_amount": "1000",
        "loss_currency": "SGD",
        "tlp": "green",
        "indicators": [],
    }
    base.update(overrides)
    return base


def submit(country: str, *indicators: tuple[str, str], **fields) -> FraudReport:
    """Store one report from ``country`` with (kind, value) indicators; return it."""
    org = centre(country)
    raw = raw_report(indicators=[{"kind": k, "value": v} for k, v in indicators], **fields)
    item, errors = parse_report(raw, vocabulary=Vocabulary(), organisation_id=org.pk,
                                country=country)
    assert item is not None and not errors, errors
    ingest([item])
    return FraudReport.objects.get(organisation=org, reference=raw["reference"])
