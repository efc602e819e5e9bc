"""Reads of the public catalogue.

* The **catalogue** lists the products whose OCOP certificate is in force
  today: stored status "certified" and a validity date not passed (a
  certificate whose date has passed reads as expired before the periodic job
  marks it). Expired and revoked products leave the listing.
* A **public page** exists for every product that was ever certified
  (certified, expired or revoked): it says which, with the certificate's live
  status from ``certification.domain.status.live_status``.
* A **producer page** exists for a subject with at least one public product.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404

from ocop.certification.domain.queries import current_certificate
from ocop.certification.domain.status import is_in_force, live_status
from ocop.certification.enums import LiveStatus
from ocop.certification.models import Certificate
from ocop.core.search import match_order, search
from ocop.geo.domain.queries import current_provinces
from ocop.producers.models import Subject
from ocop.products.enums import CategoryLevel, OcopStatus
from ocop.products.models import Product, ProductCategory, ProductImage
from ocop.trade.domain.queries import exported_products

from ..models import PublicProfile
from . import summary
from .summary import Counts, in_force_q

PUBLIC_STATUSES = (OcopStatus.CERTIFIED, OcopStatus.EXPIRED, OcopStatus.REVOKED)
CURRENT_CLASSIFICATION = "148/QĐ-TTg"
SORTS = {
    "name": ["search_text", "id"],
    "-star": ["-star", "search_text", "id"],
    "-new": ["-certified_until", "-id"],
}
PAGE_SIZE = 24


def _first_image():
    return Subquery(
        ProductImage.objects.filter(product=OuterRef("pk"))
        .order_by("position", "id")
        .values("id")[:1]
    )


def catalogue(*, today: date):
    """Products in force today, with what a card shows."""
    return (
        Product.objects.filter(in_force_q(today=today))
        .select_related("subject", "commune", "province", "category")
        .annotate(image_id=_first_image())
    )


def search_candidates() -> int:
    """How many matches of a searched catalogue are ranked and shown (four
    pages): a visitor adds a filter rather than paging further, and the
    first page then costs the same however many products match."""
    return settings.OCOP_PORTAL_SEARCH_CANDIDATES


def public_products():
    return Product.objects.filter(status__in=PUBLIC_STATUSES)


def filter_catalogue(queryset, *, filters: dict, candidates: int | None = None):
    """``filters``: cleaned data of ``forms.CatalogueFilter``; ``candidates``
    bounds a search's ranked rows (``core.search``; the pages pass
    ``search_candidates()``, the API keeps the default)."""
    if filters.get("province"):
        queryset = queryset.filter(province=filters["province"])
    if filters.get("star"):
        queryset = queryset.filter(star=int(filters["star"]))
    if filters.get("group"):
        queryset = queryset.filter(group_code=filters["group"].code)
    if filters.get("category"):
        queryset = queryset.filter(category=filters["category"])
    if filters.get("exported") == "1":
        queryset = exported_products(queryset)
    ordering = SORTS.get(filters.get("sort") or "", SORTS["name"])
    if filters.get("q"):
        queryset = search(queryset, filters["q"], candidates=candidates)
        ordering = match_order(ordering)
    return queryset.order_by(*ordering)


def groups():
    return ProductCategory.objects.filter(
        level=CategoryLevel.GROUP, legal_basis=CURRENT_CLASSIFICATION, valid_to__isnull=True
    ).order_by("code")


def product_sets():
    return ProductCategory.objects.filter(
        level=CategoryLevel.SET, legal_basis=CURRENT_CLASSIFICATION, valid_to__isnull=True
    ).order_by("code")


def counts(*, today: date) -> Counts:
    """The catalogue's counts, read from their summary row (``summary.py``)."""
    return summary.counts(today=today)


def provinces_with_counts(by_province: dict[int, int]) -> list:
    rows = list(current_provinces())
    for province in rows:
        province.product_count = by_province.get(province.pk, 0)
    return rows


def newest(*, today: date, limit: int = 8) -> list[Product]:
    """The products of the newest recognition decisions still in force: read
    from the certificates' decision dates (indexed), newest first, so the
    query stops after a few rows whatever the size of the catalogue."""
    certificates = (
        Certificate.objects.filter(
            status="valid",
            valid_until__gte=today,
            decision_date__isnull=False,
            product__status=OcopStatus.CERTIFIED,
            product__certified_until__gte=today,
        )
        .select_related(
            "product__subject", "product__commune", "product__province", "product__category"
        )
        .annotate(
            image_id=Subquery(
                ProductImage.objects.filter(product=OuterRef("product_id"))
                .order_by("position", "id")
                .values("id")[:1]
            )
        )
        .order_by("-decision_date")[: limit * 3]
    )
    found: dict[int, Product] = {}
    for certificate in certificates:
        product = certificate.product
        if product.pk not in found:
            product.image_id = certificate.image_id
            product.recognised_on = certificate.decision_date
            found[product.pk] = product
        if len(found) == limit:
            break
    return list(found.values())


@dataclass
class ProductPage:
    product: Product
    certificate: Certificate | None
    live: LiveStatus | None
    in_force: bool
    images: list
    others: list
    profile: PublicProfile | None


def product_page(pk: int, *, today: date) -> ProductPage:
    product = get_object_or_404(
        public_products().select_related(
            "subject", "commune", "province", "category__parent__parent"
        ),
        pk=pk,
    )
    certificate = current_certificate(product)
    live = live_status(certificate, today=today) if certificate else None
    if certificate is not None and live == LiveStatus.REVOKED:
        certificate = (
            Certificate.objects.select_related("revocation").filter(pk=certificate.pk).first()
        )
    others = list(
        catalogue(today=today).filter(subject_id=product.subject_id).exclude(pk=product.pk)[:12]
    )
    return ProductPage(
        product=product,
        certificate=certificate,
        live=live,
        in_force=live is not None and is_in_force(live),
        images=list(product.images.all()),
        others=others,
        profile=PublicProfile.objects.filter(subject_id=product.subject_id).first(),
    )


def public_subjects():
    return Subject.objects.filter(products__status__in=PUBLIC_STATUSES).distinct()


@dataclass
class ProducerPage:
    subject: Subject
    profile: PublicProfile | None
    products: list
    past: list


def producer_page(pk: int, *, today: date) -> ProducerPage:
    subject = get_object_or_404(
        Subject.objects.filter(pk__in=public_subjects().filter(pk=pk).values("pk")).select_related(
            "commune", "province"
        ),
        pk=pk,
    )
    products = list(catalogue(today=today).filter(subject=subject).order_by("search_text", "id"))
    shown = {p.pk for p in products}
    past = [
        p
        for p in public_products().filter(subject=subject).order_by("search_text", "id")
        if p.pk not in shown
    ]
    return ProducerPage(
        subject=subject,
        profile=PublicProfile.objects.filter(subject=subject).first(),
        products=products,
        past=past,
    )


def public_image(image_pk: int) -> ProductImage:
    return get_object_or_404(
        ProductImage.objects.filter(product__status__in=PUBLIC_STATUSES), pk=image_pk
    )


FEED_FIELDS = (
    "id",
    "name",
    "url",
    "star",
    "status",
    "certificate_valid_until",
    "decision_number",
    "decision_date",
    "product_group",
    "product_set",
    "product_set_name",
    "gtin",
    "producer_id",
    "producer_name",
    "producer_url",
    "commune",
    "province",
    "province_code",
    "image_url",
    "updated_at",
    "national_code",
)


def feed_products(*, today: date):
    """The catalogue for the feed: one read, certificates' numbers from subqueries."""
    standing = Certificate.objects.filter(
        product=OuterRef("pk"), status="valid", valid_until__gte=today
    ).order_by("-decision_date", "-id")
    return (
        catalogue(today=today)
        .annotate(
            decision_number=Subquery(standing.values("decision_number")[:1]),
            decision_date=Subquery(standing.values("decision_date")[:1]),
        )
        .order_by("province__code", "search_text", "id")
    )
