"""Data-key rotation: a new key version for every scope, then re-encryption in batches.

While re-encryption runs, values under the old version keep decrypting (the key
id travels with each ciphertext) and every process encrypts new values with the
new version as soon as the key file changes (see ``keyring``), so nothing stops.
Each row is rewritten only if it still holds the ciphertext that was read, so a
write by a user in between is never overwritten with the older value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.db import transaction

from jaring.crypto import keyring
from jaring.crypto.cipher import key_id_of, reencrypt

BATCH = 1000


@dataclass(frozen=True)
class EncryptedFields:
    model: str  # "app_label.Model"
    scope: str  # the lookup giving the country code, or a literal scope prefixed with "="
    fields: tuple[str, ...]


# Every encrypted column in Jaring. A part that adds one adds it here.
ENCRYPTED: list[EncryptedFields] = [
    EncryptedFields("identity.User", f"={keyring.REGIONAL_SCOPE}", ("totp_secret",)),
    EncryptedFields("intel.FraudReport", "country_id",
                    ("victim_name", "victim_contact", "narrative")),
    EncryptedFields("intel.Sighting", "report__country_id", ("value_enc",)),
    EncryptedFields("care.Person", "case__country_id", ("data_enc",)),
    EncryptedFields("care.Case", "country_id", ("assessment_enc", "supervisor_note_enc")),
    EncryptedFields("care.Transfer", "to_country_id", ("package_enc",)),
]


def add_key_versions(path: str | Path) -> list[str]:
    """Append a new data key to every scope in the key file; return the new key ids."""
    content = keyring.read(path)
    added = [keyring.add_data_key(content, scope) for scope in sorted(content["data_keys"])]
    if not content.get("signing_keys"):
        keyring.add_signing_key(content)
    keyring.write(path, content)
    keyring.forget()
    return added


def _outdated(value: str, scope: str) -> bool:
    return bool(value) and key_id_of(value) != keyring.keyring().current(scope).id


def reencrypt_all(progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Re-encrypt every value not under its scope's current key; returns rows changed."""
    changed: dict[str, int] = {}
    for spec in ENCRYPTED:
        try:
            model = apps.get_model(spec.model)
        except LookupError:
            continue  # a part not installed in this deployment
        literal = spec.scope[1:] if spec.scope.startswith("=") else None
        columns = ["pk", *([] if literal else [spec.scope]), *spec.fields]
        last, done = 0, 0
        while True:
            rows = list(model.objects.filter(pk__gt=last).order_by("pk")
                        .values_list(*columns)[:BATCH])
            if not rows:
                break
            with transaction.atomic():
                for row in rows:
                    pk = row[0]
                    scope = literal or row[1]
                    values = row[1 if literal else 2:]
                    for name, value in zip(spec.fields, values, strict=True):
                        if scope and value and _outdated(value, scope):
                            done += model.objects.filter(pk=pk, **{name: value}).update(
                                **{name: reencrypt(scope, value)})
            last = rows[-1][0]
            if progress is not None:
                progress(spec.model, done)
        changed[spec.model] = done
    return changed
