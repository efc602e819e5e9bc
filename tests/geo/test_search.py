import pytest

from ocop.geo.domain.queries import search_units
from ocop.geo.enums import Era, Level

pytestmark = pytest.mark.django_db


def test_search_without_accents_finds_the_province_first():
    assert str(search_units("thanh hoa")[0]) == "Tỉnh Thanh Hóa"


def test_search_finds_2025_commune_without_accents():
    names = [str(u) for u in search_units("hoang hoa")]
    assert "Xã Hoằng Hóa, Tỉnh Thanh Hóa" in names[:3]


def test_search_with_province_name_narrows_results():
    names = [str(u) for u in search_units("hoang hoa thanh hoa")]
    assert names[0] == "Xã Hoằng Hóa, Tỉnh Thanh Hóa"
    assert all("Thanh Hóa" in n for n in names)


def test_search_legacy_district():
    units = search_units("hau loc", era=Era.LEGACY, levels=(Level.DISTRICT,))
    assert [str(u) for u in units] == ["Huyện Hậu Lộc, Tỉnh Thanh Hóa"]


def test_empty_search_returns_nothing():
    assert list(search_units("   ")) == []


def test_unit_search_view_is_public_and_accent_insensitive(client):
    response = client.get("/geo/units/search/", {"q": "dak lak", "target": "id_unit"})
    assert response.status_code == 200
    assert "Tỉnh Đắk Lắk" in response.content.decode()


def test_unit_api_returns_json(client):
    response = client.get("/api/v1/geo/units", {"q": "thanh hoa", "limit": 1})
    assert response.status_code == 200
    assert response.json()[0]["full_name"] == "Tỉnh Thanh Hóa"
    assert response.json()[0]["code"] == "38"
