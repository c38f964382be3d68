"""TLP 2.0 sharing levels and what each lets another member state see.

The reporting country always sees its own reports in full. For everyone else:

* CLEAR, GREEN — the report's de-identified facts and its indicators, region-wide;
* AMBER — the same, but only for countries that have a report in the same campaign;
* AMBER+STRICT, RED — nothing in raw form: another country learns only that the
  reporting country has a match, and which organisation to contact.

Victims' personal data (name, contact, narrative) never leaves the reporting country.
"""

from __future__ import annotations

from django.db import models


class TLP(models.TextChoices):
    CLEAR = "clear", "TLP:CLEAR"
    GREEN = "green", "TLP:GREEN"
    AMBER = "amber", "TLP:AMBER"
    AMBER_STRICT = "amber+strict", "TLP:AMBER+STRICT"
    RED = "red", "TLP:RED"


REGION_WIDE = frozenset({TLP.CLEAR, TLP.GREEN})
CAMPAIGN_WIDE = frozenset({TLP.AMBER})
RESTRICTED = frozenset({TLP.AMBER_STRICT, TLP.RED})


def visible_abroad(tlp: str, *, viewer_in_campaign: bool) -> bool:
    """May a viewer from another member state see a report or sighting of this level raw?"""
    if tlp in REGION_WIDE:
        return True
    if tlp in CAMPAIGN_WIDE:
        return viewer_in_campaign
    return False


def stores_raw_value(tlp: str) -> bool:
    """Whether an indicator value from a report at this level may sit unencrypted on
    the indicator, where anyone allowed to see the indicator may read it: only the
    levels that share region-wide."""
    return tlp in REGION_WIDE
