import io
import json

import pytest
from openpyxl import load_workbook

from jaring.merl import imports, services
from jaring.merl.models import DataValue
from jaring.merl.periods import Period
from tests.merl.factories import enter, officer


def _values():
    return {(v.indicator.code, v.country_id, v.period, v.disaggregation): str(v.value.normalize())
            for v in DataValue.objects.select_related("indicator")}


def test_excel_template_round_trip(framework):
    user = officer("SG")
    enter(user, ("VA.IDENTIFIED", "SG", "2025-Q1", "40"))
    data = imports.template_workbook("SG", Period.parse("2025-Q1"))
    book = load_workbook(io.BytesIO(data))
    sheet = book["Values"]
    rows = {(r[0].value, r[2].value or ""): r for r in sheet.iter_rows(min_row=2)}
    assert rows[("VA.IDENTIFIED", "")][3].value == "40"  # prefilled with what is stored
    assert ("VA.IDENTIFIED", "sex=F") in rows and ("SCAM.PROSECUTED", "") not in rows
    rows[("VA.IDENTIFIED", "sex=F")][3].value = 22
    rows[("VA.REPATRIATED", "")][3].value = "lots"
    out = io.BytesIO()
    book.save(out)
    result = services.import_values(user, out.getvalue(), "xlsx")
    assert result.created == 1 and result.unchanged == 1
    line = rows[("VA.REPATRIATED", "")][3].row
    assert [(e.line, e.field) for e in result.errors] == [(line, "value")]
    assert _values()[("VA.IDENTIFIED", "SG", "2025-Q1", "sex=F")] == "22"
    again = services.import_values(user, out.getvalue(), "xlsx")
    assert again.created == 0 and again.unchanged == 2  # idempotent


def test_csv_dhis2_and_adx_store_the_same_values(framework):
    user = officer("MY")
    csv_text = ("indicator,country,period,disaggregation,value,comment\n"
                "VA.IDENTIFIED,MY,2025-Q2,,31,\n"
                "VA.IDENTIFIED,MY,2025-Q2,sex=F,19,from shelters\n"
                "VA.IDENTIFIED,MY,2025-Q2,,x,\n")
    result = services.import_values(user, csv_text.encode(), "csv")
    assert result.created == 2 and [(e.line, e.field) for e in result.errors] == [(4, "value")]
    expected = _values()
    DataValue.objects.all().delete()
    dhis2 = {"dataValues": [
        {"dataElement": "VA.IDENTIFIED", "period": "2025Q2", "orgUnit": "MY",
         "categoryOptionCombo": "default", "value": "31"},
        {"dataElement": "VA.IDENTIFIED", "period": "2025Q2", "orgUnit": "MY",
         "categoryOptionCombo": "sex=F", "value": "19"},
        {"dataElement": "VA.NOPE", "period": "2025Q2", "orgUnit": "MY", "value": "1"}]}
    result = services.import_values(user, json.dumps(dhis2).encode(), "dhis2")
    assert _values() == expected and [(e.line, e.field) for e in result.errors] == \
        [(3, "indicator")]
    DataValue.objects.all().delete()
    adx = b"""<?xml version="1.0"?>
<adx xmlns="urn:ihe:qrph:adx:2015"><group orgUnit="MY" period="2025-04-01/P3M" dataSet="va">
<dataValue dataElement="VA.IDENTIFIED" value="31"/>
<dataValue dataElement="VA.IDENTIFIED" sex="F" value="19"/></group></adx>"""
    result = services.import_values(user, adx, "adx")
    assert _values() == expected and not result.errors


@pytest.mark.parametrize(("fmt", "data", "reason"), [
    ("adx", b'<!DOCTYPE x [<!ENTITY a "b">]><adx/>', "DOCTYPE"),
    ("adx", b"<adx", "well-formed"),
    ("dhis2", b"[1,2]", "dataValues"),
    ("csv", b"a,b\n1,2\n", "header"),
    ("xlsx", b"not a zip", "workbook"),
])
def test_unreadable_files_are_one_clear_error(framework, fmt, data, reason):
    result = services.import_values(officer("SG"), data, fmt)
    assert result.accepted == 0 and result.errors[0].field == "file"
    assert reason in result.errors[0].reason


def test_adx_periods():
    assert imports.adx_period("2025-04-01/P3M") == "2025-Q2"
    assert imports.adx_period("2025-01-01/P1Y") == "2025"
    assert imports.adx_period("2025-07-01/P1M") == "2025-07"
    assert imports.adx_period("2025-02-01/P3M") == "2025-02-01/P3M"  # not a quarter
