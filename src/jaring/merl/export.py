"""The public outputs as files: the same for the publication page and `jaring merl export`."""

from __future__ import annotations

from django.utils import timezone

from jaring.merl import imports, sdmx
from jaring.merl.models import Plan
from jaring.merl.periods import Period
from jaring.merl.publication import public_values


def open_years() -> tuple[Period, Period]:
    plan = Plan.objects.order_by("-start_year").first()
    last = timezone.localdate().year
    first = plan.start_year if plan else last - 2
    return Period(first, 1, "year"), Period(last, 1, "year")


def render_export(fmt: str) -> str:
    """One public output, disclosure-controlled like every other."""
    if fmt == "structure":
        return sdmx.write_structure()
    first, last = open_years()
    values = public_values(first=first, last=last)
    if fmt == "csv":
        return imports.write_csv((v.indicator, v.country, v.period, v.disaggregation,
                                  "" if v.value is None else f"{v.value:f}", v.status)
                                 for v in values).replace(
            "disaggregation,value,comment", "disaggregation,value,status", 1)
    if fmt == "sdmx-csv":
        return sdmx.write_sdmx_csv(values)
    return sdmx.write_sdmx_ml(values)
