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


# Real OCOP product names (provincial lists), with their producers' kind of
# names: typos in short syllables, ranking, and the bound on the candidates.
REAL = [
    ("Nước mắm Phú Quốc 40 độ đạm", "Công ty TNHH Nước mắm Thanh Hà"),
    ("Nước mắm Cửa Khe", "Hợp tác xã Chế biến hải sản Cửa Khe"),
    ("Nước mắm Nam Ô", "Hợp tác xã Nước mắm Nam Ô"),
    ("Mật ong bạc hà Mèo Vạc", "Hợp tác xã Ong mật Mèo Vạc"),
    ("Mật ong rừng U Minh", "Tổ hợp tác Ong mật U Minh Hạ"),
    ("Mắm tôm Ba Làng", "Hộ kinh doanh Nguyễn Văn Nam"),
    ("Nước cam Cao Phong", "Công ty Cổ phần Cam Cao Phong"),
    ("Chè Shan tuyết Suối Giàng", "Hợp tác xã Chè Suối Giàng"),
    ("Gạo ST25 Sóc Trăng", "Doanh nghiệp tư nhân Hồ Quang Cua"),
    ("Bánh gai Tứ Trụ", "Hộ kinh doanh Bánh gai Tứ Trụ"),
    ("Cà phê Buôn Ma Thuột", "Công ty TNHH Cà phê Ea Kar"),
    ("Kẹo dừa Bến Tre", "Hợp tác xã Dừa Xanh"),
]


@pytest.fixture
def real_catalogue():
    commune = communes("38", 1)[0]
    products = {}
    for name, subject_name in REAL:
        subject = SubjectFactory(commune=commune, name=subject_name)
        products[name] = ProductFactory(subject=subject, name=name)
    return products


def _ranked(query):
    central = user_with_role(Role.CENTRAL_OFFICER)
    return [p.name for p in search(products_visible_to(central), query)]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        # A slip in a short syllable: n/m, a doubled letter, swapped letters.
        ("nuoc nam", {"Nước mắm Phú Quốc 40 độ đạm", "Nước mắm Cửa Khe", "Nước mắm Nam Ô"}),
        ("mat ongg", {"Mật ong bạc hà Mèo Vạc", "Mật ong rừng U Minh"}),
        ("mat ogn", {"Mật ong bạc hà Mèo Vạc", "Mật ong rừng U Minh"}),
        ("keo dau", {"Kẹo dừa Bến Tre"}),
        ("che shan tuyte", {"Chè Shan tuyết Suối Giàng"}),
        ("ca phe buon ma thuoc", {"Cà phê Buôn Ma Thuột"}),
        # As typed: the phrase at the start of the name first.
        ("nuoc mam", {"Nước mắm Phú Quốc 40 độ đạm", "Nước mắm Cửa Khe", "Nước mắm Nam Ô"}),
        ("mam tom", {"Mắm tôm Ba Làng"}),
        ("nuoc cam", {"Nước cam Cao Phong"}),
    ],
)
def test_typos_in_short_syllables_and_relevance(real_catalogue, query, first):
    found = _ranked(query)
    assert set(found[: len(first)]) == first, found


def test_a_typo_does_not_bring_unrelated_products(real_catalogue):
    # "nuoc nam": the fish sauces, not the orange juice nor Mr Nam's shrimp paste first.
    found = _ranked("nuoc nam")
    assert found.index("Nước cam Cao Phong") > 2 if "Nước cam Cao Phong" in found else True
    assert "Bánh gai Tứ Trụ" not in found
    # Exact phrases win over scattered words.
    assert _ranked("mat ong")[:2] == ["Mật ong bạc hà Mèo Vạc", "Mật ong rừng U Minh"]
    assert _ranked("khong co gi") == []


def test_search_reads_a_bounded_number_of_candidates(real_catalogue, settings):
    from ocop.core.pagination import CappedPaginator

    settings.OCOP_SEARCH_CANDIDATES = 2
    central = user_with_role(Role.CENTRAL_OFFICER)
    found = search(products_visible_to(central), "hop tac xa")
    page = CappedPaginator(found, 50).page(1)
    assert page.paginator.capped  # "more than 2": asks for a filter
    assert page.paginator.count == 2
    assert len(found) == 3  # the candidates read: the limit and one more


def test_an_exhaustive_search_keeps_every_match_past_the_bound(settings):
    """Exports read every matching row: the bound of the screen's first page
    (OCOP_SEARCH_CANDIDATES) must not cut a downloaded list short."""
    settings.OCOP_SEARCH_CANDIDATES = 2
    commune = communes("38", 1)[0]
    for i in range(5):
        SubjectFactory(commune=commune, name=f"Hợp tác xã số {i}")
    SubjectFactory(commune=commune, name="Công ty Biển Xanh")
    subjects = subjects_visible_to(user_with_role(Role.CENTRAL_OFFICER))
    bounded = search(subjects, "hop tac xa")
    assert len(bounded) == 3  # the candidates and one more, telling there are more
    every = search(subjects, "hop tac xa", exhaustive=True)
    assert len(every) == 5
    assert all(s.name.startswith("Hợp tác xã") for s in every)
    # Nothing as typed: the typo candidates, as on the screen.
    assert [s.name for s in search(subjects, "bien xnah", exhaustive=True)] == ["Công ty Biển Xanh"]
