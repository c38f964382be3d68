"""`jaring backup` and `jaring restore`: one archive with the database and the key file.

The archive is a gzipped tar of three members::

    manifest.json       format, versions, vendor, migration state, row counts, SHA-256s
    jaring-keys.json    the key file (without it, encrypted fields cannot be read)
    database.sqlite3    SQLite: a page-level copy made with SQLite's online backup API
    database.pgdump     PostgreSQL: pg_dump's custom format, from one exported snapshot

Both database copies are consistent while the application keeps writing: the
SQLite backup API copies one committed state, and pg_dump reads the snapshot in
which the row counts were taken. Restoring reads only these member names into
paths it chooses itself, so a crafted archive cannot write anywhere else.

The checksums detect damage and careless edits, not a determined forger: anyone
who can change the archive can rewrite the manifest too. Keep backups where
only operators can write, and as safe as the key file itself.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from jaring.cli import runtime
from jaring.cli.runtime import CommandError, console, friendly, setup_django

ARCHIVE_FORMAT = 1
MANIFEST = "manifest.json"
KEY_MEMBER = "jaring-keys.json"
DB_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ALLOWED_MEMBERS = {MANIFEST, KEY_MEMBER, *DB_MEMBERS.values()}

# Row count per table, and applied migration names per app.
State = tuple[dict[str, int], dict[str, list[str]]]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write_private(path: Path, data: bytes) -> None:
    """Write atomically, readable by the owner only (the content includes keys)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _jaring_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("jaring")
    except PackageNotFoundError:
        return "unknown"


def _sqlite_state(conn: sqlite3.Connection) -> State:
    tables = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )]
    counts = {table: conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
              for table in tables}
    return counts, _migrations(conn.execute("SELECT app, name FROM django_migrations"))


def _migrations(rows: Any) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in rows:
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def _django_state() -> State:
    from django.db import connection

    tables = sorted(connection.introspection.table_names())
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
        cursor.execute("SELECT app, name FROM django_migrations")
        migrations = _migrations(cursor.fetchall())
    return counts, migrations


def _pg_environment(db: Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    environment = dict(os.environ)
    if db.get("PASSWORD"):
        environment["PGPASSWORD"] = str(db["PASSWORD"])
    return args, environment


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise CommandError(f"PostgreSQL backups need `{name}` on PATH "
                           "(Debian: apt install postgresql-client)")
    return path


def _run_tool(command: list[str], environment: dict[str, str]) -> None:
    result = subprocess.run(command, env=environment, capture_output=True, text=True,  # noqa: S603
                            check=False)
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        raise CommandError(f"{Path(command[0]).name} failed: "
                           f"{lines[-1] if lines else f'exit {result.returncode}'}")


def _copy_sqlite(source: str, target: Path) -> State:
    if not Path(source).is_file():
        raise CommandError(f"no database at {source}: run `jaring init` first")
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        return _sqlite_state(dst)
    finally:
        dst.close()
        src.close()


def _dump_postgresql(db: Mapping[str, Any], target: Path) -> State:
    from django.db import connection, transaction

    pg_dump = _pg_tool("pg_dump")
    args, environment = _pg_environment(db)
    with transaction.atomic():
        with connection.cursor() as cursor:
            # The counts and the dump must describe the same state: count inside a
            # REPEATABLE READ snapshot and hand that very snapshot to pg_dump.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        state = _django_state()
        _run_tool([pg_dump, *args, "--format=custom", "--no-owner", "--no-privileges",
                   f"--snapshot={snapshot}", "--file", str(target)], environment)
    return state


@friendly
def backup(
    out: Annotated[Path | None, typer.Option(
        "--out", help="Archive to write (default: jaring-backup-<time>.tar.gz here).")] = None,
) -> None:
    """Write one archive with a consistent copy of the database and the key file."""
    setup_django()
    from django.conf import settings
    from django.db import connection

    from jaring.crypto import keyring

    key_path = Path(settings.KEY_FILE)
    keyring.read(key_path)  # refuse to back up an unusable key file
    created = datetime.now(UTC)
    if out is None:
        out = Path(f"jaring-backup-{created:%Y%m%d-%H%M%S}.tar.gz")
    out = out.expanduser().resolve()
    if out.exists():
        raise CommandError(f"{out} exists; choose another --out")
    if not out.parent.is_dir():
        raise CommandError(f"no directory {out.parent}")
    vendor = connection.vendor
    if vendor not in DB_MEMBERS:
        raise CommandError(f"cannot back up a {vendor} database")
    db_member = DB_MEMBERS[vendor]
    # Beside the archive rather than in /tmp: the copy holds personal data and keys.
    with tempfile.TemporaryDirectory(prefix=".jaring-backup-", dir=out.parent) as scratch:
        work = Path(scratch)
        with console.status("Copying the database"):
            if vendor == "sqlite":
                counts, migrations = _copy_sqlite(str(settings.DATABASES["default"]["NAME"]),
                                                  work / db_member)
            else:
                counts, migrations = _dump_postgresql(settings.DATABASES["default"],
                                                      work / db_member)
        shutil.copyfile(key_path, work / KEY_MEMBER)
        manifest = {
            "format": ARCHIVE_FORMAT,
            "jaring_version": _jaring_version(),
            "created": created.isoformat(timespec="seconds"),
            "database_vendor": vendor,
            "migrations": migrations,
            "row_counts": counts,
            "members": {
                name: {"sha256": sha256_file(work / name), "size": (work / name).stat().st_size}
                for name in (db_member, KEY_MEMBER)
            },
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True), "utf-8")
        partial = work / "archive.tar.gz"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            for name in (MANIFEST, KEY_MEMBER, db_member):
                archive.add(work / name, arcname=name, recursive=False)
        os.replace(partial, out)
    total = sum(counts.values())
    console.print(f"Backup written to [bold]{out}[/] ({vendor}, {len(counts)} tables, "
                  f"{total} rows). It contains the key file: keep it as safe as the keys.")


def _read_archive(path: Path, work: Path) -> dict:
    """Check the archive's members against the manifest and extract them into ``work``."""
    try:
        archive = tarfile.open(path, mode="r:gz")  # noqa: SIM115 — closed by the `with` below
    except (OSError, tarfile.TarError) as exc:
        raise CommandError(f"{path} is not a Jaring backup archive ({exc})") from None
    with archive:
        members: dict[str, tarfile.TarInfo] = {}
        try:
            entries = archive.getmembers()
        except (OSError, tarfile.TarError, EOFError) as exc:
            raise CommandError(f"{path} is damaged ({exc})") from None
        for member in entries:
            if member.name not in ALLOWED_MEMBERS or not member.isfile():
                raise CommandError(f"{path} holds an unexpected member {member.name!r}; "
                                   "refusing to restore it")
            if member.name in members:
                raise CommandError(f"{path} holds {member.name!r} twice; refusing to restore it")
            members[member.name] = member
        if MANIFEST not in members:
            raise CommandError(f"{path} has no {MANIFEST}: not a Jaring backup")
        try:
            manifest = json.load(archive.extractfile(members[MANIFEST]))  # type: ignore[arg-type]
        except ValueError:
            raise CommandError(f"{path}: {MANIFEST} is not valid JSON") from None
        if not isinstance(manifest, dict) or manifest.get("format") != ARCHIVE_FORMAT:
            raise CommandError(f"{path} is in an unknown backup format")
        expected = manifest.get("members") or {}
        for name, facts in expected.items():
            if name not in ALLOWED_MEMBERS or name == MANIFEST:
                raise CommandError(f"{path}: the manifest names an unexpected member {name!r}")
            if name not in members:
                raise CommandError(f"{path} lacks {name}")
            digest = hashlib.sha256()
            source = archive.extractfile(members[name])
            assert source is not None  # members are checked to be regular files above
            with source, (work / name).open("wb") as target:
                while chunk := source.read(1 << 20):
                    digest.update(chunk)
                    target.write(chunk)
            if digest.hexdigest() != facts.get("sha256"):
                raise CommandError(f"{name} in {path} does not match its checksum: the "
                                   "archive is damaged or was altered; refusing to restore it")
        if KEY_MEMBER not in expected:
            raise CommandError(f"{path} has no key file")
    return manifest


def _target_directory(directory: Path | None) -> None:
    if directory is None:
        return
    directory = directory.expanduser().resolve()
    if directory.exists() and not directory.is_dir():
        raise CommandError(f"{directory} is not a directory")
    if runtime._ready:
        raise CommandError("--dir must be given to a fresh process")
    directory.mkdir(parents=True, exist_ok=True)
    os.environ["JARING_DATA_DIR"] = str(directory)


def _restore_sqlite(source: Path, target: Path, force: bool) -> None:
    from django.db import connections

    connections.close_all()
    if target.exists() and target.stat().st_size > 0 and not force:
        raise CommandError(f"a database exists at {target}; restore into a fresh directory, "
                           "or pass --force to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.restore")
    try:
        shutil.copyfile(source, partial)
        os.chmod(partial, 0o600)
        for suffix in ("-wal", "-shm", "-journal"):
            stale = target.with_name(target.name + suffix)
            if stale.is_file():
                stale.unlink()  # an old log applied to the restored file would corrupt it
        os.replace(partial, target)
    finally:
        if partial.exists():
            partial.unlink()


def _restore_postgresql(source: Path, db: Mapping[str, Any], force: bool) -> None:
    from django.db import connection, connections

    if connection.introspection.table_names() and not force:
        raise CommandError(f"database {db['NAME']!r} is not empty; restore into a fresh one, "
                           "or pass --force to replace its tables")
    connections.close_all()
    pg_restore = _pg_tool("pg_restore")
    args, environment = _pg_environment(db)
    _run_tool([pg_restore, *args, "--clean", "--if-exists", "--no-owner", "--no-privileges",
               "--single-transaction", str(source)], environment)


@friendly
def restore(
    archive: Annotated[Path, typer.Argument(help="An archive written by `jaring backup`.")],
    directory: Annotated[Path | None, typer.Option(
        "--dir", help="Data directory to restore into (sets JARING_DATA_DIR).")] = None,
    force: bool = typer.Option(False, "--force",
                               help="Replace an existing database and key file."),
) -> None:
    """Restore a backup into a fresh data directory, then check every table and the audit log."""
    archive = archive.expanduser().resolve()
    if not archive.is_file():
        raise CommandError(f"no archive at {archive}")
    _target_directory(directory)
    setup_django()
    from django.conf import settings
    from django.db import connection, connections

    from jaring.crypto import keyring

    key_path = Path(settings.KEY_FILE)
    if key_path.exists() and not force:
        raise CommandError(f"a key file exists at {key_path}; restore into a fresh directory, "
                           "or pass --force to replace it")
    db = settings.DATABASES["default"]
    key_path.parent.mkdir(parents=True, exist_ok=True)
    # Beside the key file rather than in /tmp: the extracted members hold keys.
    with tempfile.TemporaryDirectory(prefix=".jaring-restore-", dir=key_path.parent) as scratch:
        work = Path(scratch)
        with console.status("Checking the archive"):
            manifest = _read_archive(archive, work)
        vendor = manifest.get("database_vendor")
        if vendor != connection.vendor:
            raise CommandError(f"the backup is of a {vendor} database but DATABASE_URL names a "
                               f"{connection.vendor} one")
        db_member = DB_MEMBERS[vendor]
        if db_member not in manifest["members"]:
            raise CommandError(f"{archive} has no database")
        keyring.read(work / KEY_MEMBER)  # a damaged key file fails here, before any write
        with console.status("Restoring the database"):
            if vendor == "sqlite":
                _restore_sqlite(work / db_member, Path(db["NAME"]), force)
            else:
                _restore_postgresql(work / db_member, db, force)
        _write_private(key_path, (work / KEY_MEMBER).read_bytes())
    keyring.forget()
    settings.SECRET_KEY = keyring.load_secret_key(key_path)
    connections.close_all()
    _check_restored(manifest)


def _check_restored(manifest: dict) -> None:
    from django.db.migrations.loader import MigrationLoader

    from jaring.audit.services import verify_chain

    counts, migrations = _django_state()
    expected = manifest.get("row_counts") or {}
    differing = sorted(t for t in set(expected) | set(counts)
                       if expected.get(t) != counts.get(t))
    if differing:
        table = differing[0]
        raise CommandError(f"restored table {table} has {counts.get(table)} rows, the backup "
                           f"{expected.get(table)} ({len(differing)} table(s) differ)")
    result = verify_chain()
    if not result.ok:
        raise CommandError(f"restored audit log broken at event #{result.broken_at}: "
                           f"{result.reason}")
    console.print(f"Restored {len(counts)} tables, {sum(counts.values())} rows, from a backup "
                  f"made {manifest.get('created')}; row counts match and the audit log "
                  f"({result.checked} events) is intact.")
    known = {f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations}
    applied = {f"{app}.{name}" for app, names in migrations.items() for name in names}
    if applied - known:
        console.print("[yellow]The backup comes from a newer Jaring than this one "
                      f"({len(applied - known)} unknown migrations); upgrade Jaring first.[/]")
    elif known - applied:
        console.print("The backup predates this Jaring version: run `jaring db upgrade`.")

