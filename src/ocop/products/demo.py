"""Demo data (``manage.py load_demo``): the demo subjects' products, some
shown as certified (the certification demo issues their decisions). Reads
``ctx.subjects``; sets ``ctx.products`` (by name)."""

from django.core.management.base import CommandError

from ocop.products.enums import OcopStatus
from ocop.products.models import Product, ProductCategory

PRODUCTS = [
    # (subject registration number, name, product set, status, star)
    ("2801234567", "Nước mắm cá cơm Đồng Tâm", "I.4.a", OcopStatus.CERTIFIED, 3),
    ("2801234567", "Mắm tép Đồng Tâm", "I.4.a", OcopStatus.NONE, None),
    ("2809876543", "Mực khô Hậu Lộc", "I.3.d", OcopStatus.CERTIFIED, 4),
    ("2805550001", "Nem chua Thanh Hóa Cô Hoa", "I.3.d", OcopStatus.CERTIFIED, 3),
    ("2805550002", "Chả tôm Sầm Sơn", "I.3.d", OcopStatus.IN_EVALUATION, None),
]


def load(*, ctx) -> None:
    categories = {c.code: c for c in ProductCategory.objects.all()}
    if not categories:
        raise CommandError("Run `manage.py load_product_categories` first.")
    products = {}
    for reg, name, product_set, status, star in PRODUCTS:
        subject = ctx.subjects[reg]
        products[name], _ = Product.objects.get_or_create(
            subject=subject,
            name=name,
            defaults={
                "category": categories[product_set],
                "status": status,
                "star": star,
                "commune": subject.commune,
            },
        )
    ctx.products = products
