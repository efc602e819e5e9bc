"""Certified products (certificates in force) and the year's changes.

The rows counted are the certificates of the certificate list
(``certification:certificates``) with the same filters
(``certification.domain.figures``): in force on the day counted (the live
status — a date passed reads as expired before the nightly job), or changed
(new, renewed, upgraded, expired, revoked) in a period. One certificate is in
force per product (a renewal or an upgrade supersedes the older one), so the
count of certificates in force is the count of certified products.

The counts read the summary table ``CertificateFact`` (one narrow row per
certificate, refreshed on change: ``refresh.py``) with the same rules as the
list's filters; ``tests/stats`` checks every cell against the list."""

from datetime import date, timedelta

from django.db.models import Count, Q

from ocop.certification.domain.figures import CHANGES, IN_FORCE
from ocop.geo.models import AdminUnit
from ocop.products.enums import CategoryLevel
from ocop.products.forms import CURRENT_BASIS
from ocop.products.models import ProductCategory

from ..models import CertificateFact
from .figures import Breakdown, Figure, iso, resolve_as_of, unit_filter, unit_params

LIST = "certification:certificates"

# Dimension → (the column counted on, the list filter's parameter).
DIMENSIONS = {
    "star": ("star", "star"),
    "group": ("group_code", "group"),
    "category": ("category_id", "category"),
    "province": ("province_id", "province"),
    "commune": ("commune_id", "commune"),
    "legal_form": ("legal_form", "legal_form"),
}


def in_force_q(*, on: date, today: date) -> Q:
    """``certification.domain.figures.in_force_q`` on the facts."""
    if on >= today:
        return Q(stored_valid=True, valid_until__gte=on)
    recognised = Q(recognised_on__lte=on) | Q(recognised_on__isnull=True)
    not_ended = Q(ended_on__isnull=True) | Q(ended_on__gt=on)
    return recognised & Q(valid_until__gte=on) & not_ended


def change_q(change: str, *, start: date, end: date) -> Q:
    """``certification.domain.figures.filter_change`` on the facts."""
    if change == "revoked":
        return Q(revoked_on__gte=start, revoked_on__lte=end)
    if change == "expired":
        return Q(lapses=True, valid_until__gte=start - timedelta(days=1), valid_until__lt=end)
    return Q(change=change, recognised_on__gte=start, recognised_on__lte=end)


def _unit_filter(unit) -> dict:
    return {f"{name}_id": unit.pk for name in unit_filter(unit)} if unit is not None else {}


def _groups() -> dict[str, int]:
    """Group code → the id of the current basis's group (the list's filter)."""
    return dict(
        ProductCategory.objects.filter(
            level=CategoryLevel.GROUP, legal_basis=CURRENT_BASIS
        ).values_list("code", "pk")
    )


def _cell_params(base_params, by, key, groups) -> dict:
    params = dict(base_params)
    for dimension, value in zip(by, key, strict=True):
        if dimension == "group":
            value = groups.get(value)
        if value is not None and value != "":
            params[DIMENSIONS[dimension][1]] = str(value)
    return params


def _breakdown(queryset, *, by, base_params, as_of) -> Breakdown:
    for dimension in by:
        if dimension not in DIMENSIONS:
            raise ValueError(f"Unknown dimension {dimension!r}: {sorted(DIMENSIONS)}")
    columns = [DIMENSIONS[d][0] for d in by]
    cells: dict[tuple, Figure] = {}
    total = 0
    groups = _groups() if "group" in by else {}
    rows = queryset.order_by().values(*columns).annotate(n=Count("pk")) if by else []
    for row in rows:
        key = tuple(row[c] for c in columns)
        cells[key] = Figure(row["n"], LIST, _cell_params(base_params, by, key, groups))
        total += row["n"]
    if not by:
        total = queryset.count()
    return Breakdown(
        by=tuple(by),
        total=Figure(total, LIST, dict(base_params)),
        cells=cells,
        as_of=as_of,
        param_names=tuple(DIMENSIONS[d][1] for d in by),
        param_values={"group": groups} if groups else {},
    )


def certified_products(
    *, unit: AdminUnit | None = None, as_of: date | None = None, by: tuple[str, ...] = ("star",)
) -> Breakdown:
    """Certificates in force on ``as_of`` (None = today) in the unit (None =
    the nation), counted by ``by`` (any of ``DIMENSIONS``). One query."""
    day, today = resolve_as_of(as_of)
    queryset = CertificateFact.objects.filter(in_force_q(on=day, today=today), **_unit_filter(unit))
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
    query (a conditional count per change)."""
    day, _today = resolve_as_of(as_of)
    end = min(end, day)
    if end < start:
        raise ValueError("The day counted (as_of) is before the period's start.")
    base = CertificateFact.objects.filter(**_unit_filter(unit))
    conditions = {change: change_q(change, start=start, end=end) for change in CHANGES}
    any_change = Q(pk__in=[])
    for condition in conditions.values():
        any_change |= condition
    columns = [DIMENSIONS[d][0] for d in by]
    counts = {name: Count("pk", filter=condition) for name, condition in conditions.items()}
    changed = base.filter(any_change).order_by()
    if columns:
        rows = list(changed.values(*columns).annotate(**counts))
    else:
        rows = [changed.aggregate(**counts)]
    groups = _groups() if "group" in by else {}
    result = {}
    for change in CHANGES:
        params = {"change": change, "start": iso(start), "end": iso(end), **unit_params(unit)}
        cells = {}
        for row in rows:
            if row[change]:
                key = tuple(row[c] for c in columns)
                cells[key] = Figure(row[change], LIST, _cell_params(params, by, key, groups))
        total = sum(row[change] for row in rows)
        result[change] = Breakdown(
            by=tuple(by),
            total=Figure(total, LIST, params),
            cells=cells,
            as_of=day,
            param_names=tuple(DIMENSIONS[d][1] for d in by),
            param_values={"group": groups} if groups else {},
        )
    return result
