"""On PostgreSQL, compare the folded search columns byte-wise (COLLATE "C").

``search_text`` holds accent-folded lower-case ASCII, so the "C" order equals
the linguistic order while sorting and indexing are much cheaper; lists are
ordered by it. The Django field is unchanged (SQLite compares byte-wise
already)."""

from django.db import migrations

COLUMNS = [("products_product", 600), ("producers_subject", 600)]


def to_c(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, length in COLUMNS:
        schema_editor.execute(
            f'ALTER TABLE {table} ALTER COLUMN search_text TYPE varchar({length}) COLLATE "C"'
        )


def to_default(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, length in COLUMNS:
        schema_editor.execute(
            f"ALTER TABLE {table} ALTER COLUMN search_text TYPE varchar({length}) "
            'COLLATE pg_catalog."default"'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("products", "0004_list_order_indexes"),
        ("producers", "0003_list_order_indexes"),
    ]
    operations = [migrations.RunPython(to_c, to_default)]
