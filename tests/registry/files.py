"""Realistic Excel lists of OCOP products, built with openpyxl.

They look like what provinces keep and what decision annexes are typed into:
title rows above the header, provincial header wording, pre-2025 addresses,
decimal commas, dates as text and as real dates, blank rows, merged cells.
"""

from datetime import date
from pathlib import Path

from openpyxl import Workbook

from ocop.registry.domain.exporting import PRODUCT_HEADERS

TITLE = "DANH SÁCH SẢN PHẨM OCOP TỈNH THANH HÓA NĂM 2022"

# The header of Thanh Hóa's 2022 list, as typed there.
THANH_HOA_HEADER = [
    "TT",
    "Tên sản phẩm",
    "Chủ thể",
    "Địa chỉ",
    "Nhóm sản phẩm",
    "Xếp hạng",
    "Số điểm",
    "Quyết định số",
    "Ngày quyết định",
    "Ghi chú",
]

# (row in the sheet, values). Row 6 is blank; row 9 has an invalid star; row 10
# repeats row 4.
THANH_HOA_ROWS = [
    (
        4,
        [
            1,
            "Nước mắm cá cơm Hoằng Trung",
            "HTX Dịch vụ nông nghiệp Hoằng Trung",
            "Xã Hoằng Trung, Huyện Hoằng Hóa",
            "Tương, nước mắm…",
            "3 sao",
            "66,36",
            "1234/QĐ-UBND",
            "12/05/2022",
            "Tái đánh giá năm 2025",
        ],
    ),
    (
        5,
        [
            2,
            "Mắm tép Hậu Lộc",
            "Công ty TNHH Thủy sản Hậu Lộc",
            "Huyện Hậu Lộc",
            "Thực phẩm",
            "4*",
            "72,5",
            "1234/QĐ-UBND",
            date(2022, 5, 12),
            None,
        ],
    ),
    (
        7,
        [
            3,
            "Chè lam Phủ Quảng",
            "Hộ kinh doanh Lê Thị Lan",
            "Thôn 2, Thị trấn Hậu Lộc, Huyện Hậu Lộc",
            "I.3.b",
            "3★",
            58,
            "2345/QĐ-UBND",
            "20/12/2022",
            None,
        ],
    ),
    (
        8,
        [
            4,
            "Mật ong bạc hà Hoằng Trung",
            "HTX Dịch vụ nông nghiệp Hoằng Trung",
            "Xã Hoằng Trung, Huyện Hoằng Hóa",
            "Mật ong, mật khác và nông sản thực phẩm khác",
            "Ba sao",
            "60,1",
            "2345/QĐ-UBND",
            "20/12/2022",
            None,
        ],
    ),
    (
        9,
        [
            5,
            "Nem chua Đa Lộc",
            "Cơ sở sản xuất nem chua Hương Quê",
            "Xã Đa Lộc, Huyện Hậu Lộc",
            "Thực phẩm",
            "6 sao",
            "91,2",
            "2345/QĐ-UBND",
            "20/12/2022",
            None,
        ],
    ),
    (
        10,
        [
            6,
            "Nước mắm cá cơm Hoằng Trung",
            "HTX Dịch vụ nông nghiệp Hoằng Trung",
            "Xã Hoằng Trung, Huyện Hoằng Hóa",
            "Tương, nước mắm…",
            "3 sao",
            "66,36",
            "1234/QĐ-UBND",
            "12/05/2022",
            None,
        ],
    ),
]


def write_rows(path: Path, rows: list[tuple[int, list]], *, title_rows=(), merges=()) -> Path:
    """Write ``rows`` (Excel row number, values) into a new workbook at ``path``."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
    for number, text in title_rows:
        sheet.cell(row=number, column=1, value=text)
    for number, values in rows:
        for column, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(row=number, column=column, value=value)
    for cell_range in merges:
        sheet.merge_cells(cell_range)
    workbook.save(path)
    return path


def thanh_hoa_list(tmp_path: Path, name: str = "ocop-thanh-hoa-2022.xlsx") -> Path:
    """The realistic provincial list described above: header on row 3."""
    return write_rows(
        tmp_path / name,
        [(3, THANH_HOA_HEADER), *THANH_HOA_ROWS],
        title_rows=[(1, TITLE)],
        merges=["A1:J1"],
    )


def simple_list(tmp_path: Path, rows: list[list], *, name: str = "list.xlsx") -> Path:
    """A list with the export's header on row 1 and ``rows`` below it."""
    header = PRODUCT_HEADERS[:-1]  # the export layout without "Hiệu lực đến"
    return write_rows(
        tmp_path / name,
        [(1, header)] + [(n, values) for n, values in enumerate(rows, start=2)],
    )


def annex_list(tmp_path: Path) -> Path:
    """A decision annex: a two-row header ("Kết quả" over "Điểm" and "Hạng
    sao"), a numbering row, district sections and a subject merged over two rows."""
    rows = [
        (4, ["STT", "Tên sản phẩm", "Tên chủ thể", "Mã số thuế", "Kết quả", None]),
        (5, [None, None, None, None, "Điểm", "Hạng sao"]),
        (6, ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"]),
        (7, ["I. HUYỆN HẬU LỘC"]),
        (8, [1, "Mực khô Hòa Lộc", "HTX Dịch vụ tổng hợp Hòa Lộc", 2801234567, "70,25", "4 sao"]),
        (9, [2, "Nước mắm Hòa Lộc", None, None, "65", "3 sao"]),
        (10, ["II. HUYỆN HOẰNG HÓA"]),
        (11, [3, "Bánh răng bừa", "Hộ kinh doanh Lê Văn Bình", None, 55.5, 3]),
    ]
    return write_rows(
        tmp_path / "phu-luc-quyet-dinh.xlsx",
        rows,
        title_rows=[
            (1, "ỦY BAN NHÂN DÂN TỈNH THANH HÓA"),
            (2, "PHỤ LỤC: DANH SÁCH SẢN PHẨM ĐƯỢC CÔNG NHẬN ĐẠT OCOP"),
            (3, "(Kèm theo Quyết định số 4567/QĐ-UBND ngày 15/08/2024)"),
        ],
        merges=["A4:A5", "B4:B5", "C4:C5", "D4:D5", "E4:F4", "A7:F7", "C8:C9", "D8:D9"],
    )
