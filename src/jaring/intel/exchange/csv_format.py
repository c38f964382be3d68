"""CSV in the "long" layout: one row per indicator, consecutive rows of one report.

Rows with the same ``reference`` (and ``organisation``/``country`` when those columns are
there) that follow each other form one report. Report columns may be repeated or left
blank on the continuation rows; the first non-blank value wins. A report without
indicators is one row with the indicator columns blank. The rows of a report must be
consecutive: remembering every reference seen would make memory grow with the file.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from typing import IO, Any

from jaring.intel.exchange.records import (
    EXPORT_ONLY_FIELDS,
    PERSONAL_FIELDS,
    REPORT_FIELDS,
    Parsed,
    ParseError,
    TextSink,
    new_indicator,
    new_record,
    read_lines,
)

INDICATOR_COLUMNS = ("indicator_kind", "indicator_value", "indicator_role", "indicator_hint")
COLUMNS = (*REPORT_FIELDS, *EXPORT_ONLY_FIELDS, *INDICATOR_COLUMNS)
DEFAULT_COLUMNS = tuple(f for f in REPORT_FIELDS if f not in PERSONAL_FIELDS)
_GROUP_KEYS = ("reference", "organisation", "country")

# Spreadsheets run cells starting with these as formulas ("+60123..." becomes a number, a
# crafted "=HYPERLINK(...)" becomes a link). The writer prefixes such cells with an
# apostrophe, which the reader removes again, so values round-trip unchanged.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def _escape(value: str) -> str:
    return "'" + value if _FORMULA.match(value) else value


def _unescape(value: str) -> str:
    return value[1:] if value.startswith("'") and _FORMULA.match(value, 1) else value


def _cell(value: Any) -> str:
    # Dates, decimals and numbers print in the ISO/plain forms the reader accepts.
    return "" if value is None else str(value)


class _Lines:
    """Feeds decoded lines to :mod:`csv` and notes the ones that could not be decoded."""

    def __init__(self, stream: IO[bytes] | IO[str]) -> None:
        self._lines = read_lines(stream)
        self.problems: list[ParseError] = []

    def __iter__(self) -> Iterator[str]:
        for number, line, problem in self._lines:
            if line is None:
                self.problems.append((number, "line", problem))
                yield "\n"
            else:
                yield line


def _header(row: list[str]) -> tuple[list[str], list[ParseError]]:
    names = [cell.strip().lower() for cell in row]
    errors: list[ParseError] = []
    unknown = [name or "(blank)" for name in names if name not in COLUMNS]
    if unknown:
        errors.append((1, "header", f"unknown columns: {', '.join(unknown)}; expected some "
                       f"of {', '.join(COLUMNS)}"))
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        errors.append((1, "header", f"repeated columns: {', '.join(duplicated)}"))
    if "reference" not in names:
        errors.append((1, "header", "the reference column is required"))
    return names, errors


def iter_records(stream: IO[bytes] | IO[str]) -> Iterator[Parsed]:
    lines = _Lines(stream)
    reader = csv.reader(iter(lines), strict=False)
    try:
        header_row = next(reader)
    except StopIteration:
        yield 1, None, [(1, "header", "the file is empty; a header row is required")]
        return
    except csv.Error as exc:
        yield 1, None, [(1, "header", f"unreadable CSV: {exc}")]
        return
    names, header_errors = _header(header_row)
    if header_errors or lines.problems:
        yield 1, None, lines.problems + header_errors
        return

    current: tuple[int, tuple[str, ...], dict[str, Any], list[ParseError]] | None = None
    last_line = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row = None
            problem: ParseError | None = (last_line + 1, "row", f"unreadable CSV: {exc}")
        else:
            problem = None
        start, last_line = last_line + 1, reader.line_num
        pending = lines.problems
        lines.problems = []
        if problem is None and row is not None and len(row) != len(names) and any(row):
            problem = (start, "row", f"has {len(row)} fields; the header has {len(names)}")
        if problem is not None:
            pending.append(problem)
        if pending:
            if current is not None:
                current[3].extend(pending)
            else:
                yield pending[0][0], None, pending
        if problem is not None or not row or not any(cell.strip() for cell in row):
            continue

        cells = {name: _unescape(cell.strip()) for name, cell in zip(names, row, strict=True)}
        key = tuple(cells.get(k, "") for k in _GROUP_KEYS)
        if current is None or not key[0] or current[1] != key:
            if current is not None:
                yield current[0], current[2], current[3]
            current = (start, key, new_record(), [])
        record = current[2]
        for name in REPORT_FIELDS:
            if not record[name] and cells.get(name):
                record[name] = cells[name]
        if any(cells.get(column) for column in INDICATOR_COLUMNS):
            record["indicators"].append(new_indicator(
                cells.get("indicator_kind"), cells.get("indicator_value"),
                cells.get("indicator_role"), cells.get("indicator_hint"), start,
            ))
    if lines.problems:
        if current is not None:
            current[3].extend(lines.problems)
        else:
            yield lines.problems[0][0], None, lines.problems
    if current is not None:
        yield current[0], current[2], current[3]


def write_records(
    records: Iterable[dict[str, Any]],
    stream: IO[bytes] | IO[str],
    *,
    columns: Iterable[str] | None = None,
    personal: bool = False,
) -> int:
    """Write reports in the long layout; returns the number of rows written.

    Victim fields are written only with ``personal=True`` (synthetic data, a country's
    own backup), never for an export to another member state."""
    if columns is None:
        columns = REPORT_FIELDS if personal else DEFAULT_COLUMNS
    report_columns = [c for c in columns if c not in INDICATOR_COLUMNS]
    unknown = [c for c in report_columns if c not in COLUMNS]
    if unknown:
        raise ValueError(f"columns: unknown {', '.join(unknown)}")
    if not personal:
        report_columns = [c for c in report_columns if c not in PERSONAL_FIELDS]
    writer = csv.writer(TextSink(stream), lineterminator="\r\n")
    writer.writerow([*report_columns, *INDICATOR_COLUMNS])
    rows = 0
    for record in records:
        head = [_escape(_cell(record.get(c))) for c in report_columns]
        indicators = record.get("indicators") or []
        if not indicators:
            writer.writerow(head + [""] * len(INDICATOR_COLUMNS))
            rows += 1
        for indicator in indicators:
            writer.writerow(head + [
                _escape(_cell(indicator.get(k))) for k in ("kind", "value", "role", "hint")
            ])
            rows += 1
    return rows
