"""Trigram indexes for the accent-folded search columns, on PostgreSQL only.

Search filters with ``search_text LIKE '%word%'``; a GIN trigram index lets
PostgreSQL answer that without scanning the table. SQLite needs nothing (the
embedded default serves one province)."""

from django.db import migrations

TABLES = [
    ("products_product", "products_product_search_trgm"),
    ("producers_subject", "producers_subject_search_trgm"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, index in TABLES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING gin (search_text gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _, index in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [
        ("products", "0002_import_batch"),
        ("producers", "0001_initial"),
    ]
    operations = [migrations.RunPython(create, drop)]
