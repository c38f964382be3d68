"""Running `jaring` in a fresh process, so that settings come from its own environment."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

# Set by pytest-django or tests/settings.py; a child process must not inherit them.
_INHERITED = ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "JARING_DATA_DIR", "JARING_KEY_FILE",
              "JARING_DEBUG", "JARING_SECURE_COOKIES")


def run_jaring(*args: str, cwd: Path, env: dict[str, str] | None = None,
               timeout: int = 120) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in _INHERITED}
    environment.update({"COLUMNS": "200", "NO_COLOR": "1", **(env or {})})
    result = subprocess.run(
        [sys.executable, "-m", "jaring.cli.main", *args], cwd=cwd, env=environment,
        capture_output=True, text=True, timeout=timeout, check=False,
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def table_rows(database: Path, skip_columns: dict[str, set[str]] | None = None
               ) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order, optionally without some columns."""
    skip_columns = skip_columns or {}
    connection = sqlite3.connect(database)
    try:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        dump = {}
        for table in sorted(tables):
            columns = [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')]
            keep = [c for c in columns if c not in skip_columns.get(table, set())]
            select = ", ".join(f'"{c}"' for c in keep)
            dump[table] = connection.execute(
                f'SELECT {select} FROM "{table}" ORDER BY 1').fetchall()
        return dump
    finally:
        connection.close()


@pytest.fixture
def jaring():
    return run_jaring
