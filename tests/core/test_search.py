"""Search: the same results on SQLite and PostgreSQL (CI runs this file on both)."""

import pytest

from ocop.accounts.enums import Role
from ocop.core.search import _within_edits, search
from ocop.producers.domain.queries import subjects_visible_to
from ocop.products.domain.queries import products_visible_to
from tests.factories.accounts import user_with_role
from tests.factories.geo import communes
from tests.factories.registry import ProductFactory, SubjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    thanh_hoa = communes("38", 1)[0]
    dak_lak = communes("66", 1)[0]  # Tỉnh Đắk Lắk
    honey = SubjectFactory(commune=dak_lak, name="Hợp tác xã Nông nghiệp Ea Kar")
    sauce = SubjectFactory(commune=thanh_hoa, name="Công ty TNHH Hải sản Biển Xanh")
    return {
        "fish_sauce": ProductFactory(subject=sauce, name="Nước mắm cá cơm Biển Xanh"),
        "dried_squid": ProductFactory(subject=sauce, name="Mực khô Biển Xanh"),
        "honey": ProductFactory(subject=honey, name="Mật ong hoa cà phê"),
        "coffee": ProductFactory(subject=honey, name="Cà phê bột nguyên chất"),
    }


def _names(qs):
    return sorted(p.name for p in qs)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("nuoc mam", ["Nước mắm cá cơm Biển Xanh"]),
        ("NƯỚC MẮM", ["Nước mắm cá cơm Biển Xanh"]),
        ("mat ong", ["Mật ong hoa cà phê"]),
        ("dak lak", ["Cà phê bột nguyên chất", "Mật ong hoa cà phê"]),
        ("ca phe", ["Cà phê bột nguyên chất", "Mật ong hoa cà phê"]),
        ("nuoc mma", ["Nước mắm cá cơm Biển Xanh"]),  # transposed letters
        ("muc kho bien xnah", ["Mực khô Biển Xanh"]),  # typo in a long word
        ("khong co gi", []),
    ],
)
def test_product_search_is_accent_insensitive_and_typo_tolerant(catalogue, query, expected):
    central = user_with_role(Role.CENTRAL_OFFICER)
    assert _names(search(products_visible_to(central), query)) == expected


def test_subject_search_finds_province_without_accents(catalogue):
    central = user_with_role(Role.CENTRAL_OFFICER)
    found = search(subjects_visible_to(central), "dak lak")
    assert [s.name for s in found] == ["Hợp tác xã Nông nghiệp Ea Kar"]


def test_search_stays_inside_the_scope(catalogue):
    officer = user_with_role(Role.PROVINCE_OFFICER, unit=communes("38", 1)[0].province)
    assert _names(search(products_visible_to(officer), "mat ong")) == []


@pytest.mark.parametrize(
    ("a", "b", "limit", "expected"),
    [
        ("mam", "mam", 0, True),
        ("mma", "mam", 1, True),
        ("xnah", "xanh", 1, True),
        ("abcd", "wxyz", 1, False),
        ("bien", "biens", 1, True),
        ("bien", "bienxx", 1, False),
    ],
)
def test_edit_distance(a, b, limit, expected):
    assert _within_edits(a, b, limit) is expected
