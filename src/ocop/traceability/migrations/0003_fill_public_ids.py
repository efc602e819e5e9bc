# Gives every existing batch and event its own public id (step 2 of adding a
# unique field to a table with rows, as the Django documentation describes).

import uuid

from django.db import migrations


def fill_public_ids(apps, schema_editor):
    for name in ("ProductionBatch", "TraceEvent"):
        model = apps.get_model("traceability", name)
        for row in model.objects.filter(public_id__isnull=True).only("pk"):
            row.public_id = uuid.uuid4()
            row.save(update_fields=["public_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("traceability", "0002_public_ids_and_corrections"),
    ]

    operations = [
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
    ]
