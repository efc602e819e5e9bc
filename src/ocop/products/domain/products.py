"""Registering and changing products; product images with thumbnails."""

import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from ocop.core.domain.activity import changed_fields, log_action
from ocop.core.uploads import IMAGE_KINDS, check_upload
from ocop.producers.rules import can_edit_subject
from ocop.products.models import Product, ProductImage
from ocop.products.validators import normalise_gtin

PRODUCT_FIELDS = [
    "name",
    "category",
    "description",
    "story",
    "raw_material_origin",
    "packaging",
    "gtin",
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
