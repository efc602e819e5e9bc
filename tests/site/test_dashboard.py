"""The overview counts products by the status people are shown: a certified
product whose validity date has passed counts as expired even before the
daily expiry job has run."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ocop.products.enums import OcopStatus
from tests.factories.registry import ProductFactory

pytestmark = pytest.mark.django_db


def count(page: str, status: str) -> int:
    match = re.search(rf'id="status-{status}">.*?<strong>(\d+)</strong>', page)
    assert match, status
    return int(match.group(1))


def test_overview_counts_lapsed_certificates_as_expired(client, province_officer, subject_x):
    today = timezone.localdate()
    ProductFactory(subject=subject_x, status=OcopStatus.CERTIFIED, star=3, certified_until=today)
    ProductFactory(
        subject=subject_x,
        status=OcopStatus.CERTIFIED,
        star=4,
        certified_until=today - timedelta(days=1),
    )
    ProductFactory(subject=subject_x, status=OcopStatus.REVOKED, star=3)
    client.force_login(province_officer)
    page = client.get(reverse("site:dashboard")).content.decode()
    assert count(page, "certified") == 1
    assert count(page, "expired") == 1
    assert count(page, "revoked") == 1
    assert count(page, "in_evaluation") == 0
