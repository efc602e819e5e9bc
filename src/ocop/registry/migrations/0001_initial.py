import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import ocop.registry.models


def move_content_type(apps, schema_editor):
    """Activity-log entries about an import point at its content type: keep
    them pointing at the same model under its new app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="registry", model="importbatch").exists():
        ContentType.objects.filter(app_label="products", model="importbatch").update(
            app_label="registry"
        )


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="products", model="importbatch").exists():
        ContentType.objects.filter(app_label="registry", model="importbatch").update(
            app_label="products"
        )


class Migration(migrations.Migration):
    """The import records (``ImportBatch``) move here from ``products``
    without touching their table (``products_importbatch``)."""

    initial = True

    dependencies = [
        ("geo", "0001_initial"),
        ("products", "0007_importbatch_moved_to_registry"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ImportBatch",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("original_name", models.CharField(max_length=255)),
                        (
                            "file",
                            models.FileField(upload_to=ocop.registry.models.import_file_path),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("uploaded", "uploaded"),
                                    ("checked", "checked"),
                                    ("applied", "applied"),
                                ],
                                default="uploaded",
                                max_length=20,
                            ),
                        ),
                        ("mapping", models.JSONField(blank=True, default=dict)),
                        ("summary", models.JSONField(blank=True, default=dict)),
                        ("problems", models.JSONField(blank=True, default=list)),
                        ("applied_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "created_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "province",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="geo.adminunit",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "product import",
                        "verbose_name_plural": "product imports",
                        "db_table": "products_importbatch",
                        "ordering": ["-created_at"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
