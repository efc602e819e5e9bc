from django.contrib import admin

from .models import ActivityLog, CalendarDay, PeriodicRun


class ReadOnlyAdminMixin:
    """Records that the application never edits by hand (logs, reference data)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name", "legal_basis"]
    list_filter = ["kind"]
    date_hierarchy = "date"


@admin.register(ActivityLog)
class ActivityLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the activity log cannot be edited or deleted."""

    list_display = ["at", "action", "actor", "object_repr", "unit"]
    list_filter = ["action"]
    search_fields = ["action", "object_repr"]
    list_select_related = ["actor", "unit"]


@admin.register(PeriodicRun)
class PeriodicRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: when each periodic job last ran, succeeded and failed (and why)."""

    list_display = ["name", "last_run", "last_success", "last_error_at", "last_error"]
    search_fields = ["name"]
