"""Loading the reference data shipped in ``data/`` (used by data migrations and tests).

Loading is an upsert keyed on each table's natural key, so running it again after
a data file changes updates the rows without duplicating them.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

MEMBER_STATE_CODES = ["BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "TL", "VN"]


def read_data(name: str) -> Any:
    text = resources.files("jaring.reference").joinpath("data", f"{name}.json").read_text("utf-8")
    return json.loads(text)


def load_countries(apps: Any) -> None:
    Currency = apps.get_model("reference", "Currency")
    Country = apps.get_model("reference", "Country")
    for row in read_data("currencies"):
        Currency.objects.update_or_create(code=row["code"], defaults=row)
    for row in read_data("countries"):
        defaults = {k: v for k, v in row.items() if k not in {"code", "currency"}}
        defaults["currency_id"] = row["currency"]
        Country.objects.update_or_create(code=row["code"], defaults=defaults)
