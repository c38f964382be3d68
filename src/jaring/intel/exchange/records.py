"""The shared record shape every import format yields, and the line reader they stream with.

A parser is a generator ``iter_records(stream)`` yielding ``(line, record, errors)``:

* ``line`` — where the record starts: the physical line of its first row for CSV and
  JSON Lines, the 1-based position of the object in the document for STIX and MISP
  (a single JSON document may sit on one line). Numbers only grow, so a resumed import
  skips every record whose number is at or below the last committed one.
* ``record`` — a dict with every key of :data:`REPORT_FIELDS` (blank values are ``""``)
  and ``indicators``: a list of ``{"kind", "value", "role", "hint", "line"}``; ``None``
  when nothing of the record is usable. (The JSON Lines reader of an import's parsing
  processes, ``jsonl.iter_shared``, hands over a line with nothing to fix as decoded:
  the same to ``parse_report``, with fields left out and no ``line`` in indicators.)
* ``errors`` — ``(line, field, reason)`` for everything the parser could not read. Next to
  a record they name dropped parts (a malformed row, an unusable object); the rest of the
  record is still importable and is checked by ``jaring.intel.validation.parse_report``.

Nothing here touches the database, so the converters work in scripts and tests alike.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import IO, Any

REPORT_FIELDS = (
    "reference", "country", "organisation", "reported_on", "incident_on", "scam_type",
    "channel", "loss_amount", "loss_currency", "victim_age_group", "victim_sex",
    "victim_nationality", "victim_residence", "victim_name", "victim_contact", "narrative",
    "tlp",
)  # fmt: skip
INDICATOR_FIELDS = ("kind", "value", "role", "hint")
# Fields that identify or describe a victim: they never leave the reporting country, so no
# exporter writes them, whatever the caller passes in.
PERSONAL_FIELDS = frozenset({
    "victim_age_group", "victim_sex", "victim_nationality", "victim_residence", "victim_name",
    "victim_contact", "narrative",
})  # fmt: skip
# Derived on export, ignored on import: the loss in dollars and the campaign code.
EXPORT_ONLY_FIELDS = ("loss_usd", "campaign")

KINDS = (
    "phone", "bank_account", "ewallet", "crypto_wallet", "url", "domain", "ip", "email",
    "social_handle",
)  # fmt: skip
TLP_LEVELS = ("clear", "green", "amber", "amber+strict", "red")
# The order in which levels tighten; a bundle or event mixing levels is marked with the
# tightest of them.
TLP_RANK = {level: rank for rank, level in enumerate(TLP_LEVELS)}

MAX_LINE = 1 << 20  # one CSV or JSON Lines line; longer ones are rejected, not buffered
MAX_DOCUMENT = 256 << 20  # one STIX bundle or MISP event file, parsed whole

ParseError = tuple[int, str, str]
Parsed = tuple[int, dict[str, Any] | None, list[ParseError]]
# A reader shared by lines between parsing processes: ``None`` errors mark a line
# another process reads (see ``jsonl.iter_records``).
SharedParsed = tuple[int, dict[str, Any] | None, list[ParseError] | None]


class FormatError(ValueError):
    """A file that cannot be read as the format asked for at all."""


def new_record() -> dict[str, Any]:
    record: dict[str, Any] = dict.fromkeys(REPORT_FIELDS, "")
    record["indicators"] = []
    return record


def new_indicator(kind: Any = "", value: Any = "", role: Any = "", hint: Any = "",
                  line: int | None = None) -> dict[str, Any]:
    return {
        "kind": text(kind).lower(), "value": text(value), "role": text(role).lower(),
        "hint": text(hint), "line": line,
    }


def text(value: Any) -> str:
    if value.__class__ is str:
        return value.strip()
    if value is None:
        return ""
    return str(value).strip()


def tightest_tlp(levels: list[str]) -> str:
    known = [level for level in levels if level in TLP_RANK]
    return max(known, key=TLP_RANK.__getitem__) if known else "amber"


def public_view(report: dict[str, Any]) -> dict[str, Any]:
    """The report without any victim field: exporters read only this."""
    return {key: value for key, value in report.items()
            if key not in PERSONAL_FIELDS and not key.startswith("victim")}


def personal_keys(obj: Any) -> list[str]:
    """Keys anywhere in an exported structure that would carry victim data; the exporters
    assert this is empty so a caller's mistake fails loudly instead of leaking."""
    found: list[str] = []
    if isinstance(obj, dict):
        for key, value in obj.items():
            if str(key) in PERSONAL_FIELDS or str(key).startswith("victim"):
                found.append(str(key))
            found += personal_keys(value)
    elif isinstance(obj, list):
        for item in obj:
            found += personal_keys(item)
    return found


def read_lines(stream: IO[bytes] | IO[str]) -> Iterator[tuple[int, str | None, str]]:
    """Yield ``(line number, text, problem)`` per physical line, decoding UTF-8 with or
    without a BOM. ``text`` is None (and ``problem`` says why) for a line that is not
    UTF-8 or longer than :data:`MAX_LINE`; such a line is skipped whole, never buffered."""
    number = 0
    first = True
    while True:
        raw = stream.readline(MAX_LINE + 1)
        if not raw:
            return
        number += 1
        newline = b"\n" if isinstance(raw, bytes) else "\n"
        if len(raw) > MAX_LINE and not raw.endswith(newline):  # type: ignore[arg-type]
            while raw and not raw.endswith(newline):  # type: ignore[arg-type]
                raw = stream.readline(MAX_LINE + 1)
            yield number, None, f"is longer than {MAX_LINE} characters"
            first = False
            continue
        if isinstance(raw, bytes):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield number, None, f"is not UTF-8 text (byte {exc.start + 1})"
                first = False
                continue
        else:
            line = raw
        if first:
            line = line.removeprefix("\ufeff")
            first = False
        yield number, line, ""


def read_document(stream: IO[bytes] | IO[str]) -> str:
    """A whole JSON document (STIX bundle, MISP event), bounded by :data:`MAX_DOCUMENT`."""
    data = stream.read(MAX_DOCUMENT + 1)
    if len(data) > MAX_DOCUMENT:
        raise FormatError(f"the document is larger than {MAX_DOCUMENT >> 20} MiB; split it or "
                          "use CSV or JSON Lines for bulk imports")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FormatError(f"the document is not UTF-8 text (byte {exc.start + 1})") from None
    return data.removeprefix("\ufeff")


class TextSink:
    """Writers accept binary or text streams; binary ones get UTF-8 without a BOM."""

    def __init__(self, stream: IO[bytes] | IO[str]) -> None:
        self.stream: Any = stream
        self.binary = isinstance(stream, io.RawIOBase | io.BufferedIOBase)

    def write(self, data: str) -> int:
        self.stream.write(data.encode("utf-8") if self.binary else data)
        return len(data)
