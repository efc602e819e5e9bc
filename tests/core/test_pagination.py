"""Lists count at most OCOP_LIST_COUNT_CAP rows (core/pagination.py): the
count query is LIMIT-ed, and the page says "more than N" beyond the cap."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ocop.core.pagination import CappedPaginator
from ocop.products.models import Product
from tests.factories.registry import ProductFactory, SubjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_products(subject_x):
    return [ProductFactory(subject=subject_x, name=f"Mật ong rừng {i}") for i in range(5)]


def test_the_count_stops_one_row_after_the_cap(five_products):
    paginator = CappedPaginator(Product.objects.order_by("id"), 2, cap=3)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 3
    assert paginator.capped
    assert paginator.num_pages == 2
    assert "LIMIT 4" in queries.captured_queries[0]["sql"]
    exact = CappedPaginator(Product.objects.all(), 2, cap=5)
    assert (exact.count, exact.capped, exact.num_pages) == (5, False, 3)


def test_the_lists_say_more_than_the_cap(client, settings, province_officer, five_products):
    client.force_login(province_officer)
    settings.OCOP_LIST_COUNT_CAP = 3
    page = client.get("/products/").content.decode()
    assert "Hơn 3 sản phẩm: hãy lọc thêm để thu hẹp danh sách." in page
    SubjectFactory.create_batch(4, commune=five_products[0].commune)
    page = client.get("/subjects/").content.decode()
    assert "Hơn 3 chủ thể: hãy lọc thêm để thu hẹp danh sách." in page
    settings.OCOP_LIST_COUNT_CAP = 5000
    page = client.get("/products/?q=mat ong").content.decode()
    assert "5 sản phẩm" in page
    assert "Hơn" not in page
