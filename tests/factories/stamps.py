"""Certified products, certificates and stamp batches for the stamps tests.

Certificates are written directly (as the Excel import of published lists
does): the stamps app only reads them. Batches go through the domain
functions, the same path as the pages."""

import datetime

from django.utils import timezone

from ocop.accounts.enums import Role
from ocop.certification.enums import AuthorityLevel, CertificateSource, CertificateStatus
from ocop.certification.models import Certificate
from ocop.products.enums import OcopStatus
from ocop.stamps.domain.batches import request_stamps, set_batch_state
from tests.factories.accounts import user_with_role
from tests.factories.geo import province


def certify(
    product,
    *,
    star: int = 4,
    issued: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    status: str = CertificateStatus.VALID,
    level: str = AuthorityLevel.PROVINCE,
    number: str = "",
) -> Certificate:
    """A certificate for ``product``, by default issued 100 days ago and valid
    for three more years, and the product's denormalised status to match."""
    today = timezone.localdate()
    issued = issued or today - datetime.timedelta(days=100)
    valid_until = valid_until or issued + datetime.timedelta(days=3 * 365)
    sequence = Certificate.objects.count() + 1
    certificate = Certificate.objects.create(
        product=product,
        number=number or f"GCN-{sequence:04d}",
        star=star,
        decision_number=f"{sequence}/QĐ-UBND",
        decision_date=issued,
        authority_level=level,
        valid_until=valid_until,
        source=CertificateSource.IMPORT,
        status=status,
    )
    product.status = (
        OcopStatus.CERTIFIED
        if status == CertificateStatus.VALID and valid_until >= today
        else OcopStatus.EXPIRED
        if status != CertificateStatus.REVOKED
        else OcopStatus.REVOKED
    )
    product.star = star
    product.certified_until = valid_until
    product.save()
    return certificate


def province_officer_of(code: str = "38", **kwargs):
    return user_with_role(Role.PROVINCE_OFFICER, unit=province(code), **kwargs)


def approved_batch(*, product, producer, officer, quantity: int = 10, production_batch=None):
    batch = request_stamps(
        product=product, quantity=quantity, production_batch=production_batch, by=producer
    )
    return set_batch_state(batch=batch, action="approve", by=officer)
