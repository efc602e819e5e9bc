from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .forms import AdminLoginForm
from .models import Organisation, RoleAssignment, User

# The admin's login counts failed attempts and locks out like the site's own.
admin.site.login_form = AdminLoginForm


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    raw_id_fields = ["unit", "subject"]
    readonly_fields = ["created_by", "created_at"]


@admin.register(User)
class OcopUserAdmin(UserAdmin):
    list_display = ["username", "full_name", "email", "is_active"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = (
        *UserAdmin.fieldsets,
        ("OCOP", {"fields": ("full_name", "phone", "organisation")}),
    )
    inlines = [RoleAssignmentInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "unit"]
    raw_id_fields = ["unit"]
