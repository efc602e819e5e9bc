from django.db import migrations


class Migration(migrations.Migration):
    """The import records move to the registry app (registry 0001): the model
    leaves this app's state; its table stays as it is."""

    dependencies = [
        ("products", "0006_national_filter_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ImportBatch")],
            database_operations=[],
        ),
    ]
