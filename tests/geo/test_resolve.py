import pytest

from ocop.geo.domain.resolve import AddressResolver, resolve_address
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


def test_preloaded_resolver_answers_like_resolve_address():
    resolver = AddressResolver()
    districts = ["Hậu Lộc", "Hoằng Hóa"]
    texts = [
        "Huyện Hậu Lộc, Tỉnh Thanh Hóa",
        "hau loc - thanh hoa",
        "Xã Hoằng Hóa, Tỉnh Thanh Hóa",
        "TP Sầm Sơn, Thanh Hóa",
        "Phường Đông Vệ, Thành phố Thanh Hóa, Tỉnh Thanh Hóa",
        "Thôn 2, Thị trấn Hậu Lộc, Huyện Hậu Lộc, Thanh Hóa",
        "Xã Không Có, Tỉnh Không Tồn Tại",
        "Huyện Ba Vì, Hà Nội",
        "Xã Quảng Ninh, Huyện Quảng Xương, Thanh Hóa",
    ]
    for commune in AdminUnit.objects.filter(
        era=Era.LEGACY, level=Level.COMMUNE, parent__name__in=districts, province__code="38"
    ).select_related("parent")[:40]:
        texts.append(f"{commune.full_name}, {commune.parent.full_name}, Tỉnh Thanh Hóa")
    for text in texts:
        expected, found = resolve_address(text), resolver.resolve(text)
        assert (found.province, found.commune, found.matched) == (
            expected.province,
            expected.commune,
            expected.matched,
        ), text
