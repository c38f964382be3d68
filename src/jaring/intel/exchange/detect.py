"""Which exchange format a file is in, from its name and its first bytes."""

from __future__ import annotations

import re
from pathlib import PurePath

FORMATS = ("csv", "jsonl", "stix", "misp")
_EXTENSIONS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_STIX = re.compile(rb'"type"\s*:\s*"bundle"|"spec_version"\s*:\s*"2\.1"')
_MISP = re.compile(rb'"Event"\s*:|"response"\s*:\s*\[')


class UnknownFormat(ValueError):
    pass


def guess_format(path: str | PurePath, head: bytes) -> str:
    """``csv``, ``jsonl``, ``stix`` or ``misp``; :class:`UnknownFormat` names what was seen.

    ``head`` is the first few kilobytes. The content decides for ``.json`` files (a STIX
    bundle and a MISP event are both JSON); the extension decides for ``.csv``, ``.jsonl``
    and ``.ndjson``."""
    name = PurePath(path).name.lower()
    suffix = PurePath(name).suffix
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    body = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if body.startswith((b"{", b"[")):
        if _STIX.search(head):
            return "stix"
        if _MISP.search(head):
            return "misp"
        first = body.split(b"\n", 1)[0].strip()
        one_object = first.startswith(b"{") and first.endswith(b"}")
        if one_object and (b"\n" in body.strip() or b'"reference"' in first):
            return "jsonl"
        if suffix == ".json":
            raise UnknownFormat(f"{name}: JSON, but neither a STIX 2.1 bundle (type 'bundle') "
                                "nor a MISP event ({\"Event\": ...}) nor JSON Lines")
    first_line = body.split(b"\n", 1)[0].lower()
    if b"reference" in first_line and b"," in first_line:
        return "csv"
    raise UnknownFormat(f"{name}: unknown format; expected .csv, .jsonl, a STIX 2.1 bundle or "
                        "a MISP event (.json)")
