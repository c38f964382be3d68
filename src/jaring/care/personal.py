"""A person's data: one JSON document, encrypted under the case country's key.

One ciphertext per person rather than one per field: opening a case decrypts
once, rotation re-encrypts one value, and erasure clears one column. The fields
statistics need stay outside in plain columns (see ``Person``).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from jaring.crypto.cipher import blind_index, decrypt, encrypt

NAME_PURPOSE = "care.person.name"
DOCUMENT_PURPOSE = "care.person.document"
AGE_GROUPS = [(0, 11, "0-11"), (12, 17, "12-17"), (18, 24, "18-24"), (25, 34, "25-34"),
              (35, 44, "35-44"), (45, 54, "45-54"), (55, 200, "55+")]
# What a transfer may carry, each only with the person's consent for that field.
TRANSFERABLE_FIELDS = ["names", "aliases", "date_of_birth", "languages", "contact", "documents"]
# A transfer consent may also let the screening travel (it backs the non-punishment flag).
CONSENTABLE_FIELDS = [*TRANSFERABLE_FIELDS, "screening"]


@dataclass
class PersonalData:
    given_name: str = ""
    family_name: str = ""
    aliases: list[str] = field(default_factory=list)
    date_of_birth: str = ""  # ISO date, or empty when only an age is estimated
    estimated_age: int | None = None
    languages: list[str] = field(default_factory=list)
    contact: str = ""
    documents: list[dict[str, str]] = field(default_factory=list)  # {type, number, country}

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.family_name) if p)

    @property
    def initials(self) -> str:
        parts = [p[0].upper() + "." for p in self.full_name.split() if p]
        return " ".join(parts) or "—"

    def age(self, today: datetime.date) -> int | None:
        if self.date_of_birth:
            born = datetime.date.fromisoformat(self.date_of_birth)
            return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        return self.estimated_age

    def validate(self, today: datetime.date) -> None:
        errors: dict[str, str] = {}
        if not self.given_name.strip() and not self.family_name.strip():
            errors["given_name"] = "give at least one name"
        if self.date_of_birth:
            try:
                born = datetime.date.fromisoformat(self.date_of_birth)
            except ValueError:
                errors["date_of_birth"] = f"{self.date_of_birth!r} is not a date (YYYY-MM-DD)"
            else:
                if born > today:
                    errors["date_of_birth"] = "is in the future"
        if self.estimated_age is not None and not 0 <= self.estimated_age <= 120:
            errors["estimated_age"] = "must be between 0 and 120"
        for n, doc in enumerate(self.documents, 1):
            if not str(doc.get("number", "")).strip():
                errors[f"documents[{n}].number"] = "is empty"
        if errors:
            raise ValidationError(errors)

    def only(self, fields: list[str]) -> PersonalData:
        """A copy with only the consented fields (``names`` covers given and family name)."""
        kept = PersonalData(estimated_age=self.estimated_age)
        if "names" in fields:
            kept.given_name, kept.family_name = self.given_name, self.family_name
        for name in ("aliases", "date_of_birth", "languages", "contact", "documents"):
            if name in fields:
                setattr(kept, name, getattr(self, name))
        return kept

    def summary(self) -> PersonalData:
        """What the sending side keeps once another country took the case over: the
        names, so its staff can still tell whom they handed on (and be found by name),
        and nothing that would let them contact or trace the person."""
        return self.only(["names"])

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> PersonalData:
        known = {k: raw[k] for k in cls.__dataclass_fields__ if k in raw}
        return cls(**known)


def age_group(age: int | None) -> str:
    if age is None:
        return ""
    return next(label for low, high, label in AGE_GROUPS if low <= age <= high)


def seal(country: str, data: PersonalData) -> str:
    return encrypt(country, json.dumps(data.to_dict(), ensure_ascii=False,
                                       separators=(",", ":"))) or ""


def unseal(country: str, ciphertext: str) -> PersonalData:
    if not ciphertext:
        return PersonalData()
    return PersonalData.from_dict(json.loads(decrypt(country, ciphertext) or "{}"))


def tokens(data: PersonalData) -> list[tuple[str, str]]:
    """(kind, token) pairs for the full name, each alias and each document number."""
    found: set[tuple[str, str]] = set()
    for name in [data.full_name, *data.aliases]:
        token = blind_index(NAME_PURPOSE, name)
        if token:
            found.add(("name", token))
    for doc in data.documents:
        token = blind_index(DOCUMENT_PURPOSE, str(doc.get("number", "")))
        if token:
            found.add(("document", token))
    return sorted(found)
