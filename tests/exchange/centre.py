"""A second database, the centre's, beside the test database (the
province's): an SQLite file copied from the test database with SQLite's
backup API before the test writes anything (so it holds the units, product
sets and rules), or a new PostgreSQL database migrated and loaded like a new
instance. The centre is driven through ``manage.py`` in a child process, as
an operator would, so nothing of the province's connection is shared."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


class Centre:
    def __init__(self, *, url: str, keys: str):
        self.url = url
        self.env = dict(
            os.environ,
            DATABASE_URL=url,
            DJANGO_SETTINGS_MODULE="ocop.settings.test",
            OCOP_EXCHANGE_KEYS=keys,
            OCOP_EXCHANGE_KEY="",
        )

    def manage(self, *args, check=True) -> subprocess.CompletedProcess:
        result = subprocess.run(  # noqa: S603 -- our own manage.py
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}")
        return result

    def python(self, code: str) -> str:
        return self.manage("shell", "-v", "0", "-c", code).stdout.strip()


def _pg_admin():
    s = connection.settings_dict
    return psycopg.connect(
        dbname="postgres",
        user=s["USER"],
        password=s["PASSWORD"],
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        autocommit=True,
    )


def copy_sqlite(path: Path) -> None:
    """Copy the test database (units, product sets, rules; no test rows) to
    ``path``; called outside any test's transaction."""
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()


def open_centre(tmp_path: Path, *, keys: str, seed: Path | None):
    """The centre (a context manager: a PostgreSQL database is dropped after);
    on SQLite a copy of ``seed`` (``copy_sqlite``)."""
    if connection.vendor == "sqlite":
        path = tmp_path / "centre.sqlite3"
        path.write_bytes(seed.read_bytes())
        return _Kept(Centre(url=f"sqlite:///{path}", keys=keys))
    s = connection.settings_dict
    name = f"{s['NAME']}_centre"
    with _pg_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = (
        f"postgres://{quote(s['USER'])}:{quote(s['PASSWORD'] or '')}@"
        f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"
    )
    centre = Centre(url=url, keys=keys)
    centre.manage("migrate", "-v0")
    for command in ("load_admin_units", "load_product_categories", "load_certification_rules"):
        centre.manage(command, "-v0")
    return _Dropped(centre, name)


class _Kept:
    def __init__(self, centre):
        self.centre = centre

    def __enter__(self):
        return self.centre

    def __exit__(self, *exc):
        return False


class _Dropped(_Kept):
    def __init__(self, centre, name):
        super().__init__(centre)
        self.name = name

    def __exit__(self, *exc):
        with _pg_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        return False
