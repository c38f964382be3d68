"""Disaggregation keys: ``{"sex": "F", "age-group": "18-24"}`` ↔ ``age-group=18-24;sex=F``.

Dimensions are sorted by code list, so one combination has one key however it was
written; the empty key is the total.
"""

from __future__ import annotations

from collections.abc import Mapping

TOTAL = ""


class DisaggregationError(ValueError):
    pass


def encode(parts: Mapping[str, str]) -> str:
    cleaned = {}
    for dimension, code in parts.items():
        dimension, code = str(dimension).strip(), str(code).strip()
        if not dimension or not code:
            continue
        if any(c in dimension + code for c in "=;"):
            raise DisaggregationError(f"{dimension}={code}: '=' and ';' are not allowed in codes")
        cleaned[dimension] = code
    return ";".join(f"{d}={cleaned[d]}" for d in sorted(cleaned))


def decode(key: str) -> dict[str, str]:
    if not key:
        return {}
    parts = {}
    for item in key.split(";"):
        dimension, sep, code = item.partition("=")
        if not sep or not dimension or not code:
            raise DisaggregationError(f"{key!r}: write dimension=code;dimension=code")
        parts[dimension] = code
    return parts


def label(key: str) -> str:
    return ", ".join(f"{d} {c}" for d, c in decode(key).items()) or "Total"
