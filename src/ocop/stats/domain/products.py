"""Certified products (certificates in force) and the year's changes.

The rows counted are the certificates of the certificate list
(``certification:certificates``) with the same filters
(``certification.domain.figures``): in force on the day counted (the live
status — a date passed reads as expired before the nightly job), or changed
(new, renewed, upgraded, expired, revoked) in a period. One certificate is in
force per product (a renewal or an upgrade supersedes the older one), so the
count of certificates in force is the count of certified products."""

from datetime import date

from django.db.models import Count

from ocop.certification.domain.figures import CHANGES, IN_FORCE, filter_change, in_force_q
from ocop.certification.models import Certificate
from ocop.geo.models import AdminUnit
from ocop.products.enums import CategoryLevel
from ocop.products.forms import CURRENT_BASIS
from ocop.products.models import ProductCategory

from .figures import Breakdown, Figure, iso, resolve_as_of, unit_filter, unit_params

LIST = "certification:certificates"

# Dimension → (the column counted on, the list filter's parameter).
DIMENSIONS = {
    "star": ("star", "star"),
    "group": ("product__group_code", "group"),
    "category": ("product__category_id", "category"),
    "province": ("product__province_id", "province"),
    "commune": ("product__commune_id", "commune"),
    "legal_form": ("product__subject__legal_form", "legal_form"),
}


def _groups() -> dict[str, int]:
    """Group code → the id of the current basis's group (the list's filter)."""
    return dict(
        ProductCategory.objects.filter(
            level=CategoryLevel.GROUP, legal_basis=CURRENT_BASIS
        ).values_list("code", "pk")
    )


def _breakdown(queryset, *, by, base_params, as_of) -> Breakdown:
    for dimension in by:
        if dimension not in DIMENSIONS:
            raise ValueError(f"Unknown dimension {dimension!r}: {sorted(DIMENSIONS)}")
    columns = [DIMENSIONS[d][0] for d in by]
    cells: dict[tuple, Figure] = {}
    total = 0
    groups = _groups() if "group" in by else {}
    rows = queryset.order_by().values(*columns).annotate(n=Count("id")) if by else []
    for row in rows:
        key = tuple(row[c] for c in columns)
        params = dict(base_params)
        for dimension, value in zip(by, key, strict=True):
            if dimension == "group":
                value = groups.get(value)
            if value is not None and value != "":
                params[DIMENSIONS[dimension][1]] = str(value)
        cells[key] = Figure(row["n"], LIST, params)
        total += row["n"]
    if not by:
        total = queryset.count()
    return Breakdown(
        by=tuple(by), total=Figure(total, LIST, dict(base_params)), cells=cells, as_of=as_of
    )


def certified_products(
    *, unit: AdminUnit | None = None, as_of: date | None = None, by: tuple[str, ...] = ("star",)
) -> Breakdown:
    """Certificates in force on ``as_of`` (None = today) in the unit (None =
    the nation), counted by ``by`` (any of ``DIMENSIONS``). One query."""
    day, today = resolve_as_of(as_of)
    queryset = Certificate.objects.filter(
        in_force_q(on=day, today=today), **unit_filter(unit, prefix="product__")
    )
    params = {"status": IN_FORCE, **unit_params(unit)}
    if as_of is not None:
        params["on"] = iso(day)
    return _breakdown(queryset, by=by, base_params=params, as_of=day)


def certificate_changes(
    *,
    unit: AdminUnit | None = None,
    start: date,
    end: date,
    as_of: date | None = None,
    by: tuple[str, ...] = (),
) -> dict[str, Breakdown]:
    """What happened in [start, end] (cut at ``as_of``): ``{change: Breakdown}``
    for each of ``CHANGES`` (new, renewed, upgraded, expired, revoked). One
    query per change."""
    day, _today = resolve_as_of(as_of)
    end = min(end, day)
    if end < start:
        raise ValueError("The day counted (as_of) is before the period's start.")
    base = Certificate.objects.filter(**unit_filter(unit, prefix="product__"))
    result = {}
    for change in CHANGES:
        params = {"change": change, "start": iso(start), "end": iso(end), **unit_params(unit)}
        queryset = filter_change(base, change, start=start, end=end)
        result[change] = _breakdown(queryset, by=by, base_params=params, as_of=day)
    return result
