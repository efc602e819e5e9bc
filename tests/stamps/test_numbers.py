"""Stamp quantities read "2.000" on the Vietnamese pages (tests/core/test_numbers.py
tests the filter), while the batch ids in the links stay bare."""

import pytest

from ocop.stamps.domain.batches import request_stamps
from tests.factories.stamps import province_officer_of

pytestmark = pytest.mark.django_db


def test_the_stamp_pages_show_quantities_with_a_thousands_separator(
    client, certified_x, producer_x
):
    batch = request_stamps(product=certified_x, quantity=2000, by=producer_x)
    client.force_login(province_officer_of("38"))
    detail = client.get(f"/stamps/{batch.pk}/").content.decode()
    assert ">2.000<" in detail
    listing = client.get("/stamps/").content.decode()
    assert ">2.000<" in listing
    assert f'href="/stamps/{batch.pk}/"' in listing
    product = client.get(f"/products/{certified_x.pk}/").content.decode()
    assert "2.000" in product
    assert "2000" not in product.replace(str(batch.pk), "")
