"""Registering and changing products; product images with thumbnails."""

import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.core.domain.activity import changed_fields, log_action
from ocop.core.uploads import IMAGE_KINDS, check_upload
from ocop.producers.rules import can_edit_subject
from ocop.products.enums import OcopStatus
from ocop.products.models import Product, ProductImage, product_search_text
from ocop.products.validators import normalise_gtin

PRODUCT_FIELDS = [
    "name",
    "category",
    "description",
    "story",
    "raw_material_origin",
    "packaging",
    "gtin",
    "annual_capacity",
    "commune",
]
THUMBNAIL_SIZE = (400, 400)


@transaction.atomic
def create_product(*, by, subject, data: dict) -> Product:
    if not can_edit_subject(by, subject):
        raise PermissionDenied(_("You may only register products of your own subjects."))
    product = Product(subject=subject, **{k: v for k, v in data.items() if k in PRODUCT_FIELDS})
    if product.commune_id is None:
        product.commune = subject.commune
    product.gtin = normalise_gtin(product.gtin or "")
    product.province_id = product.commune.province_id
    product.full_clean(exclude=["province"])
    product.save()
    log_action(
        action="ocop.product.created",
        by=by,
        obj=product,
        unit=product.commune,
        data={"name": product.name, "subject": subject.pk},
    )
    return product


@transaction.atomic
def update_product(*, by, product: Product, data: dict) -> Product:
    if not can_edit_subject(by, product.subject):
        raise PermissionDenied(_("You may not change this product."))
    before = {f: getattr(product, f) for f in PRODUCT_FIELDS}
    for field, value in data.items():
        if field in PRODUCT_FIELDS:
            setattr(product, field, value)
    product.gtin = normalise_gtin(product.gtin or "")
    product.full_clean(exclude=["province"])
    product.save()
    changes = changed_fields(before, product)
    if changes:
        log_action(
            action="ocop.product.changed", by=by, obj=product, unit=product.commune, data=changes
        )
    return product


def set_evaluation_status(*, product: Product, status: str, by, reason: str, data=None) -> bool:
    """The evaluation workflow keeps the product's OCOP status true: "in
    evaluation" from the submission of its dossier, the status before restored
    on a return, a withdrawal or a result not reached. Logged; returns whether
    the status changed. Certification sets "certified" itself."""
    if status not in OcopStatus.values:
        raise ValidationError(_("Unknown OCOP status “%(status)s”.") % {"status": status})
    before = Product.objects.filter(pk=product.pk).values_list("status", flat=True).first()
    if before is None or before == status:
        return False
    Product.objects.filter(pk=product.pk).update(status=status, updated_at=timezone.now())
    product.status = status
    log_action(
        action="ocop.product.status",
        by=by,
        obj=product,
        unit=product.commune,
        data={"from": before, "to": status, "reason": reason, **(data or {})},
    )
    return True


def _to_jpeg(upload, *, size=None) -> bytes:
    from PIL import Image, ImageOps  # noqa: PLC0415 -- slow import

    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image).convert("RGB")
            if size:
                image.thumbnail(size)
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=85)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            _("The image could not be read. Upload a JPEG or PNG photo."), code="bad_image"
        ) from exc
    return buffer.getvalue()


@transaction.atomic
def add_product_image(*, by, product: Product, upload, caption: str = "") -> ProductImage:
    """Store a product photo (re-encoded as JPEG, which also strips any active
    content) and a thumbnail."""
    if not can_edit_subject(by, product.subject):
        raise PermissionDenied(_("You may not change this product."))
    check_upload(upload, kinds=IMAGE_KINDS)
    full, thumb = _to_jpeg(upload), _to_jpeg(upload, size=THUMBNAIL_SIZE)
    image = ProductImage(product=product, caption=caption, uploaded_by=by)
    image.position = product.images.count()
    image.image.save("image.jpg", ContentFile(full), save=False)
    image.thumbnail.save("thumb.jpg", ContentFile(thumb), save=False)
    image.save()
    log_action(action="ocop.product.image_added", by=by, obj=product, unit=product.commune)
    return image


# Bulk writes (the registry import) ------------------------------------------------

# What an import may change on a product it matched.
BULK_UPDATE_FIELDS = ["category", "group_code", "status", "star", "certified_until", "updated_at"]


def _derive(product: Product, subject_name: str) -> None:
    """The columns ``Product.save`` fills; the commune's province must be
    loaded (``commune.parent``) for the search text."""
    product.province_id = product.commune.province_id
    product.group_code = product.category.code.split(".")[0] if product.category else ""
    product.search_text = product_search_text(
        name=product.name,
        subject_name=subject_name,
        commune=product.commune,
        national_code=product.national_code,
    )


def bulk_save_products(
    *, new: list[Product], changed: list[Product], subject_names: dict, batch_size: int = 500
):
    """Insert ``new`` and update ``changed`` products with bulk queries, with
    the columns ``Product.save`` fills (``BULK_UPDATE_FIELDS`` of the changed
    ones); ``subject_names`` gives each subject id's name for the search text.
    Used by the registry import, which logs the import as a whole; the
    primary keys of the new products are set."""
    now = timezone.now()
    for product in new:
        _derive(product, subject_names[product.subject_id])
    Product.objects.bulk_create(new, batch_size=batch_size)
    for product in changed:
        _derive(product, subject_names[product.subject_id])
        product.updated_at = now
    if changed:
        Product.objects.bulk_update(changed, BULK_UPDATE_FIELDS, batch_size=batch_size)
