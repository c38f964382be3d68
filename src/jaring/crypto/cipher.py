"""Field encryption (AES-256-GCM) and blind indexes (HMAC-SHA256).

A ciphertext is ``<key id>$<base64(nonce + ciphertext + tag)>``; the key id names
the data key, so a value encrypted before a rotation still decrypts after it. The
scope (a member state's ISO code) is bound in as associated data: a value copied
from one country's record into another's fails to decrypt instead of leaking.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import os
import unicodedata
from typing import Any

from cryptography.exceptions import InvalidTag

from jaring.crypto.keyring import KeyFileError, keyring

NONCE_BYTES = 12


class DecryptionError(Exception):
    """A ciphertext was tampered with, moved between scopes, or its key is gone."""


def encrypt(scope: str, plaintext: str | None) -> str | None:
    if plaintext is None:
        return None
    return Encrypter(scope, nonces=1)(plaintext)


class Encrypter:
    """Encrypts values for one scope with its current key.

    A bulk import encrypts millions of values: looking the key up and asking the
    kernel for a nonce each time cost more than the encryption itself. One
    encrypter takes the key once (make one per batch, so a rotation still takes
    effect within seconds) and draws random nonces ``nonces`` at a time.
    """

    __slots__ = ("_aad", "_nonces", "_pool", "_prefix", "_seal", "_used")

    def __init__(self, scope: str, nonces: int = 256) -> None:
        ring = keyring()
        key = ring.current(scope)
        self._prefix = f"{key.id}$"
        self._seal = ring.aead(key).encrypt
        self._aad = scope.encode("ascii")
        self._pool = nonces
        self._nonces = b""
        self._used = nonces

    def __call__(self, plaintext: str) -> str:
        if self._used == self._pool:
            self._nonces, self._used = os.urandom(NONCE_BYTES * self._pool), 0
        start = self._used * NONCE_BYTES
        nonce = self._nonces[start:start + NONCE_BYTES]
        self._used += 1
        sealed = self._seal(nonce, plaintext.encode("utf-8"), self._aad)
        return self._prefix + binascii.b2a_base64(nonce + sealed, newline=False).decode("ascii")


class Encrypters(dict[str, Encrypter]):
    """An :class:`Encrypter` per scope, made when first asked for."""

    def __missing__(self, scope: str) -> Encrypter:
        made = self[scope] = Encrypter(scope)
        return made


def key_id_of(ciphertext: str) -> str:
    return ciphertext.split("$", 1)[0]


def decrypt(scope: str, ciphertext: str | None) -> str | None:
    if ciphertext is None:
        return None
    key_id, _, body = ciphertext.partition("$")
    if not body or not key_id.startswith(f"{scope}."):
        raise DecryptionError("ciphertext does not belong to this scope")
    try:
        ring = keyring()
        key = ring.by_id(key_id)
        raw = base64.b64decode(body, validate=True)
        plain = ring.aead(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], scope.encode())
    except (InvalidTag, ValueError, KeyFileError) as exc:
        raise DecryptionError(f"cannot decrypt with key {key_id}") from exc
    return plain.decode("utf-8")


def reencrypt(scope: str, ciphertext: str | None) -> str | None:
    """Re-encrypt under the scope's current key; unchanged if already current."""
    if ciphertext is None or key_id_of(ciphertext) == keyring().current(scope).id:
        return ciphertext
    return encrypt(scope, decrypt(scope, ciphertext))


def normalise_for_index(value: str) -> str:
    """Case-, accent-width- and space-insensitive form, so "Nguyễn  Văn" finds "nguyễn văn"."""
    folded = unicodedata.normalize("NFKC", value).casefold()
    return " ".join(folded.split())


def blind_index(purpose: str, value: str | None) -> str | None:
    """A keyed, deterministic token for exact-match search over encrypted values.

    The purpose (e.g. ``care.person.name``) is mixed in so that equal values in
    two different fields do not produce linkable tokens.
    """
    if value is None or not value.strip():
        return None
    message = f"{purpose}\x00{normalise_for_index(value)}".encode()
    return hmac_sha256(keyring().blind_index_key, message).hex()[:32]


TOKEN_BYTES = 16


def keyed_token(purpose: str, value: str) -> bytes:
    """A keyed token for matching values that must never be stored raw (TLP RED).

    The first 16 bytes of an HMAC-SHA256: two distinct values share a token with a
    chance of about n²/2¹²⁹ among n values, nil for any number of indicators a
    region will hold. Stored as bytes, the matching index is a third of its size
    as 64 hexadecimal characters, and a bulk import inserts into it at random.
    """
    message = f"{purpose}\x00{value}".encode()
    return hmac_sha256(keyring().token_key, message)[:TOKEN_BYTES]


_BLOCK = 64  # SHA-256's block size


@functools.lru_cache(maxsize=8)
def _hmac_pads(key: bytes) -> tuple[Any, Any]:
    """SHA-256 states after HMAC's inner and outer key pads (RFC 2104)."""
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    return (hashlib.sha256(bytes(b ^ 0x36 for b in key)),
            hashlib.sha256(bytes(b ^ 0x5C for b in key)))


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    """HMAC-SHA256 from the key's padded states, hashed once per key.

    The same result as :func:`hmac.digest`, in about a third of its time: that sets
    the key up again for every message, and an import tokenises millions.
    """
    inner, outer = _hmac_pads(key)
    inner = inner.copy()
    inner.update(message)
    outer = outer.copy()
    outer.update(inner.digest())
    return outer.digest()
