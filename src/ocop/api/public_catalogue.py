"""Public API: the certified products, the subjects' public profiles and the
certificates with their live status. The same reads as the public catalogue
(``portal``): a product is public once certified (in force, expired or
revoked); a subject's contact details only as its ``PublicProfile`` consents."""

from datetime import date, datetime

from django.db.models import Count, Q
from django.utils import timezone
from ninja import Query, Router, Schema

from ocop.certification.domain.queries import with_live_status
from ocop.certification.models import Certificate
from ocop.geo.enums import Level
from ocop.portal.domain.queries import (
    catalogue,
    filter_catalogue,
    groups,
    in_force_q,
    public_products,
    public_subjects,
)
from ocop.portal.models import PublicProfile
from ocop.products.enums import OcopStatus
from ocop.products.models import ProductCategory

from .common import NOT_FOUND, Page, code_of, name_of, one, unit
from .paging import PageQuery, page

router = Router(tags=["public: catalogue"])

STATUSES = ("in_force", "expired", "revoked", "all")


class PublicProductOut(Schema):
    id: int
    name: str
    star: int | None
    status: str  # in_force, expired or revoked
    certified_until: date | None
    group_code: str
    product_set_code: str | None
    product_set_name: str | None
    gtin: str
    subject_id: int
    subject_name: str
    commune_code: str | None
    commune_name: str | None
    province_code: str | None
    province_name: str | None
    updated_at: datetime


class PublicProductPage(Page):
    items: list[PublicProductOut]


def _status(product, today: date) -> str:
    if product.status == OcopStatus.REVOKED:
        return "revoked"
    if (
        product.status == OcopStatus.CERTIFIED
        and product.certified_until
        and (product.certified_until >= today)
    ):
        return "in_force"
    return "expired"


def product_out(p, today: date) -> dict:
    return {
        "id": p.pk,
        "name": p.name,
        "star": p.star,
        "status": _status(p, today),
        "certified_until": p.certified_until,
        "group_code": p.group_code,
        "product_set_code": p.category.code if p.category_id else None,
        "product_set_name": p.category.name if p.category_id else None,
        "gtin": p.gtin,
        "subject_id": p.subject_id,
        "subject_name": p.subject.name,
        "commune_code": code_of(p.commune),
        "commune_name": name_of(p.commune),
        "province_code": code_of(p.province),
        "province_name": name_of(p.province),
        "updated_at": p.updated_at,
    }


def _products(status: str, today: date):
    if status == "in_force":
        rows = catalogue(today=today)
    else:
        rows = public_products().select_related("subject", "commune", "province", "category")
        if status == "revoked":
            rows = rows.filter(status=OcopStatus.REVOKED)
        elif status == "expired":
            rows = rows.exclude(status=OcopStatus.REVOKED).exclude(in_force_q(today=today))
    return rows


@router.get("/products", response=PublicProductPage, auth=None, summary="Certified products")
def products(
    request,
    params: PageQuery,
    q: str = Query("", max_length=100, description="Words of the name (accents optional)."),
    province: str = Query("", max_length=10, description="Province code (2025)."),
    commune: str = Query("", max_length=10, description="Commune code (2025)."),
    star: int | None = Query(None, ge=1, le=5),
    group: str = Query("", max_length=20, description="Product group code (Decision 148)."),
    product_set: str = Query("", max_length=20, description="Product set code."),
    status: str = Query("in_force", pattern="^(in_force|expired|revoked|all)$"),
):
    """Products ever certified, by default those whose certificate is in force
    today; ``status`` also gives the expired or revoked ones."""
    today = timezone.localdate()
    filters = {"q": q.strip(), "province": unit(province, Level.PROVINCE), "star": star}
    if group:
        filters["group"] = groups().filter(code=group).first() or ProductCategory(code=group)
    category = None
    if product_set:
        category = ProductCategory.objects.filter(code=product_set).first()
        filters["category"] = category
    rows = filter_catalogue(_products(status, today), filters=filters)
    if product_set and category is None:
        rows = rows.none()
    commune_unit = unit(commune, Level.COMMUNE)
    if commune_unit is not None:
        rows = rows.filter(commune=commune_unit)
    return page(rows, params, lambda p: product_out(p, today))


@router.get(
    "/products/{product_id}",
    response={200: PublicProductOut, **NOT_FOUND},
    auth=None,
    summary="One certified product",
)
def product(request, product_id: int):
    today = timezone.localdate()
    rows = public_products().select_related("subject", "commune", "province", "category")
    return product_out(one(rows, product_id), today)


class PublicProfileOut(Schema):
    id: int
    name: str
    legal_form: str
    commune_code: str | None
    commune_name: str | None
    province_code: str | None
    province_name: str | None
    story: str
    representative: str | None
    phone: str | None
    email: str | None
    address: str | None
    website: str | None
    products_in_force: int


class PublicProfilePage(Page):
    items: list[PublicProfileOut]


def profile_out(s, today: date) -> dict:
    profile = getattr(s, "public_profile_row", None)
    shown = set(profile.published_fields()) if profile else set()
    return {
        "id": s.pk,
        "name": s.name,
        "legal_form": s.legal_form,
        "commune_code": code_of(s.commune),
        "commune_name": name_of(s.commune),
        "province_code": code_of(s.province),
        "province_name": name_of(s.province),
        "story": profile.story if profile else "",
        "representative": s.representative if "representative" in shown else None,
        "phone": s.phone if "phone" in shown else None,
        "email": s.email if "email" in shown else None,
        "address": s.address if "address" in shown else None,
        "website": profile.website if "website" in shown else None,
        "products_in_force": getattr(s, "in_force_count", 0),
    }


def _subjects(today: date):
    return (
        public_subjects()
        .select_related("commune", "province")
        .annotate(
            in_force_count=Count(
                "products",
                filter=Q(
                    products__status=OcopStatus.CERTIFIED,
                    products__certified_until__gte=today,
                ),
                distinct=True,
            )
        )
    )


def _with_profiles(rows: list) -> list:
    profiles = {p.subject_id: p for p in PublicProfile.objects.filter(subject__in=rows)}
    for row in rows:
        row.public_profile_row = profiles.get(row.pk)
    return rows


@router.get("/subjects", response=PublicProfilePage, auth=None, summary="Subjects' public profiles")
def subjects(
    request,
    params: PageQuery,
    province: str = Query("", max_length=10),
    commune: str = Query("", max_length=10),
):
    """Subjects with at least one public product; contact details only where
    the subject consented to publish them (null otherwise)."""
    today = timezone.localdate()
    rows = _subjects(today)
    province_unit = unit(province, Level.PROVINCE)
    if province_unit is not None:
        rows = rows.filter(province=province_unit)
    commune_unit = unit(commune, Level.COMMUNE)
    if commune_unit is not None:
        rows = rows.filter(commune=commune_unit)
    result = page(rows, params, lambda s: s)
    result["items"] = [profile_out(s, today) for s in _with_profiles(result["items"])]
    return result


@router.get(
    "/subjects/{subject_id}",
    response={200: PublicProfileOut, **NOT_FOUND},
    auth=None,
    summary="One subject's public profile",
)
def subject(request, subject_id: int):
    today = timezone.localdate()
    found = one(_subjects(today), subject_id)
    return profile_out(_with_profiles([found])[0], today)


class PublicCertificateOut(Schema):
    id: int
    number: str
    product_id: int
    product_name: str
    star: int
    decision_number: str
    decision_date: date | None
    authority_level: str
    valid_until: date | None
    status: str
    live_status: str


class PublicCertificatePage(Page):
    items: list[PublicCertificateOut]


def certificate_out(c) -> dict:
    return {
        "id": c.pk,
        "number": c.number,
        "product_id": c.product_id,
        "product_name": c.product.name,
        "star": c.star,
        "decision_number": c.decision_number,
        "decision_date": c.decision_date,
        "authority_level": c.authority_level,
        "valid_until": c.valid_until,
        "status": c.status,
        "live_status": str(c.live),
    }


def _certificates():
    return Certificate.objects.filter(product__in=public_products()).select_related("product")


@router.get(
    "/certificates",
    response=PublicCertificatePage,
    auth=None,
    summary="Certificates of public products, with their live status",
)
def certificates(
    request,
    params: PageQuery,
    product_id: int | None = None,
    number: str = Query("", max_length=100),
    province: str = Query("", max_length=10),
):
    """``live_status`` is judged today: a certificate whose date has passed
    reads as expired even before the nightly job marks it."""
    rows = _certificates()
    if product_id is not None:
        rows = rows.filter(product_id=product_id)
    if number:
        rows = rows.filter(number=number.strip())
    province_unit = unit(province, Level.PROVINCE)
    if province_unit is not None:
        rows = rows.filter(product__province=province_unit)
    result = page(rows, params, lambda c: c)
    judged = with_live_status(result["items"], today=timezone.localdate())
    result["items"] = [certificate_out(c) for c in judged]
    return result


@router.get(
    "/certificates/{certificate_id}",
    response={200: PublicCertificateOut, **NOT_FOUND},
    auth=None,
    summary="One certificate with its live status",
)
def certificate(request, certificate_id: int):
    found = one(_certificates(), certificate_id)
    return certificate_out(with_live_status([found], today=timezone.localdate())[0])
