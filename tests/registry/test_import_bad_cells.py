"""Import rows whose cells cannot be taken as they are: a text longer than
its database column is a row error naming the row, the column, the limit and
the length (never cut); a formula cell without a calculated value is said to
be one (not "the name is missing"); a half star is refused."""

import pytest

from ocop.products.models import Product
from ocop.registry.domain.service import run_import
from tests.factories.geo import province
from tests.registry.files import simple_list, write_rows

pytestmark = pytest.mark.django_db
FORMULA = (
    "ô công thức chưa có giá trị đã tính — hãy mở tệp trong Excel/LibreOffice, lưu lại rồi tải lên"
)


def row(name="Chè Hậu Lộc", subject="HTX Chè Hậu Lộc", address="Thôn 1", star=None):
    # STT, product, subject, tax code, legal form, address, commune, province, set, star
    return [1, name, subject, None, None, address, "Xã Hậu Lộc", "Thanh Hóa", None, star]


@pytest.fixture
def thanh_hoa():
    return province("38")


def problems(result):
    return {(p.row, p.column, p.code): p.message for p in result.problems}


@pytest.mark.parametrize(
    ("field", "column"), [(1, "Tên sản phẩm"), (2, "Tên chủ thể"), (5, "Địa chỉ")]
)
def test_a_text_longer_than_its_column_is_a_row_error(tmp_path, thanh_hoa, field, column):
    values = row()
    values[field] = "Tên rất dài " + "x" * 288  # 300 characters
    path = simple_list(tmp_path, [values, row(name="Mật ong", subject="HTX Ong")])
    result = run_import(path, province=thanh_hoa, apply_valid=True)
    found = problems(result)
    message = found[(2, column, "too_long")]
    assert "300" in message
    assert "255" in message
    assert (2, column, "too_long") in {(p.row, p.column, p.code) for p in result.errors}
    # The long row is not imported (nothing is cut); the other row is.
    assert list(Product.objects.values_list("name", flat=True)) == ["Mật ong"]


def test_a_decision_number_longer_than_its_column_is_a_row_error(tmp_path, thanh_hoa):
    values = [*row(star=3), None, "12/QĐ-" + "X" * 120, "12/05/2022"]
    result = run_import(simple_list(tmp_path, [values]), province=thanh_hoa, dry_run=True)
    message = problems(result)[(2, "Số quyết định", "too_long")]
    assert "126" in message
    assert "100" in message


def test_a_formula_without_a_calculated_value_is_said_to_be_one(tmp_path, thanh_hoa):
    """openpyxl (like other scripts) writes formulas without calculating them."""
    path = write_rows(
        tmp_path / "ds.xlsx",
        [
            (1, ["Tên sản phẩm", "Tên chủ thể", "Địa chỉ", "Ghép"]),
            (2, ["=D2", "HTX Chè", "Thị trấn Hậu Lộc, Huyện Hậu Lộc", "Chè"]),
            (3, ["Mật ong", '=CONCAT("HTX ", "Ong")', "Thị trấn Hậu Lộc, Huyện Hậu Lộc"]),
            (4, ["Rượu", "HTX Rượu", "Thị trấn Hậu Lộc, Huyện Hậu Lộc"]),
        ],
    )
    result = run_import(path, province=thanh_hoa, dry_run=True)
    found = problems(result)
    assert found[(2, "Tên sản phẩm", "formula_without_value")] == FORMULA[0].upper() + FORMULA[1:]
    assert (3, "Tên chủ thể", "formula_without_value") in found
    assert not any(code in ("missing_product", "missing_subject") for _r, _c, code in found)
    assert result.summary["rows_rejected"] == 2
    assert result.summary["rows_valid"] == 1


def test_a_row_of_formulas_only_is_not_skipped_as_empty(tmp_path, thanh_hoa):
    path = write_rows(
        tmp_path / "ds.xlsx",
        [
            (1, ["Tên sản phẩm", "Tên chủ thể", "Địa chỉ"]),
            (2, ["=1&1", "=2&2", None]),
            (3, ["Rượu", "HTX Rượu", "Thị trấn Hậu Lộc, Huyện Hậu Lộc"]),
        ],
    )
    result = run_import(path, province=thanh_hoa, dry_run=True)
    assert (2, "Tên sản phẩm", "formula_without_value") in problems(result)


@pytest.mark.parametrize("star", ["3,5", "3.5", 3.5])
def test_a_half_star_is_a_row_error(tmp_path, thanh_hoa, star):
    result = run_import(simple_list(tmp_path, [row(star=star)]), province=thanh_hoa, dry_run=True)
    assert (2, "Hạng sao", "bad_star") in problems(result)
    assert result.summary["rows_rejected"] == 1
