"""The campaign network graph: reports and the indicators that link them, as SVG.

Drawn on the server so it costs the browser nothing and needs no script: reports
sit on an outer ring grouped by country, each indicator inside the ring at the
mean angle of the reports that share it, so clusters read at a glance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

SIZE = 560
CENTRE = SIZE / 2
OUTER = SIZE / 2 - 40
INNER = OUTER * 0.55
MAX_REPORTS = 150

COUNTRY_COLOURS = {
    "BN": "#8c564b", "KH": "#1f77b4", "ID": "#d62728", "LA": "#9467bd", "MY": "#ff7f0e",
    "MM": "#2ca02c", "PH": "#17becf", "SG": "#e377c2", "TH": "#7f7f7f", "TL": "#bcbd22",
    "VN": "#393b79",
}
KIND_COLOURS = {
    "phone": "#0b4f71", "bank_account": "#c8102e", "ewallet": "#e6550d",
    "crypto_wallet": "#6b4500", "url": "#31a354", "domain": "#31a354", "ip": "#636363",
    "email": "#756bb1", "social_handle": "#3182bd",
}


@dataclass(frozen=True)
class Node:
    x: float
    y: float
    label: str
    colour: str
    href: str = ""


@dataclass(frozen=True)
class Graph:
    size: int
    reports: list[Node]
    indicators: list[Node]
    edges: list[tuple[float, float, float, float]]
    shown: int
    total: int
    legend: list[tuple[str, str]]


def campaign_graph(user: Any, campaign: Any, detail: dict) -> Graph:
    reports = sorted(detail["reports"], key=lambda r: (r["country"], r["reported_on"], r["id"]))
    total = len(reports)
    reports = reports[:MAX_REPORTS]
    shared = {(i["kind"], i["value"]) for i in detail["shared_indicators"]}
    positions: dict[int, tuple[float, float, float]] = {}
    report_nodes: list[Node] = []
    for n, report in enumerate(reports):
        angle = 2 * math.pi * n / max(len(reports), 1) - math.pi / 2
        x, y = CENTRE + OUTER * math.cos(angle), CENTRE + OUTER * math.sin(angle)
        positions[report["id"]] = (x, y, angle)
        report_nodes.append(Node(
            x, y, f"{report['country']} report of {report['reported_on']}",
            COUNTRY_COLOURS.get(report["country"], "#444"), f"/intel/reports/{report['id']}/",
        ))
    members: dict[tuple[str, str], list[int]] = {}
    for report in reports:
        for indicator in report["indicators"]:
            key = (indicator["kind"], indicator["value"])
            if key in shared and indicator["linkable"]:
                members.setdefault(key, []).append(report["id"])
    indicator_nodes: list[Node] = []
    edges: list[tuple[float, float, float, float]] = []
    for key in sorted(members):
        ids = members[key]
        sx = sum(math.cos(positions[r][2]) for r in ids)
        sy = sum(math.sin(positions[r][2]) for r in ids)
        angle = math.atan2(sy, sx) if (sx or sy) else 0.0
        # Indicators shared more widely sit nearer the centre.
        radius = INNER / (1 + 0.15 * (len(ids) - 2))
        x, y = CENTRE + radius * math.cos(angle), CENTRE + radius * math.sin(angle)
        indicator_nodes.append(Node(x, y, f"{key[0]}: {key[1]} ({len(ids)} reports)",
                                    KIND_COLOURS.get(key[0], "#444")))
        edges.extend((x, y, positions[r][0], positions[r][1]) for r in ids)
    legend = sorted({(r["country"], COUNTRY_COLOURS.get(r["country"], "#444")) for r in reports})
    return Graph(SIZE, report_nodes, indicator_nodes, edges, len(reports), total, legend)
