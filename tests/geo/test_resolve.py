import pytest

from ocop.geo.domain.resolve import resolve_address
from ocop.geo.enums import Era, Level
from ocop.geo.models import AdminUnit

pytestmark = pytest.mark.django_db


def _current(level, name, province="38"):
    return AdminUnit.objects.get(
        era=Era.CURRENT,
        level=level,
        name=name,
        province__code=province,
        province__era=Era.CURRENT,
    )


def test_old_district_resolves_to_its_2025_province():
    result = resolve_address("Huyện Hậu Lộc, Tỉnh Thanh Hóa")
    assert result.province == _current(Level.PROVINCE, "Thanh Hóa")
    assert result.matched.era == Era.LEGACY
    assert result.matched.level == Level.DISTRICT
    assert result.commune is None  # a district does not name one commune


def test_old_commune_resolves_to_its_2025_commune():
    result = resolve_address("Xã Hoằng Trung, Huyện Hoằng Hóa, Tỉnh Thanh Hóa")
    assert result.matched.full_name == "Xã Hoằng Trung"
    assert result.province == _current(Level.PROVINCE, "Thanh Hóa")
    assert result.commune == result.matched.successor_commune
    assert result.commune.era == Era.CURRENT


def test_address_without_accents_or_types_resolves():
    result = resolve_address("hau loc - thanh hoa")
    assert result.province.name == "Thanh Hóa"


def test_2025_address_resolves_to_itself():
    commune = _current(Level.COMMUNE, "Hoằng Hóa")
    assert resolve_address("Xã Hoằng Hóa, Tỉnh Thanh Hóa").commune == commune


def test_unknown_address_resolves_to_nothing():
    assert not resolve_address("Xã Không Có, Tỉnh Không Tồn Tại").ok
