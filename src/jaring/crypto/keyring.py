"""The key file: Django's secret key and every data-encryption key.

The file lives outside the database (so a stolen database dump is useless on its
own), is written with 0600 permissions, and is never logged. Layout::

    {"format": 1, "created": "...", "secret_key": "...",
     "blind_index_key": "<base64>", "token_key": "<base64>",
     "data_keys": {"SG": [{"id": "SG.1", "key": "<base64>", "created": "..."}], ...}}

Each country has a list of data keys; the last one encrypts, every one decrypts,
so rotation adds a key and re-encrypts at leisure without downtime.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_FILE_FORMAT = 1
REGIONAL_SCOPE = "XR"  # keys for data that belongs to no single member state


class KeyFileError(Exception):
    """The key file is missing, unreadable or malformed."""


@dataclass(frozen=True)
class DataKey:
    id: str
    key: bytes


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _new_data_key(scope: str, version: int) -> dict[str, str]:
    return {"id": f"{scope}.{version}", "key": _b64(secrets.token_bytes(32)), "created": _now()}


def _new_signing_key(version: int) -> dict[str, str]:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
    )

    raw = Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw,
                                                     NoEncryption())
    return {"id": f"sig.{version}", "key": _b64(raw), "created": _now()}


def add_signing_key(content: dict) -> str:
    """Append a new Ed25519 signing key (care transfer packages); the caller writes the file."""
    keys = content.setdefault("signing_keys", [])
    version = max((int(k["id"].rsplit(".", 1)[1]) for k in keys), default=0) + 1
    keys.append(_new_signing_key(version))
    return keys[-1]["id"]


def generate(scopes: list[str]) -> dict:
    return {
        "signing_keys": [_new_signing_key(1)],
        "format": KEY_FILE_FORMAT,
        "created": _now(),
        "secret_key": secrets.token_urlsafe(50),
        "blind_index_key": _b64(secrets.token_bytes(32)),
        "token_key": _b64(secrets.token_bytes(32)),
        "data_keys": {scope: [_new_data_key(scope, 1)] for scope in sorted(scopes)},
    }


def write(path: str | os.PathLike[str], content: dict) -> None:
    """Write atomically with 0600 permissions: never a half-written key file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(content, handle, indent=2, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    os.chmod(target, 0o600)


def read(path: str | os.PathLike[str]) -> dict:
    target = Path(path)
    try:
        content = json.loads(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KeyFileError(f"no key file at {target}: run `jaring init` first") from None
    except (OSError, ValueError) as exc:
        raise KeyFileError(f"key file {target} cannot be read: {exc.__class__.__name__}") from None
    if not isinstance(content, dict) or content.get("format") != KEY_FILE_FORMAT:
        raise KeyFileError(f"key file {target} is not in format {KEY_FILE_FORMAT}")
    for field in ("secret_key", "blind_index_key", "token_key", "data_keys"):
        if field not in content:
            raise KeyFileError(f"key file {target} lacks {field!r}")
    return content


def load_secret_key(path: str | os.PathLike[str]) -> str | None:
    """The Django secret key, or None when `jaring init` has not run yet."""
    try:
        return str(read(path)["secret_key"])
    except KeyFileError:
        return None


def add_data_key(content: dict, scope: str) -> str:
    """Append a new data key for a scope; return its id. The caller writes the file."""
    keys = content["data_keys"].setdefault(scope, [])
    version = max((int(k["id"].rsplit(".", 1)[1]) for k in keys), default=0) + 1
    keys.append(_new_data_key(scope, version))
    return keys[-1]["id"]


class Keyring:
    """Keys loaded from the key file, read once per process."""

    def __init__(self, content: dict) -> None:
        self.blind_index_key = base64.b64decode(content["blind_index_key"])
        self.token_key = base64.b64decode(content["token_key"])
        self._by_id: dict[str, DataKey] = {}
        self._current: dict[str, DataKey] = {}
        for scope, entries in content["data_keys"].items():
            for entry in entries:
                key = DataKey(entry["id"], base64.b64decode(entry["key"]))
                self._by_id[key.id] = key
                self._current[scope] = key
        # Ed25519 keys that sign transfer packages; older ones still verify.
        self.signing_keys: dict[str, bytes] = {
            entry["id"]: base64.b64decode(entry["key"])
            for entry in content.get("signing_keys", [])
        }
        self._aead: dict[str, AESGCM] = {}

    def aead(self, key: DataKey) -> AESGCM:
        """The cipher of a data key, built once: a bulk import seals hundreds of
        thousands of values, and building a cipher costs more than using it."""
        cipher = self._aead.get(key.id)
        if cipher is None:
            cipher = self._aead[key.id] = AESGCM(key.key)
        return cipher

    def current(self, scope: str) -> DataKey:
        try:
            return self._current[scope]
        except KeyError:
            raise KeyFileError(f"the key file has no data key for {scope!r}") from None

    def by_id(self, key_id: str) -> DataKey:
        try:
            return self._by_id[key_id]
        except KeyError:
            raise KeyFileError(f"the key file has no data key {key_id!r}") from None

    def key_ids(self) -> set[str]:
        return set(self._by_id)


_lock = threading.Lock()
_loaded: tuple[str, int, Keyring] | None = None  # path, file stamp, keys
_checked_at = 0.0
RECHECK_SECONDS = 1.0


def _stamp(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return -1


def keyring() -> Keyring:
    """The keys of the configured key file.

    Sealing a value asks for them every time (hundreds of thousands of times in an
    import), so the common path is a clock read. At most once a second the file is
    checked: `jaring keys rotate` rewrites it while servers run, and every process
    then encrypts with the new key within a second, without a restart (values
    sealed meanwhile under the old key still decrypt, and the next rotation
    re-encrypts them).
    """
    global _loaded, _checked_at
    now = time.monotonic()
    loaded = _loaded
    if loaded is not None and now - _checked_at < RECHECK_SECONDS:
        return loaded[2]
    from django.conf import settings

    path = str(settings.KEY_FILE)
    stamp = _stamp(path)
    with _lock:
        if _loaded is None or _loaded[:2] != (path, stamp):
            _loaded = (path, stamp, Keyring(read(path)))
        _checked_at = now
        return _loaded[2]


def forget() -> None:
    """Drop cached keys, after the key file or its setting changed (rotation, restore,
    tests): the next use reads the file again."""
    global _loaded
    with _lock:
        _loaded = None
