"""Back-office API: subjects and products (read what the token's person may
read; create and update through the same domain functions as the pages)."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from ocop.geo.enums import Level
from ocop.producers.domain.queries import (
    documents_visible_to,
    filter_subjects,
    subjects_visible_to,
)
from ocop.producers.domain.subjects import create_subject, update_subject
from ocop.producers.enums import LegalForm
from ocop.products.domain.products import create_product, update_product
from ocop.products.domain.queries import filter_products, ocop_status, products_visible_to
from ocop.products.models import ProductCategory

from .auth import token_read, token_write
from .common import NOT_FOUND, WRITE_ERRORS, Page, code_of, name_of, one, unit
from .paging import PageQuery, page

router = Router(tags=["back office: registry"])


class OfficeSubjectOut(Schema):
    id: int
    name: str
    legal_form: str
    registration_number: str | None
    representative: str
    phone: str
    email: str
    commune_code: str | None
    commune_name: str | None
    province_code: str | None
    address: str
    led_by_woman: bool
    ethnic_minority: bool
    disadvantaged_area: bool
    local_labour_share: int | None
    updated_at: datetime


class OfficeSubjectPage(Page):
    items: list[OfficeSubjectOut]


class OfficeSubjectIn(Schema):
    name: str = Field(..., min_length=1, max_length=255)
    legal_form: LegalForm
    commune_code: str = Field(..., min_length=1, max_length=10)
    registration_number: str = Field("", max_length=50)
    representative: str = Field("", max_length=150)
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=255)
    led_by_woman: bool = False
    ethnic_minority: bool = False
    disadvantaged_area: bool = False
    local_labour_share: int | None = Field(None, ge=0, le=100)


class OfficeSubjectPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=255)
    legal_form: LegalForm | None = None
    commune_code: str | None = Field(None, min_length=1, max_length=10)
    registration_number: str | None = Field(None, max_length=50)
    representative: str | None = Field(None, max_length=150)
    phone: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)
    address: str | None = Field(None, max_length=255)
    led_by_woman: bool | None = None
    ethnic_minority: bool | None = None
    disadvantaged_area: bool | None = None
    local_labour_share: int | None = Field(None, ge=0, le=100)


def subject_out(s) -> dict:
    return {
        "id": s.pk,
        "name": s.name,
        "legal_form": s.legal_form,
        "registration_number": s.registration_number,
        "representative": s.representative,
        "phone": s.phone,
        "email": s.email,
        "commune_code": code_of(s.commune),
        "commune_name": name_of(s.commune),
        "province_code": code_of(s.province),
        "address": s.address,
        "led_by_woman": s.led_by_woman,
        "ethnic_minority": s.ethnic_minority,
        "disadvantaged_area": s.disadvantaged_area,
        "local_labour_share": s.local_labour_share,
        "updated_at": s.updated_at,
    }


def _subject_data(payload: Schema, *, partial: bool) -> dict:
    data = payload.dict(exclude_unset=partial)
    data = {k: v for k, v in data.items() if not (partial and v is None)}
    if "commune_code" in data:
        data["commune"] = unit(data.pop("commune_code"), Level.COMMUNE)
    return data


@router.get(
    "/subjects", response=OfficeSubjectPage, auth=token_read, summary="Subjects the token may read"
)
def subjects(
    request,
    params: PageQuery,
    q: str = Query("", max_length=100),
    province: str = Query("", max_length=10),
    commune: str = Query("", max_length=10),
):
    filters = {
        "q": q.strip(),
        "province": unit(province, Level.PROVINCE),
        "commune": unit(commune, Level.COMMUNE),
    }
    rows = filter_subjects(subjects_visible_to(request.user), filters=filters)
    return page(rows, params, subject_out)


@router.get(
    "/subjects/{subject_id}",
    response={200: OfficeSubjectOut, **NOT_FOUND},
    auth=token_read,
    summary="One subject",
)
def subject(request, subject_id: int):
    return subject_out(one(subjects_visible_to(request.user), subject_id))


@router.post(
    "/subjects",
    response={201: OfficeSubjectOut, **WRITE_ERRORS},
    auth=token_write,
    summary="Register a subject (officers of its commune or province)",
)
def subject_create(request, payload: OfficeSubjectIn):
    created = create_subject(by=request.user, data=_subject_data(payload, partial=False))
    return Status(201, subject_out(created))


@router.patch(
    "/subjects/{subject_id}",
    response={200: OfficeSubjectOut, **WRITE_ERRORS},
    auth=token_write,
    summary="Change a subject (its producers, officers of its unit)",
)
def subject_update(request, subject_id: int, payload: OfficeSubjectPatch):
    found = one(subjects_visible_to(request.user), subject_id)
    changed = update_subject(
        by=request.user, subject=found, data=_subject_data(payload, partial=True)
    )
    return subject_out(changed)


class OfficeProductOut(Schema):
    id: int
    name: str
    subject_id: int
    subject_name: str
    category_code: str | None
    group_code: str
    gtin: str
    commune_code: str | None
    province_code: str | None
    status: str
    ocop_status: str
    star: int | None
    certified_until: str | None
    updated_at: datetime


class OfficeProductPage(Page):
    items: list[OfficeProductOut]


class OfficeProductIn(Schema):
    subject_id: int
    name: str = Field(..., min_length=1, max_length=255)
    category_code: str = Field(..., min_length=1, max_length=20)
    description: str = Field("", max_length=5000)
    gtin: str = Field("", max_length=20)
    annual_capacity: int | None = Field(None, ge=0, le=2_000_000_000)


class OfficeProductPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=255)
    category_code: str | None = Field(None, min_length=1, max_length=20)
    description: str | None = Field(None, max_length=5000)
    gtin: str | None = Field(None, max_length=20)
    annual_capacity: int | None = Field(None, ge=0, le=2_000_000_000)


def product_out(p) -> dict:
    today = timezone.localdate()
    return {
        "id": p.pk,
        "name": p.name,
        "subject_id": p.subject_id,
        "subject_name": p.subject.name,
        "category_code": p.category.code if p.category_id else None,
        "group_code": p.group_code,
        "gtin": p.gtin,
        "commune_code": code_of(p.commune),
        "province_code": code_of(p.province),
        "status": p.status,
        "ocop_status": str(ocop_status(p, today=today)),
        "star": p.star,
        "certified_until": p.certified_until.isoformat() if p.certified_until else None,
        "updated_at": p.updated_at,
    }


def _product_data(payload: Schema, *, partial: bool) -> dict:
    data = payload.dict(exclude_unset=partial)
    data = {k: v for k, v in data.items() if not (partial and v is None)}
    data.pop("subject_id", None)
    if "category_code" in data:
        data["category"] = _category(data.pop("category_code"))
    return data


def _category(code: str):
    found = ProductCategory.objects.filter(code=code.strip(), valid_to__isnull=True).first()
    if found is None:
        raise HttpError(
            422, _("There is no product set with the code %(code)s.") % {"code": code[:20]}
        )
    return found


def _products(user):
    return products_visible_to(user).select_related("subject", "category", "commune", "province")


@router.get(
    "/products", response=OfficeProductPage, auth=token_read, summary="Products the token may read"
)
def products(
    request,
    params: PageQuery,
    q: str = Query("", max_length=100),
    province: str = Query("", max_length=10),
    commune: str = Query("", max_length=10),
    star: int | None = Query(None, ge=1, le=5),
    subject_id: int | None = None,
):
    filters = {
        "q": q.strip(),
        "province": unit(province, Level.PROVINCE),
        "commune": unit(commune, Level.COMMUNE),
        "star": star,
    }
    rows = filter_products(_products(request.user), filters=filters)
    if subject_id is not None:
        rows = rows.filter(subject_id=subject_id)
    return page(rows, params, product_out)


@router.get(
    "/products/{product_id}",
    response={200: OfficeProductOut, **NOT_FOUND},
    auth=token_read,
    summary="One product",
)
def product(request, product_id: int):
    return product_out(one(_products(request.user), product_id))


@router.post(
    "/products",
    response={201: OfficeProductOut, **WRITE_ERRORS},
    auth=token_write,
    summary="Register a product of a subject (its producers, officers of its unit)",
)
def product_create(request, payload: OfficeProductIn):
    owner = one(subjects_visible_to(request.user), payload.subject_id)
    created = create_product(
        by=request.user, subject=owner, data=_product_data(payload, partial=False)
    )
    return Status(201, product_out(one(_products(request.user), created.pk)))


@router.patch(
    "/products/{product_id}",
    response={200: OfficeProductOut, **WRITE_ERRORS},
    auth=token_write,
    summary="Change a product",
)
def product_update(request, product_id: int, payload: OfficeProductPatch):
    found = one(_products(request.user), product_id)
    update_product(by=request.user, product=found, data=_product_data(payload, partial=True))
    return product_out(one(_products(request.user), product_id))


class OfficeDocumentOut(Schema):
    id: int
    subject_id: int
    product_id: int | None
    doc_type: str
    number: str
    issuer: str
    issued_on: str | None
    expires_on: str | None
    content_type: str
    size: int


class OfficeDocumentPage(Page):
    items: list[OfficeDocumentOut]


@router.get(
    "/documents",
    response=OfficeDocumentPage,
    auth=token_read,
    summary="Documents' metadata (not their files)",
)
def documents(request, params: PageQuery, subject_id: int | None = None):
    rows = documents_visible_to(request.user)
    if subject_id is not None:
        rows = rows.filter(subject_id=subject_id)
    return page(
        rows,
        params,
        lambda d: {
            "id": d.pk,
            "subject_id": d.subject_id,
            "product_id": d.product_id,
            "doc_type": d.doc_type,
            "number": d.number,
            "issuer": d.issuer,
            "issued_on": d.issued_on.isoformat() if d.issued_on else None,
            "expires_on": d.expires_on.isoformat() if d.expires_on else None,
            "content_type": d.content_type,
            "size": d.size,
        },
    )
