"""Certificates and stamps made directly through the ORM (the issuance
workflow is tested elsewhere): a certified product of Thanh Hóa with one
active stamp, and helpers for more."""

import itertools
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from ocop.certification.enums import CertificateSource, CertificateStatus
from ocop.certification.models import Certificate
from ocop.stamps.domain.links import new_stamp_token
from ocop.stamps.enums import RequestState, StampState
from ocop.stamps.models import Stamp, StampBatch

_serials = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The complaint rate limit lives in the cache: each test starts empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def english(client, settings):
    """Read pages and messages in English (their source text)."""
    from django.utils import translation

    translation.activate("en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    yield
    translation.activate("vi")


def make_certificate(product, *, issued=None, until=None, star=4, status=None, **extra):
    today = timezone.localdate()
    issued = issued or today - timedelta(days=200)
    return Certificate.objects.create(
        product=product,
        number=extra.pop("number", f"{next(_serials):03d}/GCN-OCOP"),
        star=star,
        decision_number=extra.pop("decision_number", f"{next(_serials)}/QĐ-UBND"),
        decision_date=issued,
        valid_until=until or today + timedelta(days=800),
        source=CertificateSource.DECISION,
        status=status or CertificateStatus.VALID,
        **extra,
    )


def make_batch(product, *, by, production_batch=None, quantity=1):
    return StampBatch.objects.create(
        product=product,
        quantity=quantity,
        requested_by=by,
        decided_by=by,
        decided_at=timezone.now(),
        state=RequestState.APPROVED,
        production_batch=production_batch,
        gtin=product.gtin or "",  # as request_stamps records it
        series="38",
    )


def make_stamp(batch, *, state=StampState.ACTIVE, token=None):
    n = next(_serials)
    return Stamp.objects.create(
        batch=batch, serial=f"38-{n:09d}-K", token=token or new_stamp_token(), state=state
    )


@pytest.fixture
def certificate(product_x):
    return make_certificate(product_x)


@pytest.fixture
def stamp(product_x, producer_x, certificate):
    return make_stamp(make_batch(product_x, by=producer_x))
