"""The transfer package: a signed, versioned JSON document carrying one case abroad.

Today a package travels between two countries inside one deployment; its format
is what two separate national deployments would exchange later, so it is
self-contained and signed with Ed25519 by the sending deployment's key (kept in
the key file beside the data keys). The signature covers the canonical JSON of
everything but the signature itself; a package that does not verify is refused.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from jaring.crypto.keyring import KeyFileError, keyring

FORMAT = "jaring.care.transfer"
VERSION = 1
SUPPORTED_VERSIONS = {1}


class PackageRefused(Exception):
    """The package is malformed, of an unknown version, or its signature does not verify."""


def canonical(document: dict[str, Any]) -> bytes:
    body = {k: v for k, v in document.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _public_raw(private: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(private).public_key().public_bytes(
        Encoding.Raw, PublicFormat.Raw)


def sign(document: dict[str, Any]) -> dict[str, Any]:
    keys = keyring().signing_keys
    if not keys:
        raise KeyFileError("the key file has no signing key: run `jaring init` or "
                           "`jaring keys rotate` to add one")
    key_id = max(keys, key=lambda k: int(k.rsplit(".", 1)[1]))
    private = keys[key_id]
    document = {**document, "format": FORMAT, "version": VERSION}
    value = Ed25519PrivateKey.from_private_bytes(private).sign(canonical(document))
    document["signature"] = {
        "alg": "Ed25519", "key_id": key_id,
        "public_key": base64.b64encode(_public_raw(private)).decode(),
        "value": base64.b64encode(value).decode(),
    }
    return document


def trusted_public_keys() -> dict[str, bytes]:
    """This deployment's own signing keys; peers' keys would be added here."""
    return {key_id: _public_raw(private) for key_id, private in keyring().signing_keys.items()}


def verify(document: Any) -> dict[str, Any]:
    """Return the document if it is a supported, intact package signed by a trusted key."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise PackageRefused("not a Jaring transfer package")
    if document.get("version") not in SUPPORTED_VERSIONS:
        raise PackageRefused(f"unsupported package version {document.get('version')!r}")
    signature = document.get("signature")
    if not isinstance(signature, dict) or signature.get("alg") != "Ed25519":
        raise PackageRefused("the package is not signed with Ed25519")
    trusted = trusted_public_keys().get(str(signature.get("key_id")))
    if trusted is None:
        raise PackageRefused(f"unknown signing key {signature.get('key_id')!r}")
    try:
        value = base64.b64decode(str(signature.get("value")), validate=True)
        Ed25519PublicKey.from_public_bytes(trusted).verify(value, canonical(document))
    except (InvalidSignature, ValueError):
        raise PackageRefused("the signature does not match the package: it was altered "
                             "after signing") from None
    return document


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))
