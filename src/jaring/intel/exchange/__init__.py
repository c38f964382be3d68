"""Exchange formats of fraud intelligence: CSV, JSON Lines, STIX 2.1 and MISP.

Pure converters between files and plain dicts (see :mod:`.records` for the shape); the
database side lives in ``jaring.intel.ingest`` and ``jaring.intel.sharing``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO

from jaring.intel.exchange import csv_format, jsonl, misp, stix
from jaring.intel.exchange.detect import FORMATS, UnknownFormat, guess_format
from jaring.intel.exchange.records import FormatError, Parsed, SharedParsed

READERS: dict[str, Callable[[IO[bytes]], Iterator[Parsed]]] = {
    "csv": csv_format.iter_records,
    "jsonl": jsonl.iter_records,
    "stix": stix.iter_records,
    "misp": misp.iter_records,
}

# Line-based formats that several parsing processes can share, each reading only the
# lines it is given.
SHARED_READERS: dict[str, Callable[[IO[bytes], Callable[[int], bool]], Iterator[SharedParsed]]] = {
    "jsonl": jsonl.iter_shared,
}

__all__ = ["FORMATS", "READERS", "SHARED_READERS", "FormatError", "Parsed", "UnknownFormat",
           "guess_format"]
