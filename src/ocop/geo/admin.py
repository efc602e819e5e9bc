from django.contrib import admin

from ocop.core.admin import ReadOnlyAdminMixin

from .models import AdminUnit


@admin.register(AdminUnit)
class AdminUnitAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Reference data from `manage.py load_admin_units`: read-only here."""

    list_display = ["code", "full_name", "level", "era", "province", "successor_province"]
    list_filter = ["era", "level"]
    search_fields = ["code", "search_text"]
    list_select_related = ["province", "successor_province"]
