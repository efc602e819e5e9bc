import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("traceability", "0003_fill_public_ids"),
    ]

    operations = [
        migrations.AlterField(
            model_name="productionbatch",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="traceevent",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
