"""Environment-variable configuration.

Every setting that an operator can change is read through :func:`env` so that
``ENV_SETTINGS`` lists them all; ``tests/test_docs.py`` fails when one of them is
missing from ``docs/configuration.md``.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_SETTINGS: dict[str, str] = {}


def env(name: str, default: str = "") -> str:
    ENV_SETTINGS[name] = default
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name, "true" if default else "false").strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    raw = env(name, str(default))
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def data_dir() -> Path:
    return Path(env("JARING_DATA_DIR", ".")).expanduser().resolve()
