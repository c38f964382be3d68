"""Building STIX and MISP exports from what a viewer may see.

Export rows are assembled here from the sharing-filtered queries, with no
personal data in them at all; the format modules only translate. So an export
can never carry more than the same viewer sees on screen.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from jaring import __version__
from jaring.audit.services import record_event
from jaring.intel import queries, visibility
from jaring.intel.exchange import misp, stix
from jaring.intel.models import Campaign

MAX_EXPORT = 100_000


@dataclass(frozen=True)
class Viewer:
    """Whose eyes an export is made for: a member state, or (None) every member state."""

    country_code: str | None


def export_rows(
    viewer: Any,
    *,
    campaign: Campaign | None = None,
    country: str | None = None,
    since: datetime.date | None = None,
) -> list[dict[str, Any]]:
    reports = list(queries.visible_report_list(
        viewer, campaign=campaign, country=country, since=since,
    ).select_related("scam_type")[:MAX_EXPORT])
    access = queries.access_map(viewer, reports)
    rows = []
    for report in reports:
        shown = queries.report_dict(viewer, report, access[report.pk])
        rows.append({
            "id": f"{report.country_id}-{report.pk}",
            "reference": shown["reference"] or f"jaring-report-{report.pk}",
            "country": report.country_id,
            "organisation": report.organisation.name,
            "reported_on": report.reported_on.isoformat(),
            "scam_type": report.scam_type_id,
            "channel": report.channel_id,
            "loss_usd": str(report.loss_usd) if report.loss_usd is not None else None,
            "tlp": report.tlp,
            "campaign": shown["campaign"],
            "indicators": [
                {"kind": i["kind"], "value": i["value"], "role": i["role"]}
                for i in shown["indicators"]
            ],
        })
    return rows


def export_document(
    viewer: Any,
    fmt: str,
    *,
    campaign: Campaign | None = None,
    country: str | None = None,
    since: datetime.date | None = None,
    actor: Any = None,
) -> tuple[dict, int]:
    rows = export_rows(viewer, campaign=campaign, country=country, since=since)
    producer = {"name": "Jaring", "version": __version__,
                "country": visibility.viewer_country(viewer)}
    if fmt == "stix":
        document = stix.export_bundle(rows, producer=producer)
    elif fmt == "misp":
        title = f"Jaring campaign {campaign.code}" if campaign else "Jaring fraud reports"
        document = misp.export_event(rows, info=title, producer=producer)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    record_event("intel.export", actor=actor, detail={
        "format": fmt, "reports": len(rows), "for_country": visibility.viewer_country(viewer),
        "campaign": campaign.code if campaign else None, "country": country,
    })
    return document, len(rows)
