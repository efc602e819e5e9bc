"""Reads of administrative units: current units, search, old → new resolution."""

from django.db.models import Case, Q, Value, When

from ocop.core.text import fold_vi
from ocop.geo.enums import Era, Level
from ocop.geo.models import AdminUnit


def current_units():
    return AdminUnit.objects.filter(era=Era.CURRENT).select_related("parent")


def current_provinces():
    return AdminUnit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE).order_by("code")


def search_units(
    query: str,
    *,
    levels=(Level.PROVINCE, Level.COMMUNE),
    era: str = Era.CURRENT,
    province_ids=None,
    limit: int = 20,
):
    """Accent-insensitive search ("thanh hoa", "hoang hoa") over unit names.

    Every word of the query must appear as a whole word in the unit's folded
    name or its parents' names (the last word may be a prefix, for typing),
    so "hoang hoa thanh hoa" finds the commune in Thanh Hóa. Units whose
    name holds the query as a phrase come first, provinces before communes.
    """
    folded = fold_vi(query)
    words = folded.split()
    qs = AdminUnit.objects.filter(era=era, level__in=levels).select_related("parent")
    if not words:
        return qs.none()
    if province_ids is not None:
        qs = qs.filter(Q(province__in=province_ids) | Q(successor_province__in=province_ids))
    for word in words[:-1]:
        qs = qs.filter(search_text__contains=f" {word} ")
    qs = qs.filter(search_text__contains=f" {words[-1]}")
    rank = Case(
        When(search_text__contains=f" {folded} ", then=Value(0)),
        When(search_text__contains=f" {folded}", then=Value(1)),
        default=Value(2),
    )
    level_rank = Case(
        When(level=Level.PROVINCE, then=Value(0)),
        When(level=Level.DISTRICT, then=Value(1)),
        default=Value(2),
    )
    return qs.annotate(rank=rank, level_rank=level_rank).order_by("rank", "level_rank", "code")[
        :limit
    ]


def resolve_to_current(unit: AdminUnit) -> tuple[AdminUnit | None, AdminUnit | None]:
    """(2025 province, 2025 commune or None) for any unit, legacy or current."""
    return unit.current_province, unit.current_commune
