"""Public API: stamp verification, points of sale and listings, the public
events calendar and the statistics of the dashboards.

A verification asked here gives the verdict of the public verification page
(``stamps.domain.verify``), under the same per-client limit as the page
(``OCOP_VERIFY_RATE_LIMIT``); it is not a consumer's scan (no scan is logged,
the stamp's scan count and the clone check are left alone) and is counted
apart, per day, as ``api.verify`` (``core.counters``)."""

from datetime import date, time

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from ocop.core.clients import client_key
from ocop.core.counters import count
from ocop.core.ratelimit import allow
from ocop.events.domain.queries import public_calendar
from ocop.geo.enums import Level
from ocop.geo.models import AdminUnit
from ocop.stamps.domain import verify as verifying
from ocop.stats.domain.products import certificate_changes, certified_products
from ocop.trade.domain.queries import open_points
from ocop.trade.domain.queries import public_products as products_in_force
from ocop.trade.enums import LinkState
from ocop.trade.models import Listing

from .common import Page, code_of, name_of, unit
from .paging import PageQuery, page

router = Router(tags=["public: verification, trade, events, statistics"])
VERIFY_COUNTER = "api.verify"


class VerifiedProduct(Schema):
    id: int
    name: str
    gtin: str
    subject_name: str
    commune_name: str
    province_name: str


class VerifiedCertificate(Schema):
    number: str
    star: int
    decision_number: str
    decision_date: date | None
    valid_until: date | None
    live_status: str


class VerifiedStamp(Schema):
    serial: str
    state: str


class VerificationOut(Schema):
    outcome: str
    outcome_label: str
    in_force: bool
    stamp: VerifiedStamp | None
    product: VerifiedProduct | None
    certificate: VerifiedCertificate | None
    revoked_on: date | None


def _verification_out(result) -> dict:
    product, certificate, stamp = result.product, result.certificate, result.stamp
    return {
        "outcome": str(result.outcome),
        "outcome_label": str(result.outcome.label),
        "in_force": result.in_force,
        "stamp": {"serial": stamp.serial, "state": stamp.state} if stamp else None,
        "product": {
            "id": product.id,
            "name": product.name,
            "gtin": product.gtin,
            "subject_name": product.subject_name,
            "commune_name": product.commune_name,
            "province_name": product.province_name,
        }
        if product
        else None,
        "certificate": {
            "number": certificate.number,
            "star": certificate.star,
            "decision_number": certificate.decision_number,
            "decision_date": certificate.decision_date,
            "valid_until": certificate.valid_until,
            "live_status": str(result.outcome),
        }
        if certificate
        else None,
        "revoked_on": result.revoked_on,
    }


@router.get(
    "/verify",
    response=VerificationOut,
    auth=None,
    summary="Verify a stamp by its token (QR code) or its printed serial",
)
def verify(
    request,
    token: str = Query("", max_length=64, description="The token of the stamp's QR code."),
    serial: str = Query("", max_length=40, description="The serial printed under the QR code."),
):
    """The verdict of the public verification page (``outcome``: valid,
    expiring, expired, revoked, superseded, undetermined, voided, unknown).
    Give exactly one of ``token`` and ``serial``. Shares the page's limit
    per client; not counted as a consumer's scan."""
    token, serial = token.strip(), serial.strip()
    if bool(token) == bool(serial):
        raise HttpError(422, _("Give either the stamp's token or its serial."))
    if not allow(f"verify:{client_key(request)}", limit=settings.OCOP_VERIFY_RATE_LIMIT):
        raise HttpError(429, _("Too many requests: wait a minute and try again."))
    today = timezone.localdate()
    if token:
        result = verifying.verify(f"s/{token}", today=today)
    else:
        result = verifying.verify_serial(serial, today=today)  # ValidationError → 422
    count(VERIFY_COUNTER)
    return _verification_out(result)


class PointOut(Schema):
    id: int
    name: str
    kind: str
    commune_code: str | None
    commune_name: str | None
    province_code: str | None
    address: str
    latitude: float | None
    longitude: float | None
    opening_hours: str
    operator: str
    phone: str
    email: str
    website: str
    product_ids: list[int]


class PointPage(Page):
    items: list[PointOut]


def _point_out(p) -> dict:
    return {
        "id": p.pk,
        "name": p.name,
        "kind": p.kind,
        "commune_code": code_of(p.commune),
        "commune_name": name_of(p.commune),
        "province_code": code_of(p.province),
        "address": p.address,
        "latitude": float(p.latitude) if p.latitude is not None else None,
        "longitude": float(p.longitude) if p.longitude is not None else None,
        "opening_hours": p.opening_hours,
        "operator": p.operator,
        "phone": p.phone,
        "email": p.email,
        "website": p.website,
        "product_ids": [product.pk for product in p.carried],
    }


@router.get("/points-of-sale", response=PointPage, auth=None, summary="Open points of sale")
def points_of_sale(
    request,
    params: PageQuery,
    province: str = Query("", max_length=10),
    commune: str = Query("", max_length=10),
    kind: str = Query("", max_length=20),
):
    """Showrooms and points of sale open today, with the products in force
    they carry."""
    rows = open_points().select_related("commune", "province")
    rows = rows.prefetch_related(
        Prefetch("products", queryset=products_in_force().only("id"), to_attr="carried")
    )
    province_unit = unit(province, Level.PROVINCE)
    if province_unit is not None:
        rows = rows.filter(province=province_unit)
    commune_unit = unit(commune, Level.COMMUNE)
    if commune_unit is not None:
        rows = rows.filter(commune=commune_unit)
    if kind:
        rows = rows.filter(kind=kind)
    return page(rows, params, _point_out)


class ListingOut(Schema):
    id: int
    product_id: int
    platform: str
    url: str
    since: date


class ListingPage(Page):
    items: list[ListingOut]


@router.get("/listings", response=ListingPage, auth=None, summary="Online listings")
def listings(request, params: PageQuery, product_id: int | None = None):
    """Working online listings (marketplaces, shops) of products in force."""
    rows = Listing.objects.filter(product__in=products_in_force()).exclude(
        link_state=LinkState.DEAD
    )
    if product_id is not None:
        rows = rows.filter(product_id=product_id)
    return page(
        rows,
        params,
        lambda row: {
            "id": row.pk,
            "product_id": row.product_id,
            "platform": row.platform,
            "url": row.url,
            "since": row.since,
        },
    )


class EventOut(Schema):
    id: int
    title: str
    kind: str
    level: str
    state: str
    province_code: str | None
    commune_code: str | None
    organiser: str
    starts_on: date
    start_time: time | None
    ends_on: date
    place: str
    description: str
    topics: list[str]
    capacity: int | None


class EventPage(Page):
    items: list[EventOut]


@router.get("/events", response=EventPage, auth=None, summary="Public events calendar")
def events(request, params: PageQuery):
    """Upcoming public activities (planned or open for registration)."""
    rows = public_calendar(today=timezone.localdate())
    return page(
        rows,
        params,
        lambda a: {
            "id": a.pk,
            "title": a.title,
            "kind": a.kind,
            "level": a.level,
            "state": a.state,
            "province_code": code_of(a.province),
            "commune_code": code_of(a.commune),
            "organiser": a.organiser,
            "starts_on": a.starts_on,
            "start_time": a.start_time,
            "ends_on": a.ends_on,
            "place": a.place,
            "description": a.description,
            "topics": [t.name for t in a.topics.all()],
            "capacity": a.capacity,
        },
    )


class Cell(Schema):
    key: str | int | None
    count: int


class CertifiedOut(Schema):
    as_of: date
    by: str
    total: int
    cells: list[Cell]


DIMENSIONS = ("star", "group", "province", "legal_form")
DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise HttpError(422, _("Not a date: %(value)s.") % {"value": text[:20]}) from exc


def _area(province: str, commune: str) -> AdminUnit | None:
    return unit(commune, Level.COMMUNE) or unit(province, Level.PROVINCE)


@router.get(
    "/statistics/certified",
    response=CertifiedOut,
    auth=None,
    summary="Products with a certificate in force, counted by one dimension",
)
def certified(
    request,
    by: str = Query("star", pattern="^(star|group|province|legal_form)$"),
    province: str = Query("", max_length=10),
    commune: str = Query("", max_length=10),
    as_of: str | None = Query(None, pattern=DAY, description="A past day, yyyy-mm-dd (today)."),
):
    """The dashboards' figure: certificates in force on ``as_of`` in the area
    (the nation by default), counted by ``by``; provinces by their code."""
    day = _day(as_of) if as_of else None
    if day is not None and day > timezone.localdate():
        raise HttpError(422, _("The day counted cannot be in the future."))
    breakdown = certified_products(unit=_area(province, commune), as_of=day, by=(by,))
    keys = [key[0] for key in breakdown.cells]
    codes = {}
    if by == "province":
        codes = dict(AdminUnit.objects.filter(pk__in=keys).values_list("pk", "code"))
    cells = [
        {"key": codes.get(key[0], key[0]), "count": figure.value}
        for key, figure in sorted(breakdown.cells.items(), key=lambda item: str(item[0]))
    ]
    return {"as_of": breakdown.as_of, "by": by, "total": breakdown.total.value, "cells": cells}


class ChangesOut(Schema):
    start: date
    end: date
    changes: dict[str, int]


@router.get(
    "/statistics/changes",
    response=ChangesOut,
    auth=None,
    summary="Certificates new, renewed, upgraded, expired and revoked in a period",
)
def changes(
    request,
    start: str = Query(..., pattern=DAY, description="First day, yyyy-mm-dd."),
    end: str = Query(..., pattern=DAY, description="Last day, yyyy-mm-dd."),
    province: str = Query("", max_length=10),
    commune: str = Query("", max_length=10),
):
    today = timezone.localdate()
    start, end = _day(start), _day(end)
    if end < start or start > today:
        raise HttpError(422, _("The period must start on or before its end, not in the future."))
    found = certificate_changes(unit=_area(province, commune), start=start, end=end)
    return {
        "start": start,
        "end": end,
        "changes": {name: breakdown.total.value for name, breakdown in found.items()},
    }
