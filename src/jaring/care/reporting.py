"""Caseload and KPIs per organisation and country, and the de-identified HTCDS export.

Figures are counted with a handful of grouped queries, never per case, and only
over the cases the viewer's ``care.report.view`` grant reaches.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Count, Q, QuerySet

from jaring.care.models import (
    Case,
    CaseState,
    ClosureReason,
    ConsentPurpose,
    Referral,
    Screening,
    Transfer,
)
from jaring.care.queries import visible_cases

KPI_COLUMNS = ["country", "organisation", "cases", "open_cases", "closed_cases",
               "median_days_to_first_service", "referrals_sent", "referrals_completed",
               "transfers_out", "transfers_in",
               *[f"closed_{reason}" for reason in ClosureReason.values]]


def kpis(user: Any) -> list[dict[str, Any]]:
    return kpis_for(visible_cases(user, "care.report.view"))


def kpis_for(cases: QuerySet[Case]) -> list[dict[str, Any]]:
    rows: dict[int, dict[str, Any]] = {}
    closed = [CaseState.CLOSED, CaseState.FOLLOW_UP]
    for r in (cases.values("organisation_id", "organisation__short_name", "country_id")
              .annotate(total=Count("pk"),
                        open=Count("pk", filter=~Q(state__in=[*closed, CaseState.TRANSFERRED])),
                        closed=Count("pk", filter=Q(state__in=closed)))
              .order_by("country_id", "organisation__short_name")):
        rows[r["organisation_id"]] = {
            "country": r["country_id"], "organisation": r["organisation__short_name"],
            "cases": r["total"], "open_cases": r["open"], "closed_cases": r["closed"],
            "median_days_to_first_service": None, "referrals_sent": 0,
            "referrals_completed": 0, "transfers_out": 0, "transfers_in": 0,
            **{f"closed_{reason}": 0 for reason in ClosureReason.values},
        }
    waits: dict[int, list[int]] = defaultdict(list)
    for org, registered, first in cases.filter(first_service_on__isnull=False).values_list(
            "organisation_id", "registered_on", "first_service_on").iterator():
        if first is not None:
            waits[org].append((first - registered).days)
    for org, days in waits.items():
        rows[org]["median_days_to_first_service"] = statistics.median(days)
    for c in (cases.filter(state__in=closed).exclude(closure_reason="")
              .values("organisation_id", "closure_reason").annotate(n=Count("pk")).order_by()):
        rows[c["organisation_id"]][f"closed_{c['closure_reason']}"] = c["n"]
    for f in (Referral.objects.filter(case__in=cases.values("pk"))
              .values("case__organisation_id")
              .annotate(sent=Count("pk"),
                        done=Count("pk", filter=Q(state=Referral.State.COMPLETED))).order_by()):
        rows[f["case__organisation_id"]].update(referrals_sent=f["sent"],
                                                referrals_completed=f["done"])
    for t in (Transfer.objects.filter(case__in=cases.values("pk"))
              .values("case__organisation_id").annotate(n=Count("pk")).order_by()):
        rows[t["case__organisation_id"]]["transfers_out"] = t["n"]
    for i in (Transfer.objects.filter(received_case__in=cases.values("pk"))
              .values("to_organisation_id").annotate(n=Count("pk")).order_by()):
        if i["to_organisation_id"] in rows:
            rows[i["to_organisation_id"]]["transfers_in"] = i["n"]
    return list(rows.values())


def to_csv(rows: Iterable[dict[str, Any]], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return out.getvalue()


# --- HTCDS ----------------------------------------------------------------------------
# Field names follow IOM's Human Trafficking Case Data Standard as published in the
# CTDC global dataset; docs/care/htcds.md gives the mapping and what is left out.

MEANS_OF_CONTROL = {
    "meansOfControlDebtBondage": "debt_bondage",
    "meansOfControlTakesEarnings": "withholding_of_wages",
    "meansOfControlThreats": "intimidation_threats",
    "meansOfControlPhysicalAbuse": "physical_sexual_violence",
    "meansOfControlFalsePromises": "deception",
    "meansOfControlRestrictsMovement": "restriction_of_movement",
    "meansOfControlExcessiveWorkingHours": "excessive_overtime",
    "meansOfControlWithholdsDocuments": "retention_of_documents",
    "meansOfControlPsychologicalAbuse": "isolation",
    "meansOfControlOther": "abuse_of_vulnerability",
}
HTCDS_COLUMNS = ["caseId", "Datasource", "yearOfRegistration", "monthOfRegistration", "gender",
                 "ageBroad", "majorityStatus", "citizenship", "CountryOfExploitation",
                 "isForcedLabour", "typeOfLabourOther", "isAbduction", *MEANS_OF_CONTROL,
                 "meansOfControlNotSpecified", "screeningResult", "caseType",
                 "nonPunishmentFlag", "caseStatus", "closureReason", "isTransferred"]

_AGE_BROAD = {"0-11": "0--8", "12-17": "9--17", "18-24": "18--20", "25-34": "30--38",
              "35-44": "39--47", "45-54": "48+", "55+": "48+"}


def htcds_cases(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Cases whose person agreed to statistical use (or that were anonymised since)."""
    consented = Q(consents__purpose=ConsentPurpose.STATISTICS,
                  consents__withdrawn_on__isnull=True)
    return cases.filter(consented | Q(anonymised_on__isnull=False)).distinct()


def htcds_rows(cases: QuerySet[Case]) -> Iterator[dict[str, Any]]:
    """De-identified rows: no name, no exact date, the case id replaced by a sequence."""
    latest: dict[int, Screening] = {}
    chosen = htcds_cases(cases).select_related("person").order_by("pk")
    ids = list(chosen.values_list("pk", flat=True))
    for start in range(0, len(ids), 2000):
        batch = ids[start:start + 2000]
        latest = {}
        for s in Screening.objects.filter(case_id__in=batch).order_by("case_id", "-screened_on",
                                                                      "-pk"):
            latest.setdefault(s.case_id, s)
        for n, case in enumerate(Case.objects.filter(pk__in=batch).select_related("person")
                                 .order_by("pk"), start + 1):
            person = case.person
            screening = latest.get(case.pk)
            indicators = screening.indicators if screening else {}
            means = {name: int(bool(indicators.get(key))) for name, key in
                     MEANS_OF_CONTROL.items()}
            trafficking = case.case_type != "fraud_victim"
            yield {
                "caseId": n, "Datasource": "Case Management",
                "yearOfRegistration": case.registered_on.year,
                "monthOfRegistration": case.registered_on.month,
                "gender": {"female": "Female", "male": "Male"}.get(person.sex, "Unknown"),
                "ageBroad": _AGE_BROAD.get(person.age_group, "Unknown"),
                "majorityStatus": "" if not person.age_group else
                ("Minor" if person.is_minor else "Adult"),
                "citizenship": person.nationality_id or "",
                "CountryOfExploitation": "",
                "isForcedLabour": int(trafficking),
                "typeOfLabourOther": "Forced criminality (online scam operations)"
                if trafficking else "",
                "isAbduction": "",
                **means,
                "meansOfControlNotSpecified": int(screening is None or not any(means.values())),
                "screeningResult": screening.result if screening else "",
                "caseType": case.case_type, "nonPunishmentFlag": int(case.non_punishment),
                "caseStatus": case.state, "closureReason": case.closure_reason,
                "isTransferred": int(case.state == CaseState.TRANSFERRED),
            }
