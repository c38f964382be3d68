import io
import json
import tarfile

import pytest

from tests.cli.conftest import run_jaring, table_rows

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A demo database with organisations, users, audit events and an API token, backed up."""
    root = tmp_path_factory.mktemp("backup")
    data = root / "live"
    env = {"JARING_DATA_DIR": str(data)}
    built = run_jaring("demo", "--no-serve", "--dir", str(data), "--seed", "2", cwd=root)
    assert built.returncode == 0, built.stderr
    token = run_jaring("token", "create", "analyst.sg", "--name", "national system",
                       "--scope", "intel:read", cwd=root, env=env)
    assert token.returncode == 0, token.stderr
    archive = root / "backup.tar.gz"
    result = run_jaring("backup", "--out", str(archive), cwd=root, env=env)
    assert result.returncode == 0, result.stderr
    return root, data, archive


def test_archive_holds_manifest_key_file_and_database(source):
    archive = source[2]
    assert (archive.stat().st_mode & 0o777) == 0o600
    with tarfile.open(archive) as tar:
        assert sorted(tar.getnames()) == ["database.sqlite3", "jaring-keys.json", "manifest.json"]
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["format"] == 1
    assert manifest["database_vendor"] == "sqlite"
    assert manifest["row_counts"]["identity_apitoken"] == 1
    assert manifest["row_counts"]["identity_user"] >= 30
    assert "0001_initial" in manifest["migrations"]["identity"]
    assert set(manifest["members"]) == {"database.sqlite3", "jaring-keys.json"}
    assert all(len(m["sha256"]) == 64 for m in manifest["members"].values())


def test_restore_into_a_fresh_directory_gives_back_every_record(source, tmp_path):
    _, data, archive = source
    target = tmp_path / "restored"
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'separate' / 'copy.sqlite3'}"}
    (tmp_path / "separate").mkdir()
    result = run_jaring("restore", str(archive), "--dir", str(target), cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert "row counts match" in result.stdout
    original = table_rows(data / "jaring.sqlite3")
    restored = table_rows(tmp_path / "separate" / "copy.sqlite3")
    assert original.keys() == restored.keys()
    for table in original:
        assert original[table] == restored[table], table
    key_file = target / "jaring-keys.json"
    assert key_file.read_bytes() == (data / "jaring-keys.json").read_bytes()
    assert (key_file.stat().st_mode & 0o777) == 0o600
    verify = run_jaring("audit", "verify", cwd=tmp_path,
                        env={**env, "JARING_DATA_DIR": str(target)})
    assert verify.returncode == 0, verify.stderr

    again = run_jaring("restore", str(archive), "--dir", str(target), cwd=tmp_path, env=env)
    assert again.returncode == 1
    assert again.stderr.strip().count("\n") == 0
    assert "exists" in again.stderr and "--force" in again.stderr
    forced = run_jaring("restore", str(archive), "--dir", str(target), "--force",
                        cwd=tmp_path, env=env)
    assert forced.returncode == 0, forced.stderr


def _rewrite(archive, out, change):
    """Copy an archive, passing each member's (name, bytes) through ``change``."""
    with tarfile.open(archive) as source, tarfile.open(out, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            for name, content in change(member.name, data):
                info = tarfile.TarInfo(name)
                info.size = len(content)
                target.addfile(info, io.BytesIO(content))


def _refused(archive, tmp_path):
    result = run_jaring("restore", str(archive), "--dir", str(tmp_path / "target"),
                        cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert not (tmp_path / "target" / "jaring-keys.json").exists()
    assert not (tmp_path / "target" / "jaring.sqlite3").exists()
    return result.stderr


def test_a_changed_member_is_refused(source, tmp_path):
    _, _, archive = source

    def flip(name, data):
        if name == "database.sqlite3":
            data = data[:2000] + bytes([data[2000] ^ 1]) + data[2001:]
        return [(name, data)]

    _rewrite(archive, tmp_path / "tampered.tar.gz", flip)
    message = _refused(tmp_path / "tampered.tar.gz", tmp_path)
    assert "database.sqlite3" in message and "checksum" in message


def test_path_traversal_is_refused(source, tmp_path):
    _, _, archive = source

    def escape(name, data):
        return [(name, data), ("../escaped.txt", b"x")] if name == "manifest.json" else [
            (name, data)]

    _rewrite(archive, tmp_path / "evil.tar.gz", escape)
    message = _refused(tmp_path / "evil.tar.gz", tmp_path)
    assert "unexpected member" in message
    assert not (tmp_path / "escaped.txt").exists()


def test_not_an_archive_is_refused(tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not a tar file")
    assert "not a Jaring backup" in _refused(bogus, tmp_path)


def test_backup_refuses_to_overwrite(source):
    root, data, archive = source
    result = run_jaring("backup", "--out", str(archive), cwd=root,
                        env={"JARING_DATA_DIR": str(data)})
    assert result.returncode == 1
    assert "exists" in result.stderr


def test_backup_without_a_key_file(tmp_path):
    result = run_jaring("backup", "--out", str(tmp_path / "b.tar.gz"), cwd=tmp_path,
                        env={"JARING_DATA_DIR": str(tmp_path)})
    assert result.returncode == 1
    assert "jaring init" in result.stderr
