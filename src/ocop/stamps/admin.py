"""Stamps in the Django admin: read-only. Batches change state, serials are
allocated and stamps voided only through ``stamps.domain`` (with the checks
and the activity log), never by hand."""

from django.contrib import admin

from ocop.core.admin import ReadOnlyAdminMixin

from .models import LabelSheet, SerialCounter, Stamp, StampBatch


@admin.register(SerialCounter)
class SerialCounterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["series", "next_number"]


@admin.register(StampBatch)
class StampBatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "product", "quantity", "state", "series", "first_number", "last_number"]
    list_filter = ["state"]
    list_select_related = ["product"]
    search_fields = ["product__name"]
    raw_id_fields = ["product", "certificate", "production_batch", "requested_by", "decided_by"]


@admin.register(Stamp)
class StampAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["serial", "batch", "state", "scan_count", "first_scan_at", "flagged_at"]
    list_filter = ["state"]
    search_fields = ["serial"]
    raw_id_fields = ["batch", "voided_by"]


@admin.register(LabelSheet)
class LabelSheetAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["batch", "state", "done", "total", "requested_at", "finished_at"]
    list_filter = ["state"]
