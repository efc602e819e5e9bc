from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from ocop.core.models import ActivityLog
from ocop.trade.domain import points
from ocop.trade.models import PointOfSale

pytestmark = pytest.mark.django_db


def _point(by, commune, **extra):
    values = {
        "name": "Điểm bán OCOP chợ X",
        "kind": "shop",
        "commune": commune,
        "address": "Số 5 đường Lê Lai",
        "latitude": Decimal("19.800000"),
        "longitude": Decimal("105.780000"),
        "opening_hours": "7:00–21:00",
        "operator": "",
        "phone": "0912 345 678",
        "email": "",
        "website": "",
        "since": timezone.localdate() - timedelta(days=30),
        "until": None,
    }
    values.update(extra)
    return points.create_point(by=by, **values)


def test_commune_officer_registers_points_only_in_their_commune(
    officer_x, commune_x, commune_y, certified_x
):
    point = _point(officer_x, commune_x, products=[certified_x])
    assert point.province_id == commune_x.province_id
    assert list(point.products.all()) == [certified_x]
    entry = ActivityLog.objects.get(action="ocop.point_of_sale.created")
    assert entry.data["products"] == [certified_x.pk]
    with pytest.raises(PermissionDenied):
        _point(officer_x, commune_y)


def test_province_officer_covers_every_commune_of_the_province_only(
    province_officer, commune_y, hanoi_commune, hanoi_officer
):
    assert _point(province_officer, commune_y).commune == commune_y
    with pytest.raises(PermissionDenied):
        _point(province_officer, hanoi_commune)
    with pytest.raises(PermissionDenied):
        _point(hanoi_officer, commune_y)


def test_coordinates_and_dates_are_checked_with_clear_messages(province_officer, commune_x):
    with pytest.raises(ValidationError) as error:
        _point(province_officer, commune_x, latitude=Decimal("105.78"), longitude=Decimal("19.8"))
    assert "latitude" in error.value.message_dict
    assert "longitude" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _point(province_officer, commune_x, longitude=None)
    assert "longitude" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _point(
            province_officer,
            commune_x,
            until=timezone.localdate() - timedelta(days=60),
        )
    assert "until" in error.value.message_dict
    assert not PointOfSale.objects.exists()


def _values(point, **changes):
    values = {name: getattr(point, name) for name in points.POINT_FIELDS}
    values.update(changes)
    return values


def test_edit_and_remove_are_logged_and_scoped(province_officer, officer_x, commune_x, commune_y):
    point = _point(province_officer, commune_y)
    with pytest.raises(PermissionDenied):
        points.update_point(point=point, by=officer_x, **_values(point, name="Không được"))
    points.update_point(
        point=point, by=province_officer, **_values(point, commune=commune_x, name="Đổi tên")
    )
    point.refresh_from_db()
    assert point.name == "Đổi tên"
    assert point.commune == commune_x
    changed = ActivityLog.objects.get(action="ocop.point_of_sale.changed")
    assert changed.data["before"]["name"] == "Điểm bán OCOP chợ X"
    assert changed.data["after"]["commune"] == commune_x.pk
    points.remove_point(point=point, by=officer_x)
    assert not PointOfSale.objects.exists()
    assert ActivityLog.objects.filter(action="ocop.point_of_sale.removed").count() == 1


def test_point_form_creates_once_and_keeps_input_on_error(
    client, officer_x, commune_x, certified_x
):
    client.force_login(officer_x)
    url = reverse("trade:point_new")
    assert client.get(url).status_code == 200
    data = {
        "name": "Quầy OCOP siêu thị X",
        "kind": "supermarket",
        "commune": commune_x.pk,
        "latitude": "19.8",
        "longitude": "",
        "since": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "products": [certified_x.pk],
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Quầy OCOP siêu thị X" in response.content.decode()
    assert "cả vĩ độ và kinh độ" in response.content.decode()
    data["longitude"] = "105.77"
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # the same post again: not a second point
    assert PointOfSale.objects.count() == 1


def test_edit_form_refuses_a_stale_save(client, province_officer, officer_x, commune_x):
    point = _point(province_officer, commune_x)
    client.force_login(officer_x)
    page = client.get(reverse("trade:point_edit", args=[point.pk]))
    opened_as = page.context["form"]["opened_as"].value()
    data = {
        "name": "Tên mới",
        "kind": "shop",
        "commune": commune_x.pk,
        "latitude": "19.8",
        "longitude": "105.78",
        "since": point.since.isoformat(),
        "opened_as": opened_as,
    }
    points.update_point(point=point, by=province_officer, **_values(point, name="Tên của tỉnh"))
    response = client.post(reverse("trade:point_edit", args=[point.pk]), data)
    assert response.status_code == 400
    point.refresh_from_db()
    assert point.name == "Tên của tỉnh"


def test_public_list_shows_open_points_and_certified_products_only(
    client, province_officer, commune_x, certified_x, product_y, django_assert_max_num_queries
):
    _point(province_officer, commune_x, products=[certified_x, product_y])
    _point(
        province_officer,
        commune_x,
        name="Điểm đã đóng cửa",
        since=timezone.localdate() - timedelta(days=90),
        until=timezone.localdate() - timedelta(days=1),
    )
    for i in range(5):
        _point(province_officer, commune_x, name=f"Điểm bán thêm {i}", products=[certified_x])
    url = reverse("points:province", args=[commune_x.province.code])
    with django_assert_max_num_queries(8):
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Điểm bán OCOP chợ X" in html
    assert "Điểm đã đóng cửa" not in html
    assert certified_x.name in html
    assert product_y.name not in html
    assert 'id="pos-map"' in html
    assert "leaflet.js" in html
    markers = client.get(reverse("points:markers", args=[commune_x.province.code])).json()
    assert len(markers["points"]) == 6
    assert markers["points"][0]["lat"] == pytest.approx(19.8)
    assert client.get(reverse("points:province", args=["99"])).status_code == 404
    provinces = client.get(reverse("points:provinces")).content.decode()
    assert "6 điểm" in provinces


def test_back_office_list_is_scoped(client, province_officer, hanoi_officer, commune_x):
    _point(province_officer, commune_x)
    client.force_login(hanoi_officer)
    response = client.get(reverse("trade:points"))
    assert "Điểm bán OCOP chợ X" not in response.content.decode()
    point = PointOfSale.objects.get()
    assert client.get(reverse("trade:point_edit", args=[point.pk])).status_code == 404


def test_public_list_is_on_the_portal_shell_and_bounded_per_point(
    client, province_officer, commune_x, subject_x, django_assert_max_num_queries
):
    """The points of sale are a portal page (its shell and stylesheet, no
    back-office Bootstrap); a point carrying many products lists the first
    ones and counts the rest, so a page costs the same however many it carries."""
    from ocop.trade.views_public import PRODUCTS_SHOWN
    from tests.factories.registry import ProductFactory

    from .conftest import certify

    many = [
        certify(ProductFactory(subject=subject_x, name=f"Sản phẩm {i:02d}"))
        for i in range(PRODUCTS_SHOWN + 3)
    ]
    _point(province_officer, commune_x, products=many)
    url = reverse("points:province", args=[commune_x.province.code])
    with django_assert_max_num_queries(8):
        html = client.get(url).content.decode()
    assert "portal.css" in html
    assert "bootstrap" not in html
    assert f"{PRODUCTS_SHOWN + 3} sản phẩm OCOP" in html
    assert "Sản phẩm 00" in html
    assert f"Sản phẩm {PRODUCTS_SHOWN - 1:02d}" in html
    assert f"Sản phẩm {PRODUCTS_SHOWN:02d}" not in html
    assert "và 3 sản phẩm khác" in html
    # The language links keep the query.
    assert "?kind=shop&amp;lang=en" in client.get(url, {"kind": "shop"}).content.decode()
    for page in (reverse("points:provinces"), reverse("inquiry:sent")):
        html = client.get(page).content.decode()
        assert "portal.css" in html
        assert "bootstrap" not in html
