"""Test settings: the production settings, a throw-away key file and a fast hasher.

The database comes from DATABASE_URL as in production, so the same suite runs on
SQLite (the default) and on PostgreSQL (`.ci/run` sets DATABASE_URL).
"""

import os
import tempfile
from pathlib import Path

from django.contrib.auth.hashers import Argon2PasswordHasher

_scratch = Path(tempfile.mkdtemp(prefix="jaring-test-"))
os.environ.setdefault("JARING_DATA_DIR", str(_scratch))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_scratch / 'test.sqlite3'}")

from jaring import settings as _base  # noqa: E402
from jaring.crypto import keyring  # noqa: E402
from jaring.reference.seed import MEMBER_STATE_CODES  # noqa: E402

globals().update({name: value for name, value in vars(_base).items() if name.isupper()})

KEY_FILE = str(_scratch / "jaring-keys.json")
keyring.write(KEY_FILE, keyring.generate([*MEMBER_STATE_CODES, keyring.REGIONAL_SCOPE]))
SECRET_KEY = keyring.load_secret_key(KEY_FILE)


class TestArgon2Hasher(Argon2PasswordHasher):
    """Argon2id still, but with small costs: the suite hashes hundreds of passwords."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1


PASSWORD_HASHERS = ["tests.settings.TestArgon2Hasher", *_base.PASSWORD_HASHERS]
STORAGES = {
    **_base.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = str(_scratch / "static")
Path(STATIC_ROOT).mkdir(exist_ok=True)
SECURE_COOKIES = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
