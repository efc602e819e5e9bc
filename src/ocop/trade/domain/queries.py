"""Reads of points of sale, listings, export markets and inquiries: what a
person may see, what the public sees, and the counts of a unit."""

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from ocop.accounts.models import RoleAssignment
from ocop.accounts.rules import scope_for
from ocop.geo.enums import Level
from ocop.products.domain.queries import products_visible_to, status_q
from ocop.products.enums import OcopStatus
from ocop.products.models import Product

from ..enums import MARKETPLACES, InquiryState, LinkState
from ..models import ExportMarket, Inquiry, Listing, PointOfSale
from ..rules import (
    INQUIRY_OFFICER_ROLES,
    NOTIFIED_OFFICER_ROLES,
    READER_ROLES,
    SUBJECT_SIDE,
    handles_inquiries,
    is_reader,
)

# Back office ---------------------------------------------------------------------------


def points_visible_to(user):
    """Points of sale of the officer's units (provinces, communes)."""
    if not is_reader(user):
        return PointOfSale.objects.none()
    scope = scope_for(user)
    return PointOfSale.objects.filter(
        scope.q(province="province", commune="commune", roles=READER_ROLES)
    ).select_related("commune", "province")


def listings_visible_to(user):
    return Listing.objects.filter(product__in=products_visible_to(user).values("pk"))


def exports_visible_to(user):
    return ExportMarket.objects.filter(product__in=products_visible_to(user).values("pk"))


def inquiries_visible_to(user):
    """Inquiries to the person's subjects, or of the officer's province."""
    if not handles_inquiries(user):
        return Inquiry.objects.none()
    scope = scope_for(user)
    condition = scope.q(subject="subject", roles=SUBJECT_SIDE) | scope.q(
        province="province", roles=INQUIRY_OFFICER_ROLES
    )
    return Inquiry.objects.filter(condition).select_related(
        "subject", "product", "province", "commune"
    )


def inquiry_recipients(inquiry: Inquiry) -> list:
    """The accounts told of a new inquiry: the subject's producers and
    consultants, and the provincial officers of its province."""
    condition = Q(role__in=SUBJECT_SIDE, subject_id=inquiry.subject_id) | Q(
        role__in=NOTIFIED_OFFICER_ROLES, unit_id=inquiry.province_id
    )
    rows = RoleAssignment.objects.active().filter(condition).select_related("user").order_by("pk")
    return [row.user for row in rows]


# Public --------------------------------------------------------------------------------


def public_products():
    """Products the public sees: those whose certificate is in force."""
    return Product.objects.filter(status_q(OcopStatus.CERTIFIED))


def open_points(*, today: date | None = None):
    """Points of sale open today (opened, not closed)."""
    today = today or timezone.localdate()
    return PointOfSale.objects.filter(Q(until__isnull=True) | Q(until__gte=today), since__lte=today)


def public_points_of(province, *, kind: str = ""):
    rows = open_points().filter(province=province).select_related("commune")
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("name", "id")


def provinces_with_points():
    """(province id, number of open points) for every province with one."""
    rows = open_points().values("province").annotate(n=Count("id")).order_by()
    return {row["province"]: row["n"] for row in rows}


# Counts of a unit (the reports' sentences) ---------------------------------------------


def _in_unit(queryset, unit, *, province="province", commune="commune"):
    if unit is None:
        return queryset
    if unit.level == Level.PROVINCE:
        return queryset.filter(**{province: unit})
    return queryset.filter(**{commune: unit})


def live_marketplace_listings():
    return Listing.objects.filter(platform__in=MARKETPLACES).exclude(link_state=LinkState.DEAD)


def ecommerce_counts(*, unit) -> dict:
    """How many OCOP products (certificate in force) of how many subjects of
    ``unit`` (None: the country) have a working listing on a marketplace:
    ``{"products": N, "subjects": M}`` in one query."""
    products = _in_unit(public_products(), unit).filter(
        Exists(live_marketplace_listings().filter(product=OuterRef("pk")))
    )
    return products.aggregate(
        products=Count("pk", distinct=True), subjects=Count("subject", distinct=True)
    )


def exported_products(queryset=None, *, country: str = "", year: int | None = None):
    """``queryset`` (products; all by default) narrowed to those exported
    (to ``country``, in ``year`` when given): the catalogue's filter."""
    queryset = Product.objects.all() if queryset is None else queryset
    markets = ExportMarket.objects.filter(product=OuterRef("pk"))
    if country:
        markets = markets.filter(country=country.upper())
    if year:
        markets = markets.filter(year=year)
    return queryset.filter(Exists(markets))


def export_counts(*, unit, year: int | None = None) -> dict:
    """Products of ``unit`` exported (in ``year``) and to how many countries."""
    products = exported_products(_in_unit(Product.objects.all(), unit), year=year).count()
    markets = _in_unit(
        ExportMarket.objects.all(), unit, province="product__province", commune="product__commune"
    )
    if year:
        markets = markets.filter(year=year)
    countries = markets.values("country").distinct().count()
    return {"products": products, "countries": countries}


def inquiry_counts(*, unit, start: date, end: date) -> dict:
    """Inquiries received in [start, end] by subjects of ``unit``: in all, by
    state, and the number of subjects asked (one query)."""
    rows = _in_unit(Inquiry.objects.all(), unit).filter(
        created_at__date__gte=start, created_at__date__lte=end
    )
    return rows.aggregate(
        total=Count("pk"),
        new=Count("pk", filter=Q(state=InquiryState.NEW)),
        answered=Count("pk", filter=Q(state=InquiryState.ANSWERED)),
        closed=Count("pk", filter=Q(state=InquiryState.CLOSED)),
        subjects=Count("subject", distinct=True),
    )


def point_counts(*, unit) -> dict:
    """Open points of sale of ``unit`` by kind: ``{kind: n}``."""
    rows = _in_unit(open_points(), unit).values("kind").annotate(n=Count("id")).order_by()
    return {row["kind"]: row["n"] for row in rows}
