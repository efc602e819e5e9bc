"""Bulk loading into PostgreSQL for the national data generator.

``Loader.copy(Model, rows)`` streams dictionaries (attribute names → values)
through ``COPY … FROM STDIN``. Every concrete column is written: a value
missing from a row takes the field's Python default, ``now`` for
``auto_now``/``auto_now_add`` fields, NULL for nullable fields and "" for
blank text; anything else missing is an error, so a model change that adds
a required field fails loudly here instead of loading half a row.

``Loader.bare(*models)`` drops the secondary indexes and unique constraints
of big tables while they are loaded and builds them again afterwards (one
sort per index instead of millions of B-tree insertions). Foreign keys are
not checked during the load (``session_replication_role = replica``, which
needs a superuser; the generator writes consistent keys by construction), so
the deferred-trigger queue does not grow with the rows.
"""

import json
import time
from collections.abc import Iterable
from contextlib import contextmanager

from django.db import connection, models
from django.utils import timezone

_MISSING = object()


class Loader:
    def __init__(self, *, verbose: bool = True):
        self.now = timezone.now()
        self.verbose = verbose
        self.loaded: dict[str, int] = {}
        self._plans: dict[type, list] = {}

    def _plan(self, model) -> list:
        if model in self._plans:
            return self._plans[model]
        plan = []
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                default = self.now
            elif field.has_default():
                default = field.get_default()
            elif field.null:
                default = None
            elif field.blank and isinstance(field, (models.CharField, models.TextField)):
                default = ""
            else:
                default = _MISSING
            plan.append((field.attname, field.column, default, isinstance(field, models.JSONField)))
        self._plans[model] = plan
        return plan

    def copy(self, model, rows: Iterable[dict]) -> int:
        plan = self._plan(model)
        table = model._meta.db_table
        columns = ", ".join(f'"{column}"' for _, column, _, _ in plan)
        count = 0
        start = time.perf_counter()
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                for row in rows:
                    values = []
                    for attname, _, default, is_json in plan:
                        value = row.get(attname, default)
                        if value is _MISSING:
                            raise KeyError(f"{table}.{attname} has no value and no default")
                        if is_json and value is not None:
                            value = json.dumps(value, ensure_ascii=False)
                        values.append(value)
                    copy.write_row(values)
                    count += 1
        self.loaded[table] = self.loaded.get(table, 0) + count
        if self.verbose:
            print(f"  {table:<34} {count:>11,} rows in {time.perf_counter() - start:6.1f} s")
        return count

    @staticmethod
    def reset_sequences(*models_) -> None:
        with connection.cursor() as cursor:
            for model in models_:
                table = model._meta.db_table
                pk = model._meta.pk
                serial = isinstance(pk, (models.AutoField, models.BigAutoField))
                if pk.column != "id" or not model._meta.managed or not serial:
                    continue
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f'COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)'
                )

    @contextmanager
    def bare(self, *models_):
        """Load ``models_`` without their secondary indexes and unique
        constraints; build them again on the way out (not after an error:
        a failed load leaves a database to drop, or a test transaction to
        roll back)."""
        saved = []
        with connection.cursor() as cursor:
            for model in models_:
                table = model._meta.db_table
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'u'",
                    [table],
                )
                constraints = cursor.fetchall()
                for name, _ in constraints:
                    cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
                cursor.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                    "AND indexname NOT IN (SELECT conname FROM pg_constraint "
                    "WHERE conrelid = %s::regclass)",
                    [table, table],
                )
                indexes = cursor.fetchall()
                for name, _ in indexes:
                    cursor.execute(f'DROP INDEX "{name}"')
                saved.append((table, constraints, indexes))
        yield
        start = time.perf_counter()
        with connection.cursor() as cursor:
            for table, constraints, indexes in saved:
                for name, definition in constraints:
                    cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
                for _, definition in indexes:
                    cursor.execute(definition)
        if self.verbose:
            tables = ", ".join(table for table, _, _ in saved)
            print(f"  indexes of {tables} built in {time.perf_counter() - start:.1f} s")


@contextmanager
def fast_session():
    """Session settings for a bulk load (PostgreSQL superuser)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET max_parallel_maintenance_workers = 2")
        if superuser:  # otherwise the foreign keys are checked (slower, same result)
            cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if superuser:
                cursor.execute("SET session_replication_role = origin")
            cursor.execute("RESET synchronous_commit")
            cursor.execute("RESET maintenance_work_mem")
