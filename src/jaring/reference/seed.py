"""Loading the reference data shipped in ``data/`` (used by data migrations and tests).

Loading is an upsert keyed on each table's natural key, so running it again after
a data file changes updates the rows without duplicating them. Rows that were
removed from a file are left alone: other records may still point at them, and
retiring a code is a decision for a migration written for that purpose.

Every loader takes the migration ``apps`` registry (``django.apps.apps`` works
too), so data migrations use the historical models of their point in history.
"""

from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources
from typing import Any

MEMBER_STATE_CODES = ["BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "TL", "VN"]

# Gaps between sort positions let an administrator slot a local row in between.
_SORT_STEP = 10


def read_data(name: str) -> Any:
    text = resources.files("jaring.reference").joinpath("data", f"{name}.json").read_text("utf-8")
    return json.loads(text)


def load_currencies(apps: Any) -> None:
    Currency = apps.get_model("reference", "Currency")
    for row in read_data("currencies"):
        Currency.objects.update_or_create(code=row["code"], defaults=row)


def load_countries(apps: Any) -> None:
    # Countries point at currencies, so the currencies are always loaded first.
    load_currencies(apps)
    Country = apps.get_model("reference", "Country")
    for row in read_data("countries"):
        defaults = {k: v for k, v in row.items() if k not in {"code", "currency"}}
        defaults["currency_id"] = row["currency"]
        Country.objects.update_or_create(code=row["code"], defaults=defaults)


def load_rates(apps: Any) -> None:
    ExchangeRate = apps.get_model("reference", "ExchangeRate")
    for row in read_data("rates"):
        ExchangeRate.objects.update_or_create(
            currency_id=row["currency"],
            year=row["year"],
            # The file holds the figures as strings so that no float rounding
            # creeps in between the published figure and the database.
            defaults={"units_per_usd": Decimal(row["units_per_usd"]), "source": row["source"]},
        )


def _load_in_file_order(apps: Any, model: str, name: str) -> None:
    """Upsert rows keyed on ``code``, sorted as they stand in the file."""
    Model = apps.get_model("reference", model)
    for position, row in enumerate(read_data(name), start=1):
        defaults = {k: v for k, v in row.items() if k != "code"}
        defaults["sort_order"] = position * _SORT_STEP
        Model.objects.update_or_create(code=row["code"], defaults=defaults)


def load_scam_types(apps: Any) -> None:
    _load_in_file_order(apps, "ScamType", "scam_types")


def load_channels(apps: Any) -> None:
    _load_in_file_order(apps, "ContactChannel", "channels")


def load_code_lists(apps: Any) -> None:
    CodeList = apps.get_model("reference", "CodeList")
    Code = apps.get_model("reference", "Code")
    for row in read_data("code_lists"):
        defaults = {k: v for k, v in row.items() if k not in {"code", "codes"}}
        code_list, _ = CodeList.objects.update_or_create(code=row["code"], defaults=defaults)
        for position, item in enumerate(row["codes"], start=1):
            Code.objects.update_or_create(
                code_list=code_list,
                code=item["code"],
                defaults={
                    "label": item["label"],
                    "lower": item.get("lower"),
                    "upper": item.get("upper"),
                    "sort_order": position * _SORT_STEP,
                },
            )


def load_all(apps: Any) -> None:
    """Every shipped table, in dependency order."""
    load_countries(apps)
    load_rates(apps)
    load_scam_types(apps)
    load_channels(apps)
    load_code_lists(apps)
