"""Vega-Lite specifications for scorecards, built with Altair over published figures."""

from __future__ import annotations

from decimal import Decimal

import altair as alt

from jaring.merl import disagg
from jaring.merl.models import Indicator
from jaring.merl.periods import Period
from jaring.merl.values import REGION, Request, country_table, with_region
from jaring.reference.models import Country

WIDTH = "container"


def _countries() -> tuple[str, ...]:
    return tuple(Country.objects.filter(is_member_state=True).values_list("code", flat=True))


def _table(indicator: Indicator, first: Period, last: Period, frequency: str,
           dimension: str | None = None) -> dict:
    req = Request(_countries(), first, last, frequency, dimension=dimension)
    return with_region([indicator], country_table([indicator], req), frequency)


def _number(value: Decimal) -> float:
    return float(round(value, 2))


def trend(indicator: Indicator, area: str, first_year: int, last_year: int) -> dict:
    """The indicator per period for the area and the region, at its own frequency."""
    table = _table(indicator, Period(first_year, 1, "year"), Period(last_year, 1, "year"),
                   indicator.frequency)
    rows = [{"period": p, "area": "Region" if c == REGION else c, "value": _number(v)}
            for (code, c, p, key), v in sorted(table.items())
            if code == indicator.code and key == "" and c in (area, REGION)]
    chart = (alt.Chart(alt.Data(values=rows), title=f"{indicator.code}: trend")
             .mark_line(point=True)
             .encode(x=alt.X("period:O", title=None), y=alt.Y("value:Q", title=indicator.unit),
                     color=alt.Color("area:N", title=None),
                     tooltip=["area:N", "period:O", alt.Tooltip("value:Q", format=",.2f")])
             .properties(width=WIDTH, height=220))
    return chart.to_dict()


def comparison(indicator: Indicator, year: int) -> dict:
    """Every member state's value for the year, beside each other."""
    period = Period(year, 1, "year")
    table = _table(indicator, period, period, "year")
    rows = [{"country": c, "value": _number(v)} for (code, c, p, key), v in table.items()
            if code == indicator.code and key == "" and c != REGION]
    chart = (alt.Chart(alt.Data(values=rows), title=f"{indicator.code}: {year} by country")
             .mark_bar()
             .encode(y=alt.Y("country:N", sort="-x", title=None),
                     x=alt.X("value:Q", title=indicator.unit),
                     tooltip=["country:N", alt.Tooltip("value:Q", format=",.2f")])
             .properties(width=WIDTH, height=alt.Step(22)))
    return chart.to_dict()


def breakdown(indicator: Indicator, area: str, year: int) -> dict:
    """The year's value split by each of the indicator's disaggregations."""
    period = Period(year, 1, "year")
    table = _table(indicator, period, period, "year", dimension="*")
    rows = []
    for (code, c, _period, key), v in table.items():
        if code != indicator.code or c != area or not key:
            continue
        (dimension, item), = disagg.decode(key).items()
        rows.append({"dimension": dimension, "code": item, "value": _number(v)})
    chart = (alt.Chart(alt.Data(values=rows), title=f"{indicator.code}: {year} breakdown")
             .mark_bar()
             .encode(y=alt.Y("code:N", title=None), x=alt.X("value:Q", title=indicator.unit),
                     row=alt.Row("dimension:N", title=None),
                     tooltip=["dimension:N", "code:N", alt.Tooltip("value:Q", format=",.2f")])
             .properties(width=280))
    return chart.to_dict()


CHARTS = {"trend", "comparison", "breakdown"}
