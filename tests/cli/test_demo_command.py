import re
import sqlite3

import pytest

from tests.cli.conftest import run_jaring, table_rows

pytestmark = pytest.mark.slow

# Hashes over the time of the build; datetime columns are left out by type.
HASH_COLUMNS = {"audit_auditevent": {"hash", "prev_hash"}, "audit_audithead": {"hash"}}
CIPHERTEXT = re.compile(r"^[A-Z]{2}\.\d+\$")


def content(database):
    """Every table's rows, without build times and without ciphertext.

    Encryption uses a fresh random nonce each time, so equal plaintexts give
    different ciphertexts; everything else must match exactly.
    """
    with sqlite3.connect(database) as db:
        skip = {}
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            columns = db.execute(f'PRAGMA table_info("{table}")').fetchall()
            skip[table] = {c[1] for c in columns if c[2].lower() == "datetime"}
            skip[table] |= HASH_COLUMNS.get(table, set())
            for column in {c[1] for c in columns if c[2].lower() == "text"} - skip[table]:
                sample = db.execute(f'SELECT "{column}" FROM "{table}" WHERE "{column}" != \'\' '
                                    "LIMIT 1").fetchone()
                if sample and isinstance(sample[0], str) and CIPHERTEXT.match(sample[0]):
                    skip[table].add(column)
    return table_rows(database, skip)


def test_demo_builds_prints_accounts_and_rebuilds_from_scratch(tmp_path):
    result = run_jaring("demo", "--no-serve", "--dir", str(tmp_path / "demo"), "--seed", "1",
                        cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for expected in ("Demo accounts", "analyst.th", "caseworker.th", "meapprover.id",
                     "viewer.my", "asec.approver", "admin", "jaring-demo-2026", "ASCom"):
        assert expected in result.stdout, expected
    database = tmp_path / "demo" / "jaring.sqlite3"
    key_file = tmp_path / "demo" / "jaring-keys.json"
    assert (key_file.stat().st_mode & 0o777) == 0o600
    with sqlite3.connect(database) as db:
        users = db.execute("SELECT COUNT(*) FROM identity_user").fetchone()[0]
    assert users >= 30

    again = run_jaring("demo", "--no-serve", "--dir", str(tmp_path / "demo"), "--seed", "1",
                       cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT COUNT(*) FROM identity_user").fetchone()[0] == users
    verify = run_jaring("audit", "verify", cwd=tmp_path,
                        env={"JARING_DATA_DIR": str(tmp_path / "demo")})
    assert verify.returncode == 0 and "intact" in verify.stdout


def test_same_seed_same_data_other_seed_other_data(tmp_path):
    # One directory, so that every build uses the same key file (blind indexes
    # depend on its keys).
    directory = str(tmp_path / "demo")
    dumps = []
    for seed in ("7", "7", "8"):
        result = run_jaring("demo", "--no-serve", "--dir", directory, "--seed", seed,
                            cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        dumps.append(content(tmp_path / "demo" / "jaring.sqlite3"))
    first, again, other = dumps
    assert first.keys() == again.keys()
    for table in first:
        assert first[table] == again[table], f"{table} differs between builds with one seed"
    assert first["identity_user"] != other["identity_user"]
    # Organisations are the same for any seed; people differ.
    assert first["identity_organisation"] == other["identity_organisation"]


def test_demo_refuses_a_file_where_its_directory_should_be(tmp_path):
    (tmp_path / "occupied").write_text("not a directory")
    result = run_jaring("demo", "--no-serve", "--dir", str(tmp_path / "occupied"), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "is not a directory" in result.stderr


def test_demo_only_deletes_its_own_database_files(tmp_path):
    directory = tmp_path / "demo"
    directory.mkdir()
    keep = directory / "notes.txt"
    keep.write_text("mine")
    result = run_jaring("demo", "--no-serve", "--dir", str(directory), "--scale", "small",
                        cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert keep.read_text() == "mine"
