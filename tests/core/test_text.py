import pytest
from hypothesis import given
from hypothesis import strategies as st

from ocop.core.text import fold_key, fold_vi


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Nước mắm Phú Quốc", "nuoc mam phu quoc"),
        ("ĐẮK LẮK", "dak lak"),
        ("Tỉnh Thanh Hóa", "tinh thanh hoa"),
        ("Thanh Hoá", "thanh hoa"),  # old-style tone placement
        ("  Mật   ong\tbạc hà ", "mat ong bac ha"),
        ("ỷ ỹ ự ằ ẫ", "y y u a a"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold_vi_removes_accents_case_and_extra_spaces(text, folded):
    assert fold_vi(text) == folded


def test_fold_vi_treats_decomposed_input_like_composed():
    import unicodedata

    composed = "Hoằng Hóa"
    assert fold_vi(unicodedata.normalize("NFD", composed)) == fold_vi(composed) == "hoang hoa"


def test_fold_key_drops_punctuation():
    assert fold_key("Hạng sao (*)") == "hang sao"
    assert fold_key("Tên sản phẩm/ Dịch vụ") == "ten san pham dich vu"


@given(st.text())
def test_fold_vi_is_idempotent(text):
    assert fold_vi(fold_vi(text)) == fold_vi(text)
