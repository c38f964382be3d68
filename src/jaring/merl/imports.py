"""Reading values from files: the Excel template, CSV, DHIS2 dataValueSets JSON and ADX.

Each reader turns a file into :class:`RowIn` rows numbered as the user sees them
(spreadsheet row, CSV line, position in the JSON list), or a :class:`FileRejected`
naming what is wrong with the file as a whole. Storing is always
:func:`jaring.merl.services.store_values`, which accepts the good rows and lists
the others by row, field and reason.

DHIS2 and ADX files name data elements, organisation units and category options by
code (DHIS2's ``idScheme=code``): a data element's code is the Jaring indicator code,
an organisation unit's code the ISO country code, and a category option combination
is written as Jaring's disaggregation key (``sex=F;age-group=18-24``) or ``default``.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections.abc import Iterable
from pathlib import Path
from xml.etree import ElementTree

from jaring.merl.models import DataValue, Indicator, IndicatorDimension
from jaring.merl.periods import Period, PeriodError
from jaring.merl.rows import RowIn
from jaring.reference.models import Code

FORMATS = ("xlsx", "csv", "dhis2", "adx")
CSV_COLUMNS = ("indicator", "country", "period", "disaggregation", "value", "comment")
TEMPLATE_COLUMNS = ("indicator", "name", "disaggregation", "value", "comment")
DHIS2_DEFAULT_COMBOS = {"", "default", "HllvX50cXC0"}
ADX_NS = "urn:ihe:qrph:adx:2015"
MAX_BYTES = 200 * 1024 * 1024


class FileRejected(ValueError):
    """The file cannot be read at all; the message says why, in one line."""


def guess_format(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix == ".csv":
        return "csv"
    if suffix == ".json":
        return "dhis2"
    if suffix in (".xml", ".adx"):
        return "adx"
    raise FileRejected(f"{name}: cannot tell the format from the name; give --format "
                       f"({', '.join(FORMATS)})")


def read(data: bytes, fmt: str) -> list[RowIn]:
    if len(data) > MAX_BYTES:
        raise FileRejected(f"the file is larger than {MAX_BYTES // 1024 // 1024} MB")
    readers = {"xlsx": read_xlsx, "csv": read_csv, "dhis2": read_dhis2, "adx": read_adx}
    if fmt not in readers:
        raise FileRejected(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    return readers[fmt](data)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- Excel -------------------------------------------------------------------------


def template_rows(country: str, period: Period) -> list[tuple[Indicator, str, str]]:
    """(indicator, disaggregation key, current value) for every cell of the entry grid."""
    indicators = list(Indicator.objects.filter(source=Indicator.Source.REPORTED,
                                               frequency=period.frequency))
    dims: dict[int, list[str]] = {}
    for indicator_id, code_list in IndicatorDimension.objects.filter(
            indicator__in=indicators).values_list("indicator_id", "code_list_id"):
        dims.setdefault(indicator_id, []).append(code_list)
    codes: dict[str, list[str]] = {}
    for code_list, code in Code.objects.filter(
            code_list_id__in={c for v in dims.values() for c in v}).values_list(
            "code_list_id", "code"):
        codes.setdefault(code_list, []).append(code)
    stored = {(v.indicator_id, v.disaggregation): v.value for v in DataValue.objects.filter(
        country_id=country, period=str(period), indicator__in=indicators)}
    rows = []
    for indicator in indicators:
        keys = [""] + [f"{d}={c}" for d in sorted(dims.get(indicator.pk, []))
                       for c in codes.get(d, [])]
        for key in keys:
            value = stored.get((indicator.pk, key))
            rows.append((indicator, key, "" if value is None else f"{value.normalize():f}"))
    return rows


def template_workbook(country: str, period: Period) -> bytes:
    """The Excel template for one country and period, filled with what is stored."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = "Values"
    sheet.append(list(TEMPLATE_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for indicator, key, value in template_rows(country, period):
        sheet.append([indicator.code, indicator.name, key, value, ""])
    numbers = DataValidation(type="decimal", allow_blank=True, operator="greaterThanOrEqual",
                             formula1="-1000000000000")
    sheet.add_data_validation(numbers)
    numbers.add(f"D2:D{max(sheet.max_row, 2)}")
    for column, width in zip("ABCDE", (18, 50, 28, 14, 40), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    about = book.create_sheet("About")
    about.append(["country", country])
    about.append(["period", str(period)])
    about.append(["note", "Fill column D (value) only; keep the indicator and disaggregation "
                          "columns as they are. Upload the file back to Jaring."])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_xlsx(data: bytes) -> list[RowIn]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise FileRejected(f"not an Excel workbook ({type(exc).__name__})") from None
    if "Values" not in book.sheetnames or "About" not in book.sheetnames:
        raise FileRejected("not a Jaring template: the Values and About sheets are missing")
    about = {_text(r[0]): _text(r[1]) for r in book["About"].iter_rows(values_only=True)
             if r and len(r) > 1}
    country, period = about.get("country", ""), about.get("period", "")
    rows = []
    for number, row in enumerate(book["Values"].iter_rows(values_only=True), 1):
        if number == 1:
            if tuple(_text(c) for c in row[:5]) != TEMPLATE_COLUMNS:
                raise FileRejected("the Values sheet's header row was changed")
            continue
        cells = [_text(c) for c in row[:5]] + [""] * (5 - len(row[:5]))
        if not cells[3]:
            continue  # an empty cell is not reported, not zero
        rows.append(RowIn(number, cells[0], country, period, cells[3], cells[2], cells[4]))
    return rows


# --- CSV -----------------------------------------------------------------------------


def read_csv(data: bytes) -> list[RowIn]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRejected("the CSV file is not UTF-8") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS[:5] if c not in (reader.fieldnames or [])]
    if missing:
        raise FileRejected(f"the CSV header lacks {', '.join(missing)}; expected "
                           f"{','.join(CSV_COLUMNS)}")
    return [RowIn(reader.line_num, r.get("indicator") or "", r.get("country") or "",
                  r.get("period") or "", r.get("value") or "", r.get("disaggregation") or "",
                  r.get("comment") or "")
            for r in reader]


def write_csv(rows: Iterable[tuple]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


# --- DHIS2 dataValueSets ---------------------------------------------------------------


def _combo(value: object) -> str:
    text = _text(value)
    return "" if text in DHIS2_DEFAULT_COMBOS else text


def read_dhis2(data: bytes) -> list[RowIn]:
    try:
        document = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FileRejected(f"not JSON: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("dataValues"), list):
        raise FileRejected("not a DHIS2 dataValueSet: no dataValues list")
    default_period = _text(document.get("period"))
    default_unit = _text(document.get("orgUnit"))
    rows = []
    for number, item in enumerate(document["dataValues"], 1):
        if not isinstance(item, dict):
            rows.append(RowIn(number, "", "", "", "", "", ""))
            continue
        rows.append(RowIn(number, _text(item.get("dataElement")),
                          _text(item.get("orgUnit")) or default_unit,
                          _text(item.get("period")) or default_period,
                          _text(item.get("value")), _combo(item.get("categoryOptionCombo")),
                          _text(item.get("comment"))))
    return rows


def write_dhis2(rows: Iterable[tuple]) -> str:
    values = [{"dataElement": i, "orgUnit": c, "period": p.replace("-", ""),
               "categoryOptionCombo": k or "default", "value": v} for i, c, p, k, v, *_ in rows]
    return json.dumps({"dataValues": values}, separators=(",", ":"))


# --- ADX -------------------------------------------------------------------------------

_ADX_PERIOD = re.compile(r"^(\d{4}-\d{2}-\d{2})/P(\d+)([MY])$")


def adx_period(text: str) -> str:
    """``2025-04-01/P3M`` -> ``2025-Q2``; anything else is given back to fail later."""
    match = _ADX_PERIOD.match(text.strip())
    if not match:
        return text
    try:
        start = datetime.date.fromisoformat(match.group(1))
    except ValueError:
        return text
    months = int(match.group(2)) * (12 if match.group(3) == "Y" else 1)
    frequency = {1: "month", 3: "quarter", 6: "semester", 12: "year"}.get(months)
    if frequency is None or start.day != 1:
        return text
    try:
        period = Period.parse(f"{start.year}-{start.month:02d}").in_frequency(frequency)
    except PeriodError:
        return text
    return str(period) if period.start == start else text


def read_adx(data: bytes) -> list[RowIn]:
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
        raise FileRejected("ADX files may not declare a DOCTYPE or entities")
    try:
        root = ElementTree.fromstring(data)  # noqa: S314 — no DTD gets here: none can expand
    except ElementTree.ParseError as exc:
        raise FileRejected(f"not well-formed XML: {exc}") from None
    if root.tag not in (f"{{{ADX_NS}}}adx", "adx"):
        raise FileRejected("not an ADX document: the root element is not adx")
    rows = []
    number = 0
    for group in root:
        if group.tag not in (f"{{{ADX_NS}}}group", "group"):
            continue
        country, period = group.get("orgUnit", ""), adx_period(group.get("period", ""))
        for item in group:
            if item.tag not in (f"{{{ADX_NS}}}dataValue", "dataValue"):
                continue
            number += 1
            attrs = dict(item.attrib)
            indicator = attrs.pop("dataElement", "")
            value = attrs.pop("value", "")
            attrs.pop("comment", None)
            key = ";".join(f"{d}={c}" for d, c in sorted(attrs.items()))
            rows.append(RowIn(number, indicator, country, period, value, key,
                              item.get("comment", "")))
    return rows
