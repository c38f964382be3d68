"""Vega-Lite specifications for the care reports page, built with Altair from KPI rows."""

from __future__ import annotations

from typing import Any

import altair as alt

from jaring.care.models import ClosureReason


def caseload(rows: list[dict[str, Any]]) -> dict:
    data = [{"organisation": f"{r['organisation']} ({r['country']})", "state": state,
             "cases": r[key]} for r in rows
            for state, key in (("open", "open_cases"), ("closed", "closed_cases"))]
    chart = (alt.Chart(alt.Data(values=data), title="Caseload per organisation")
             .mark_bar()
             .encode(y=alt.Y("organisation:N", title=None),
                     x=alt.X("cases:Q", title="Cases"),
                     color=alt.Color("state:N", title="State"))
             .properties(width="container"))
    return chart.to_dict()


def closures(rows: list[dict[str, Any]]) -> dict:
    totals = {reason: sum(r[f"closed_{reason}"] for r in rows) for reason in ClosureReason.values}
    data = [{"reason": ClosureReason(k).label, "cases": v} for k, v in totals.items()]
    chart = (alt.Chart(alt.Data(values=data), title="Closures by reason")
             .mark_bar()
             .encode(y=alt.Y("reason:N", title=None, sort="-x"),
                     x=alt.X("cases:Q", title="Cases"))
             .properties(width="container"))
    return chart.to_dict()


CHARTS = {"caseload": caseload, "closures": closures}
