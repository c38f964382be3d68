"""JSON Lines: one report object per line, its indicators as a list. Blank lines are skipped."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import IO, Any, cast

from jaring.intel.exchange.records import (
    EXPORT_ONLY_FIELDS,
    INDICATOR_FIELDS,
    PERSONAL_FIELDS,
    REPORT_FIELDS,
    Parsed,
    ParseError,
    SharedParsed,
    TextSink,
    new_indicator,
    new_record,
    read_lines,
)

_KNOWN = {*REPORT_FIELDS, *EXPORT_ONLY_FIELDS, "indicators"}
_INDICATOR_KNOWN = {*INDICATOR_FIELDS, "line"}
_INDICATOR_FIELDS = frozenset(INDICATOR_FIELDS)
_SCALAR = (str, int, float, Decimal, type(None))
# One decoder for every line: json.loads with an option builds a new one per call.
_decode = json.JSONDecoder(parse_float=Decimal).decode


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def parse_object(obj: Any, line: int, where: str = "line") -> tuple[dict[str, Any] | None,
                                                                      list[ParseError]]:
    """Check one decoded report object; shared with other JSON-based readers."""
    if not isinstance(obj, dict):
        return None, [(line, where, "is not a JSON object")]
    errors: list[ParseError] = []
    # Checked as a set first: a million rows pass here, nearly all without surprises.
    if not _KNOWN.issuperset(obj):
        unknown = sorted(str(k) for k in obj if k not in _KNOWN)
        errors.append((line, unknown[0], f"unknown field(s) {', '.join(unknown)}"))
    record = new_record()
    for name in REPORT_FIELDS:
        value = obj.get(name)
        if value.__class__ is str:  # nearly always: checked first, as a million rows pass here
            record[name] = value.strip()
        elif isinstance(value, bool) or not isinstance(value, _SCALAR):
            errors.append((line, name, "must be text or a number"))
        else:
            record[name] = _scalar(value)
    indicators = obj.get("indicators")
    if indicators is None:
        indicators = []
    if not isinstance(indicators, list):
        errors.append((line, "indicators", "must be a list"))
        indicators = []
    for position, item in enumerate(indicators):
        field = f"indicators[{position}]"
        if not isinstance(item, dict):
            errors.append((line, field, "must be an object with kind and value"))
            continue
        if not _INDICATOR_KNOWN.issuperset(item):
            extra = sorted(str(k) for k in item if k not in _INDICATOR_KNOWN)
            errors.append((line, field, f"unknown field(s) {', '.join(extra)}"))
            continue
        values = [item.get(k) for k in INDICATOR_FIELDS]
        bad = [k for k, value in zip(INDICATOR_FIELDS, values, strict=True)
               if value.__class__ is not str and value is not None
               and (isinstance(value, bool) or not isinstance(value, _SCALAR))]
        if bad:
            errors.append((line, f"{field}.{bad[0]}", "must be text"))
            continue
        kind, value, role, hint = values
        record["indicators"].append(new_indicator(kind, value, role, hint, line))
    report_errors = [e for e in errors if not e[1].startswith("indicators[")]
    return (None if report_errors else record), errors


def _as_is(obj: Any) -> bool:
    """Whether a decoded line has nothing for :func:`parse_object` to fix or report:
    known fields only, all of them text, and indicators that are objects of text."""
    if obj.__class__ is not dict or not _KNOWN.issuperset(obj):
        return False
    for name, value in obj.items():
        if name != "indicators":
            if value.__class__ is not str:
                return False
            continue
        if value.__class__ is not list:
            return False
        for item in value:
            # Not even "line", which is the reader's to set.
            if item.__class__ is not dict or not _INDICATOR_FIELDS.issuperset(item):
                return False
            for part in item.values():
                if part.__class__ is not str:
                    return False
    return True


def iter_records(stream: IO[bytes] | IO[str]) -> Iterator[Parsed]:
    return cast(Iterator[Parsed], _iter(stream, None, as_is=False))


def iter_shared(stream: IO[bytes] | IO[str],
                wanted: Callable[[int], bool] | None) -> Iterator[SharedParsed]:
    """Each line's record; lines that ``wanted`` refuses are yielded unread, as
    ``(number, None, None)``, so that parallel parsers can share a file by lines.

    For the parsing processes of an import, whose records go straight to
    ``parse_report``: a line with nothing to fix (see :func:`_as_is`) is yielded as
    decoded, not as a record of every field. ``parse_report`` reads both alike, and
    building the record took a parsing process 7% of its time.
    """
    return _iter(stream, wanted, as_is=True)


def _iter(stream: IO[bytes] | IO[str], wanted: Callable[[int], bool] | None,
          as_is: bool) -> Iterator[SharedParsed]:
    for number, line, problem in read_lines(stream):
        if wanted is not None and not wanted(number):
            yield number, None, None
            continue
        if line is None:
            yield number, None, [(number, "line", problem)]
            continue
        if not line.strip():
            continue
        try:
            obj = _decode(line)
        except json.JSONDecodeError as exc:
            yield number, None, [(number, "line", f"invalid JSON: {exc.msg} at column {exc.colno}")]
            continue
        if as_is and _as_is(obj):
            yield number, obj, []
            continue
        record, errors = parse_object(obj, number)
        yield number, record, errors


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal | datetime.date):
        return str(value)
    return value


def write_records(
    records: Iterable[dict[str, Any]], stream: IO[bytes] | IO[str], *, personal: bool = False
) -> int:
    """One line per report; victim fields only with ``personal=True``. Returns the count."""
    sink = TextSink(stream)
    count = 0
    for record in records:
        out: dict[str, Any] = {}
        for name in (*REPORT_FIELDS, *EXPORT_ONLY_FIELDS):
            if name in PERSONAL_FIELDS and not personal:
                continue
            value = record.get(name)
            if value not in (None, ""):
                out[name] = _plain(value)
        out["indicators"] = [
            {k: _plain(i[k]) for k in INDICATOR_FIELDS if i.get(k) not in (None, "")}
            for i in record.get("indicators") or []
        ]
        sink.write(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n")
        count += 1
    return count
