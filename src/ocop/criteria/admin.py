"""Criteria in the Django admin: read-only. Sheets and ranking rules change
only by loading a file (``manage.py load_criteria``), which versions a sheet
that has been used in a scoring instead of editing it."""

from django.contrib import admin

from ocop.core.admin import ReadOnlyAdminMixin

from .models import (
    Criterion,
    LegalBasis,
    Option,
    Part,
    RecognitionRule,
    Section,
    Sheet,
    StarBand,
    StarCondition,
)


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    show_change_link = False


class StarBandInline(ReadOnlyInline):
    model = StarBand


class RecognitionRuleInline(ReadOnlyInline):
    model = RecognitionRule


@admin.register(LegalBasis)
class LegalBasisAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "title", "effective_from", "effective_to", "min_recognised_star"]
    inlines = [StarBandInline, RecognitionRuleInline]


class PartInline(ReadOnlyInline):
    model = Part
    fields = ["order", "code", "title", "max_points"]


class SectionInline(ReadOnlyInline):
    model = Section
    fields = ["order", "code", "title", "part", "parent", "max_points"]


class StarConditionInline(ReadOnlyInline):
    model = StarCondition
    fields = ["order", "code", "kind", "star", "criterion", "option_codes", "min_points"]


@admin.register(Sheet)
class SheetAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "version",
        "title",
        "legal_basis",
        "product_set",
        "status",
        "retired",
        "superseded_by",
        "loaded_at",
    ]
    list_filter = ["legal_basis", "status", "retired"]
    search_fields = ["code", "title"]
    list_select_related = ["legal_basis", "product_set", "superseded_by"]
    inlines = [PartInline, SectionInline, StarConditionInline]


class OptionInline(ReadOnlyInline):
    model = Option
    fields = ["order", "code", "text", "points", "stars"]


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "text", "sheet", "max_points", "kind", "commune_assessed"]
    list_filter = ["kind", "commune_assessed"]
    search_fields = ["code", "text", "sheet__code"]
    list_select_related = ["sheet"]
    inlines = [OptionInline]
