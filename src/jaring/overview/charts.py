"""Vega-Lite specifications for the overview pages and reports, built with Altair.

Every function takes rows already narrowed to what the viewer may see and already
through disclosure control; nothing here reads the database. ``width`` is
"container" on pages (the chart fills its box at any screen width) and a number
in PDF reports, where vl-convert has no container to measure.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import altair as alt

GEOJSON = Path(__file__).parent / "static" / "overview" / "asean.geojson"
Width = str | int
BAR = "#1f5fa8"


@lru_cache(maxsize=1)
def geography() -> dict[str, Any]:
    """The bundled map: eleven member states, with a label point each."""
    return json.loads(GEOJSON.read_text(encoding="utf-8"))


def centroids() -> dict[str, tuple[float, float]]:
    return {f["id"]: (f["properties"]["lon"], f["properties"]["lat"])
            for f in geography()["features"]}


def country_map(values: Mapping[str, int | float | Decimal | None], *, label: str, unit: str,
                links: dict[tuple[str, str], int], names: dict[str, str],
                geo_url: str | None = None, width: Width = "container",
                highlight: str | None = None) -> dict:
    """Member states coloured by a measure, with cross-border links between them.

    Countries without a value (no data, or a suppressed count) stay grey; ``links``
    are drawn as lines between label points, thicker for more shared campaigns.
    """
    if geo_url:
        geo = alt.Data(url=geo_url, format=alt.DataFormat(type="json", property="features"))
    else:
        geo = alt.InlineData(values=geography(), format=alt.DataFormat(type="json",
                                                                     property="features"))
    rows = [{"code": code, "name": names.get(code, code), "value": float(value)}
            for code, value in sorted(values.items()) if value is not None]
    base = alt.Chart(geo).mark_geoshape(fill="#e4e8ee", stroke="#ffffff", strokeWidth=0.6)
    title = f"{label} ({unit})" if unit not in ("", label.lower()) else label
    coloured = (
        alt.Chart(geo)
        .mark_geoshape(stroke="#ffffff", strokeWidth=0.6)
        .transform_lookup(lookup="properties.code",
                          from_=alt.LookupData(data=alt.Data(values=rows), key="code",
                                               fields=["value", "name"]))
        .transform_filter("isValid(datum.value)")
        .encode(
            color=alt.Color("value:Q", title=title, scale=alt.Scale(scheme="blues"),
                            legend=alt.Legend(orient="bottom", gradientLength=160)),
            tooltip=[alt.Tooltip("name:N", title="Country"),
                     alt.Tooltip("value:Q", title=label, format=",.0f")],
        )
    )
    points = centroids()
    link_rows: list[dict[str, Any]] = [
        {"a": a, "b": b, "campaigns": n, "lon": points[a][0], "lat": points[a][1],
         "lon2": points[b][0], "lat2": points[b][1]}
        for (a, b), n in sorted(links.items())
        if a in points and b in points and (highlight is None or highlight in (a, b))
    ]
    layers: list[alt.Chart] = [base, coloured]
    if link_rows:
        layers.append(
            alt.Chart(alt.Data(values=link_rows))
            .mark_rule(color="#c2410c", opacity=0.75)
            .encode(
                longitude="lon:Q", latitude="lat:Q", longitude2="lon2:Q", latitude2="lat2:Q",
                strokeWidth=alt.StrokeWidth("campaigns:Q", title="Shared campaigns",
                                            scale=alt.Scale(range=[1, 6]),
                                            legend=alt.Legend(orient="bottom", format="d",
                                                              tickMinStep=1)),
                tooltip=[alt.Tooltip("a:N", title="Between"), alt.Tooltip("b:N", title="and"),
                         alt.Tooltip("campaigns:Q", title="Shared campaigns")],
            )
        )
        dots = sorted({code for row in link_rows for code in (row["a"], row["b"])})
        layers.append(
            alt.Chart(alt.Data(values=[{"code": c, "lon": points[c][0], "lat": points[c][1]}
                                       for c in dots]))
            .mark_circle(color="#c2410c", size=30, opacity=0.9)
            .encode(longitude="lon:Q", latitude="lat:Q", tooltip=[alt.Tooltip("code:N")])
        )
    chart = (alt.layer(*layers, title=f"{label} by member state")
             .project(type="mercator")
             .properties(width=width, height=340))
    return chart.to_dict()


def trend(rows: list[dict[str, Any]], *, width: Width = "container") -> dict:
    chart = (
        alt.Chart(alt.Data(values=rows), title="Fraud reports per month")
        .mark_bar(color=BAR)
        .encode(
            x=alt.X("month:T", timeUnit="yearmonth", title=None,
                    axis=alt.Axis(format="%b %y", labelAngle=0, labelOverlap=True)),
            y=alt.Y("reports:Q", title="Reports"),
            tooltip=[alt.Tooltip("month:T", timeUnit="yearmonth", title="Month"),
                     alt.Tooltip("reports:Q", title="Reports", format=","),
                     alt.Tooltip("loss_usd:Q", title="Losses (USD)", format=",.0f")],
        )
        .properties(width=width, height=200)
    )
    return chart.to_dict()


def losses(rows: list[dict[str, Any]], *, width: Width = "container") -> dict:
    chart = (
        alt.Chart(alt.Data(values=rows), title="Losses per month (USD)")
        .mark_line(point=True, color="#c2410c")
        .encode(
            x=alt.X("month:T", timeUnit="yearmonth", title=None,
                    axis=alt.Axis(format="%b %y", labelAngle=0, labelOverlap=True)),
            y=alt.Y("loss_usd:Q", title="US dollars", axis=alt.Axis(format="~s")),
            tooltip=[alt.Tooltip("month:T", timeUnit="yearmonth", title="Month"),
                     alt.Tooltip("loss_usd:Q", title="Losses (USD)", format=",.0f")],
        )
        .properties(width=width, height=200)
    )
    return chart.to_dict()


def ranking(rows: list[dict[str, Any]], *, title: str, width: Width = "container") -> dict:
    chart = (
        alt.Chart(alt.Data(values=rows), title=title)
        .mark_bar(color=BAR)
        .encode(
            y=alt.Y("name:N", sort="-x", title=None, axis=alt.Axis(labelLimit=140)),
            x=alt.X("reports:Q", title="Reports"),
            tooltip=[alt.Tooltip("name:N", title=title),
                     alt.Tooltip("reports:Q", title="Reports", format=","),
                     alt.Tooltip("loss_usd:Q", title="Losses (USD)", format=",.0f")],
        )
        .properties(width=width, height=alt.Step(22))
    )
    if width == "container":
        chart = chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    return chart.to_dict()
