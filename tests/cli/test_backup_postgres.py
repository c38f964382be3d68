"""Backup and restore on PostgreSQL (pg_dump/pg_restore); runs when DATABASE_URL is PostgreSQL."""

import os
import secrets
import shutil
from urllib.parse import quote

import dj_database_url
import pytest

from tests.cli.conftest import run_jaring

URL = os.environ.get("DATABASE_URL", "")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not URL.startswith(("postgres://", "postgresql://")),
                       reason="needs DATABASE_URL pointing at PostgreSQL"),
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="needs pg_dump"),
]


def _connect(name):
    import psycopg

    config = dj_database_url.parse(URL)
    return psycopg.connect(dbname=name, host=config["HOST"] or None,
                           port=config["PORT"] or None, user=config["USER"] or None,
                           password=config["PASSWORD"] or None, autocommit=True)


def _url(name):
    config = dj_database_url.parse(URL)
    host = quote(str(config["HOST"] or ""), safe="")
    port = f":{config['PORT']}" if config["PORT"] else ""
    password = f":{quote(str(config['PASSWORD']), safe='')}" if config["PASSWORD"] else ""
    return f"postgres://{config['USER']}{password}@{host}{port}/{name}"


@pytest.fixture
def databases():
    names = [f"jaring_backup_{secrets.token_hex(4)}_{role}" for role in ("src", "dst")]
    admin = _connect(dj_database_url.parse(URL)["NAME"])
    for name in names:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield names
    for name in names:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _rows(name):
    with _connect(name) as connection:
        tables = [row[0] for row in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
        return {table: connection.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()
                for table in tables}


def test_backup_and_restore_postgresql(databases, tmp_path):
    source, target = databases
    live = {"JARING_DATA_DIR": str(tmp_path / "live"), "DATABASE_URL": _url(source),
            "JARING_NEW_PASSWORD": "correct horse battery staple"}
    assert run_jaring("init", cwd=tmp_path, env=live).returncode == 0
    created = run_jaring("user", "create", "root", "--role", "administrator", cwd=tmp_path,
                         env=live)
    assert created.returncode == 0, created.stderr
    token = run_jaring("token", "create", "root", "--name", "t", "--scope", "admin",
                       cwd=tmp_path, env=live)
    assert token.returncode == 0, token.stderr
    archive = tmp_path / "pg.tar.gz"
    result = run_jaring("backup", "--out", str(archive), cwd=tmp_path, env=live)
    assert result.returncode == 0, result.stderr

    restored_env = {"DATABASE_URL": _url(target)}
    result = run_jaring("restore", str(archive), "--dir", str(tmp_path / "restored"),
                        cwd=tmp_path, env=restored_env)
    assert result.returncode == 0, result.stderr
    assert "row counts match" in result.stdout
    original, restored = _rows(source), _rows(target)
    assert original.keys() == restored.keys()
    for table in original:
        assert original[table] == restored[table], table

    again = run_jaring("restore", str(archive), "--dir", str(tmp_path / "other"),
                       cwd=tmp_path, env=restored_env)
    assert again.returncode == 1
    assert "not empty" in again.stderr
