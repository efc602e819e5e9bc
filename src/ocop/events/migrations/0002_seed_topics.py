"""The topics provinces list for OCOP training and publicity (managed
afterwards by administrators on the topics page)."""

from django.db import migrations

from ocop.events.domain.topics import seed_topics


def seed(apps, schema_editor):
    seed_topics(topic_model=apps.get_model("events", "Topic"))


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
