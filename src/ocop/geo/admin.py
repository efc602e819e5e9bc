from django.contrib import admin

from .models import AdminUnit


@admin.register(AdminUnit)
class AdminUnitAdmin(admin.ModelAdmin):
    """Reference data from `manage.py load_admin_units`: read-only here."""

    list_display = ["code", "full_name", "level", "era", "province", "successor_province"]
    list_filter = ["era", "level"]
    search_fields = ["code", "search_text"]
    list_select_related = ["province", "successor_province"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
