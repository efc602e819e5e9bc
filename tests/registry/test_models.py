"""The import records moved from products to registry without touching their
table, and the log entries about them follow them."""

from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from ocop.core.domain.activity import history_for
from ocop.core.models import ActivityLog
from ocop.registry.models import ImportBatch

pytestmark = pytest.mark.django_db


def test_the_table_keeps_its_name():
    assert ImportBatch._meta.db_table == "products_importbatch"
    assert ImportBatch._meta.app_label == "registry"


def test_the_migration_moves_the_content_type_so_log_entries_follow(province_officer):
    migration = import_module("ocop.registry.migrations.0001_initial")
    batch = ImportBatch.objects.create(original_name="ds.xlsx", file="imports/x.xlsx")
    # A database from before the move: the content type says "products".
    ContentType.objects.filter(app_label="registry", model="importbatch").delete()
    ContentType.objects.clear_cache()
    old = ContentType.objects.create(app_label="products", model="importbatch")
    ActivityLog.objects.create(
        action="ocop.import.applied",
        actor=province_officer,
        content_type=old,
        object_id=str(batch.pk),
    )
    migration.move_content_type(apps, None)
    ContentType.objects.clear_cache()
    old.refresh_from_db()
    assert (old.app_label, old.model) == ("registry", "importbatch")
    assert ContentType.objects.get_for_model(ImportBatch) == old
    assert [e.action for e in history_for(batch)] == ["ocop.import.applied"]
