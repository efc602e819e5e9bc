"""Backing up and restoring the whole platform: the database and the stored files.

A backup is a directory holding

- ``database.dump`` (PostgreSQL: ``pg_dump --format=custom``) or
  ``database.sqlite3`` (SQLite: a copy made with the SQLite online backup API),
- ``media.tar.gz``: every file of the file storage (local ``MEDIA_ROOT`` or S3),
- ``manifest.json``: when, which version of the application, which database
  vendor, the number of rows of every table and the SHA-256 of both files.

On PostgreSQL the row counts are read in the same snapshot that ``pg_dump``
dumps (``pg_export_snapshot``), so they describe exactly what the dump holds.
Restoring checks the checksums and the vendor before touching anything,
replaces the database (``pg_restore --clean --if-exists --no-owner`` in one
transaction; on SQLite the backup API copies the file back), writes the files
back, and then compares every table's row count with the manifest.

Used by ``manage.py backup DEST_DIR`` and ``manage.py restore SRC_DIR``.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tomllib
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connections, transaction

MANIFEST = "manifest.json"
MEDIA = "media.tar.gz"
DUMPS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


# Row counts -----------------------------------------------------------------------


def model_tables() -> list[str]:
    """The tables of every model (many-to-many tables included)."""
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    return sorted(tables)


def _count(cursor, tables, quote) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 -- quoted identifier
        counts[table] = cursor.fetchone()[0]
    return counts


def row_counts(using: str = "default") -> dict[str, int]:
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    tables = [t for t in model_tables() if t in existing]
    with connection.cursor() as cursor:
        return _count(cursor, tables, connection.ops.quote_name)


# Helpers ----------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _app_version() -> dict:
    version = None
    pyproject = Path(settings.BASE_DIR) / "pyproject.toml"
    if pyproject.exists():
        version = tomllib.loads(pyproject.read_text()).get("project", {}).get("version")
    commit = None
    git = shutil.which("git")
    if git:
        result = subprocess.run(  # noqa: S603 -- fixed arguments
            [git, "rev-parse", "HEAD"],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
        commit = (result.stdout.strip() or None) if result.returncode == 0 else None
    return {"version": version, "git_commit": commit}


def _pg_command(program: str, settings_dict: dict) -> tuple[list[str], dict]:
    """The client program with the connection parameters of DATABASES (as
    read from DATABASE_URL); the password goes in the environment."""
    binary = shutil.which(program)
    if binary is None:
        raise BackupError(
            f"{program} was not found. Install the PostgreSQL client tools "
            f"(Debian: apt-get install postgresql-client) and try again."
        )
    args = [binary]
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    options = settings_dict.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return args, env


def _run(args: list[str], env: dict) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed:\n{result.stderr.strip()}")


def _storage_names(storage, path: str = ""):
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{path}/{name}" if path else name
    for directory in sorted(directories):
        yield from _storage_names(storage, f"{path}/{directory}" if path else directory)


# Backup -------------------------------------------------------------------------------


def _dump_postgresql(connection, target: Path) -> dict[str, int]:
    existing = set(connection.introspection.table_names())
    tables = [t for t in model_tables() if t in existing]
    args, env = _pg_command("pg_dump", connection.settings_dict)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        # pg_dump dumps the snapshot the counts were read in: they match exactly.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _count(cursor, tables, connection.ops.quote_name)
        _run(
            [
                *args,
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={target}",
                str(connection.settings_dict["NAME"]),
            ],
            env,
        )
    return counts


def _dump_sqlite(connection, target: Path) -> dict[str, int]:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        existing = {
            row[0] for row in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        tables = [t for t in model_tables() if t in existing]
        return _count(copy.cursor(), tables, connection.ops.quote_name)
    finally:
        copy.close()


def _pack_media(storage, target: Path) -> int:
    count = 0
    with tarfile.open(target, "w:gz") as archive:
        for name in _storage_names(storage):
            info = tarfile.TarInfo(name)
            info.size = storage.size(name)
            with storage.open(name, "rb") as handle:
                archive.addfile(info, handle)
            count += 1
    return count


def create_backup(destination: Path, *, using: str = "default", storage=None) -> dict:
    """Write a backup into ``destination`` (created if needed; it must not
    hold a backup already) and return its manifest."""
    storage = storage or default_storage
    connection = connections[using]
    vendor = connection.vendor
    if vendor not in DUMPS:
        raise BackupError(f"Backups of {vendor} databases are not supported.")
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    if (destination / MANIFEST).exists():
        raise BackupError(f"{destination} already holds a backup; choose an empty directory.")
    database_file = destination / DUMPS[vendor]
    if vendor == "postgresql":
        counts = _dump_postgresql(connection, database_file)
    else:
        counts = _dump_sqlite(connection, database_file)
    media_files = _pack_media(storage, destination / MEDIA)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "application": _app_version(),
        "database": {"vendor": vendor, "file": database_file.name, "tables": counts},
        "media": {"file": MEDIA, "files": media_files},
        "checksums": {
            database_file.name: _sha256(database_file),
            MEDIA: _sha256(destination / MEDIA),
        },
    }
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


# Restore ------------------------------------------------------------------------------


def read_manifest(source: Path) -> dict:
    path = Path(source) / MANIFEST
    if not path.exists():
        raise BackupError(f"{source} holds no {MANIFEST}: it is not a backup of this platform.")
    manifest = json.loads(path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r} in {path}.")
    return manifest


def check_backup(source: Path, manifest: dict, *, vendor: str) -> None:
    """Refuse a backup of another database vendor, or one whose files changed."""
    theirs = manifest["database"]["vendor"]
    if theirs != vendor:
        raise BackupError(
            f"This backup is of a {theirs} database, but this installation uses {vendor}. "
            f"Restore it into a {theirs} database (set DATABASE_URL), or move the data "
            f"with dumpdata/loaddata."
        )
    for name, expected in manifest["checksums"].items():
        path = Path(source) / name
        if not path.exists():
            raise BackupError(f"{path} is missing from the backup.")
        if _sha256(path) != expected:
            raise BackupError(f"{path} does not match its checksum: the backup is damaged.")


def _restore_postgresql(connection, source: Path) -> None:
    args, env = _pg_command("pg_restore", connection.settings_dict)
    connection.close()
    _run(
        [
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(source),
        ],
        env,
    )


def _restore_sqlite(connection, source: Path) -> None:
    connection.ensure_connection()
    copy = sqlite3.connect(source)
    try:
        copy.backup(connection.connection)
    finally:
        copy.close()


def _safe_member(member: tarfile.TarInfo) -> bool:
    path = PurePosixPath(member.name)
    return member.isfile() and not path.is_absolute() and ".." not in path.parts


def _unpack_media(storage, archive_path: Path) -> int:
    count = 0
    with tarfile.open(archive_path, "r:gz") as archive:
        for member in archive:
            if not _safe_member(member):
                raise BackupError(f"Refusing the unsafe entry {member.name!r} in {MEDIA}.")
            handle = archive.extractfile(member)
            if storage.exists(member.name):
                storage.delete(member.name)
            saved = storage.save(member.name, File(handle, name=member.name))
            if saved != member.name:
                raise BackupError(f"{member.name} was stored as {saved}.")
            count += 1
    return count


def restore_backup(source: Path, *, using: str = "default", storage=None) -> dict:
    """Replace the database and write the stored files back from the backup in
    ``source``; then check every table's row count against the manifest."""
    storage = storage or default_storage
    source = Path(source)
    connection = connections[using]
    manifest = read_manifest(source)
    check_backup(source, manifest, vendor=connection.vendor)
    database_file = source / manifest["database"]["file"]
    if connection.vendor == "postgresql":
        _restore_postgresql(connection, database_file)
    else:
        _restore_sqlite(connection, database_file)
    ContentType.objects.clear_cache()
    expected = manifest["database"]["tables"]
    found = row_counts(using)
    wrong = {
        table: (count, found.get(table))
        for table, count in expected.items()
        if found.get(table) != count
    }
    if wrong:
        lines = "\n".join(
            f"  {table}: {count} in the backup, {now} after restoring"
            for table, (count, now) in sorted(wrong.items())
        )
        raise BackupError(f"The restored row counts differ from the backup's:\n{lines}")
    files = _unpack_media(storage, source / manifest["media"]["file"])
    # Cached pages (the portal's, the verification page's) describe the data
    # that was just replaced.
    cache.clear()
    return {**manifest, "restored_files": files}
