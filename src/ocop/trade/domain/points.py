"""Points of sale: registered, edited and removed by the officers of the
commune they lie in (or its province, or the central office). Every change
is logged with the point's data."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ocop.core.domain.activity import log_action
from ocop.geo.enums import Level

from .. import rules
from ..enums import PointKind
from ..models import PointOfSale

POINT_FIELDS = (
    "name",
    "kind",
    "commune",
    "address",
    "latitude",
    "longitude",
    "opening_hours",
    "operator",
    "phone",
    "email",
    "website",
    "since",
    "until",
)
# Vietnam with its islands (Hoàng Sa, Trường Sa): a point outside is a typo
# (latitude and longitude swapped, a minus sign, a degree-minute value).
LATITUDE_RANGE = (Decimal(6), Decimal(24))
LONGITUDE_RANGE = (Decimal(102), Decimal(118))


def _text(value) -> str:
    return " ".join(str(value or "").split())


def point_data(point: PointOfSale) -> dict:
    return {
        "name": point.name,
        "kind": point.kind,
        "commune": point.commune_id,
        "address": point.address,
        "latitude": None if point.latitude is None else str(point.latitude),
        "longitude": None if point.longitude is None else str(point.longitude),
        "opening_hours": point.opening_hours,
        "operator": point.operator,
        "phone": point.phone,
        "email": point.email,
        "website": point.website,
        "since": point.since.isoformat() if point.since else None,
        "until": point.until.isoformat() if point.until else None,
        "products": sorted(point.products.values_list("pk", flat=True)) if point.pk else [],
    }


def _check(values: dict) -> None:
    errors: dict[str, list[str]] = {}
    if not values.get("name"):
        errors["name"] = [_("Give the name of the point of sale.")]
    if values.get("kind") not in PointKind.values:
        errors["kind"] = [_("Choose the type of point of sale.")]
    commune = values.get("commune")
    if commune is None or commune.level != Level.COMMUNE or not commune.is_current:
        errors["commune"] = [_("Choose a commune or ward (as of 1 July 2025).")]
    lat, lon = values.get("latitude"), values.get("longitude")
    if (lat is None) != (lon is None):
        field = "longitude" if lon is None else "latitude"
        errors[field] = [_("Give both the latitude and the longitude, or neither.")]
    elif lat is not None:
        if not LATITUDE_RANGE[0] <= lat <= LATITUDE_RANGE[1]:
            errors["latitude"] = [
                _("The latitude must lie in Vietnam (between 6 and 24), e.g. 19.807.")
            ]
        if not LONGITUDE_RANGE[0] <= lon <= LONGITUDE_RANGE[1]:
            errors["longitude"] = [
                _("The longitude must lie in Vietnam (between 102 and 118), e.g. 105.776.")
            ]
    since, until = values.get("since"), values.get("until")
    if since is None:
        errors["since"] = [_("Give the date it opened.")]
    elif until is not None and until < since:
        errors["until"] = [_("The closing date cannot be before the opening date.")]
    if errors:
        raise ValidationError(errors)


def _clean(fields: dict) -> dict:
    values = {name: fields.get(name) for name in POINT_FIELDS}
    for name in ("name", "address", "opening_hours", "operator", "phone", "email", "website"):
        values[name] = _text(values[name])
    _check(values)
    return values


@transaction.atomic
def create_point(*, by, products=(), **fields) -> PointOfSale:
    """Register a point of sale in a commune the officer manages."""
    values = _clean(fields)
    if not rules.can_manage_points_of(by, values["commune"]):
        raise PermissionDenied(_("You may only register points of sale in your own unit."))
    point = PointOfSale(**values, created_by=by)
    point.save()
    point.products.set(products)
    log_action(
        action="ocop.point_of_sale.created",
        by=by,
        obj=point,
        unit=point.commune,
        data=point_data(point),
    )
    return point


@transaction.atomic
def update_point(*, point: PointOfSale, by, products=(), **fields) -> PointOfSale:
    """Change a point of sale (also moving it to another commune of the
    officer's units); the log keeps the old and the new data."""
    point = PointOfSale.objects.select_for_update().get(pk=point.pk)
    if not rules.can_manage_point(by, point):
        raise PermissionDenied(_("You may only change points of sale of your own unit."))
    values = _clean(fields)
    if not rules.can_manage_points_of(by, values["commune"]):
        raise PermissionDenied(_("You may only move a point of sale to a commune of your unit."))
    before = point_data(point)
    for name, value in values.items():
        setattr(point, name, value)
    point.save()
    point.products.set(products)
    log_action(
        action="ocop.point_of_sale.changed",
        by=by,
        obj=point,
        unit=point.commune,
        data={"before": before, "after": point_data(point)},
    )
    return point


@transaction.atomic
def remove_point(*, point: PointOfSale, by) -> None:
    """Remove a point registered by mistake (a closed one gets a closing
    date instead); its data stays in the activity log."""
    point = PointOfSale.objects.select_for_update().get(pk=point.pk)
    if not rules.can_manage_point(by, point):
        raise PermissionDenied(_("You may only remove points of sale of your own unit."))
    log_action(
        action="ocop.point_of_sale.removed",
        by=by,
        obj=point,
        unit=point.commune,
        data={"id": point.pk, **point_data(point)},
    )
    point.delete()
