"""Vega-Lite specifications for the campaign page, built with Altair.

Only what the viewer may see goes into a chart: the rows come from the
sharing-filtered report query, never from the raw tables.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from jaring.intel.graph import COUNTRY_COLOURS

WIDTH = "container"
# The same colour for a country in every chart and in the network graph.
COUNTRY_SCALE = alt.Scale(domain=list(COUNTRY_COLOURS), range=list(COUNTRY_COLOURS.values()))


MAX_ROWS = 20_000


def _frame(rows: list[tuple]) -> list[dict[str, Any]]:
    """(country, reported_on, loss_usd, scam_type) rows the viewer may see, as chart data."""
    return [
        {"country": country, "reported_on": day.isoformat(), "loss_usd": float(loss or 0),
         "scam_type": scam_type}
        for country, day, loss, scam_type in rows
    ]


def timeline(rows: list[tuple]) -> dict:
    data = alt.Data(values=_frame(rows))
    chart = (
        alt.Chart(data, title="Reports per week")
        .mark_bar()
        .encode(
            x=alt.X("yearweek(reported_on):T", title="Week reported"),
            y=alt.Y("count():Q", title="Reports"),
            color=alt.Color("country:N", title="Country", scale=COUNTRY_SCALE),
            tooltip=[alt.Tooltip("country:N"), alt.Tooltip("count():Q", title="Reports")],
        )
        .properties(width=WIDTH, height=220)
    )
    return chart.to_dict()


def losses_by_country(rows: list[tuple]) -> dict:
    data = alt.Data(values=_frame(rows))
    chart = (
        alt.Chart(data, title="Reported losses by country (USD)")
        .mark_bar()
        .encode(
            y=alt.Y("country:N", sort="-x", title=None),
            x=alt.X("sum(loss_usd):Q", title="US dollars"),
            color=alt.Color("country:N", legend=None, scale=COUNTRY_SCALE),
            tooltip=[alt.Tooltip("country:N"),
                     alt.Tooltip("sum(loss_usd):Q", title="USD", format=",.0f")],
        )
        .properties(width=WIDTH, height=alt.Step(24), autosize=alt.AutoSizeParams(
            type="fit-x", contains="padding"))
    )
    return chart.to_dict()
