"""Certified products for the public catalogue: honey (4★) and fish sauce (3★)
in Thanh Hóa, a 5★ tea in Hà Nội, each with a certificate as the registry
records it (status, star and validity copied onto the product)."""

import itertools
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from ocop.certification.enums import CertificateSource, CertificateStatus
from ocop.certification.models import Certificate
from ocop.products.enums import OcopStatus
from ocop.products.models import ProductCategory

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The public pages' cache and the rate limits: each test starts empty."""
    cache.clear()
    yield
    cache.clear()


def certify(product, *, star=4, issued=None, until=None, status=CertificateStatus.VALID):
    today = timezone.localdate()
    issued = issued or today - timedelta(days=100)
    until = until or today + timedelta(days=900)
    certificate = Certificate.objects.create(
        product=product,
        number=f"{next(_numbers):03d}/GCN-OCOP",
        star=star,
        decision_number=f"{next(_numbers)}/QĐ-UBND",
        decision_date=issued,
        valid_until=until,
        source=CertificateSource.DECISION,
        status=status,
    )
    product.status = {
        CertificateStatus.VALID: OcopStatus.CERTIFIED,
        CertificateStatus.EXPIRED: OcopStatus.EXPIRED,
        CertificateStatus.REVOKED: OcopStatus.REVOKED,
    }[status]
    product.star = star
    product.certified_until = until
    product.save()
    return certificate


@pytest.fixture
def honey(subject_y):
    from tests.factories.registry import ProductFactory

    product = ProductFactory(
        subject=subject_y,
        name="Mật ong hoa nhãn Làng Y",
        category=ProductCategory.objects.get(code="I.2.b"),
        description="Mật ong nguyên chất <b>hoa nhãn</b>.",
        story="Ong nuôi dưới vườn nhãn ven sông Mã.",
        raw_material_origin="Đàn ong của 25 hộ trong xã.",
        gtin="8934567890128",
    )
    certify(product, star=4)
    return product


@pytest.fixture
def fish_sauce(subject_x):
    from tests.factories.registry import ProductFactory

    product = ProductFactory(
        subject=subject_x,
        name="Nước mắm cá cơm Làng X",
        category=ProductCategory.objects.get(code="I.4.a"),
    )
    certify(product, star=3, issued=timezone.localdate() - timedelta(days=10))
    return product


@pytest.fixture
def tea():
    from tests.factories.geo import communes
    from tests.factories.registry import ProductFactory, SubjectFactory

    subject = SubjectFactory(commune=communes("01", 1)[0], name="Công ty CP Chè Ba Vì")
    product = ProductFactory(
        subject=subject,
        name="Chè shan tuyết Ba Vì",
        category=ProductCategory.objects.get(code="I.5.a"),
    )
    certify(product, star=5)
    return product
