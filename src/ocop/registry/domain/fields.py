"""The layout of a registry list: the fields a column can hold, the header
texts that name them, and how legal forms are written (read by the import,
written by the export)."""

import re
from datetime import date

from django.utils.translation import gettext_lazy

from ocop.core.text import fold_key
from ocop.core.xlsx import HeaderAliases
from ocop.producers.enums import LegalForm

HEADER_SEARCH_ROWS = 20
MAX_STORED_PROBLEMS = 2000
EARLIEST_DECISION = date(2018, 1, 1)  # the OCOP programme began in 2018

# The fields a column can hold, in the order the preview lists them.
FIELDS = {
    "seq": gettext_lazy("No."),
    "product_name": gettext_lazy("Product name"),
    "subject_name": gettext_lazy("Subject name"),
    "registration_number": gettext_lazy("Registration / tax number"),
    "legal_form": gettext_lazy("Legal form"),
    "address": gettext_lazy("Address"),
    "commune": gettext_lazy("Commune / ward"),
    "district": gettext_lazy("District (before 1 July 2025)"),
    "locality": gettext_lazy("Locality"),
    "province": gettext_lazy("Province"),
    "group": gettext_lazy("Product group / set"),
    "star": gettext_lazy("Stars"),
    "score": gettext_lazy("Score"),
    "decision_number": gettext_lazy("Decision number"),
    "decision_date": gettext_lazy("Decision date"),
    "valid_until": gettext_lazy("Valid until"),
}
REQUIRED_FIELDS = ("product_name", "subject_name")
ADDRESS_FIELDS = ("address", "commune", "district", "locality", "province")

# Header texts seen in provincial lists and decision annexes, folded with
# fold_key after dropping anything in brackets ("Hạng sao (3, 4, 5)").
HEADER_ALIASES = {
    "seq": ["stt", "tt", "so tt", "so thu tu", "thu tu"],
    "product_name": [
        "ten san pham",
        "san pham",
        "ten sp",
        "ten san pham ocop",
        "san pham ocop",
        "ten san pham dich vu",
        "ten san pham dich vu ocop",
        "ten san pham hang hoa",
        "ten hang hoa",
    ],
    "subject_name": [
        "ten chu the",
        "chu the",
        "don vi",
        "ten don vi",
        "chu the ocop",
        "ten chu the ocop",
        "chu the san xuat",
        "ten chu the san xuat",
        "chu the san pham",
        "chu the don vi",
        "don vi chu the",
        "ten co so",
        "co so san xuat",
        "don vi san xuat",
        "to chuc ca nhan",
        "ten doanh nghiep",
        "ten to chuc ca nhan",
    ],
    "registration_number": [
        "ma so thue",
        "mst",
        "so dkkd",
        "ma so doanh nghiep",
        "ma so dn",
        "ma so dkkd",
        "so dang ky kinh doanh",
        "ma so dang ky kinh doanh",
        "so giay chung nhan dkkd",
        "so gcn dkkd",
        "giay dkkd",
        "ma so htx",
        "ma so thue so dkkd",
        "mst so dkkd",
    ],
    "legal_form": [
        "loai hinh",
        "loai hinh chu the",
        "loai hinh doanh nghiep",
        "loai hinh to chuc",
        "hinh thuc to chuc",
        "loai hinh to chuc kinh te",
        "loai hinh to chuc san xuat kinh doanh",
    ],
    "address": ["dia chi", "dia chi chu the", "dia chi tru so", "dia chi san xuat"],
    "commune": ["xa", "xa phuong", "phuong xa", "xa phuong thi tran", "xa phuong dac khu"],
    "district": [
        "huyen",
        "quan huyen",
        "huyen thi xa thanh pho",
        "huyen thi xa tp",
        "huyen tx tp",
        "huyen thi",
        "don vi cap huyen",
    ],
    "locality": ["dia phuong", "dia ban", "don vi hanh chinh", "dia ban san xuat"],
    "province": ["tinh", "tinh thanh pho", "tinh tp", "tinh thanh"],
    "group": [
        "nhom san pham",
        "bo san pham",
        "nhom",
        "phan nhom",
        "phan nhom san pham",
        "nhom bo san pham",
        "ma bo san pham",
        "nganh hang",
        "nhom nganh hang",
        "thuoc nhom",
    ],
    "star": [
        "hang sao",
        "so sao",
        "xep hang",
        "hang",
        "sao",
        "xep hang sao",
        "phan hang",
        "hang sao ocop",
        "ket qua xep hang",
        "ket qua phan hang",
        "ket qua danh gia phan hang",
        "hang sao dat duoc",
        "so sao dat duoc",
    ],
    "score": [
        "diem",
        "so diem",
        "tong diem",
        "diem so",
        "diem danh gia",
        "diem trung binh",
        "diem dat duoc",
        "tong diem dat duoc",
    ],
    "decision_number": [
        "so quyet dinh",
        "quyet dinh so",
        "quyet dinh",
        "so qd",
        "qd so",
        "qd cong nhan",
        "quyet dinh cong nhan",
        "so quyet dinh cong nhan",
    ],
    "decision_date": [
        "ngay quyet dinh",
        "ngay qd",
        "ngay cong nhan",
        "ngay ban hanh",
        "ngay ky",
        "ngay ky quyet dinh",
    ],
    "valid_until": [
        "hieu luc den",
        "co hieu luc den",
        "thoi han",
        "thoi han hieu luc",
        "han hieu luc",
        "ngay het han",
        "het han",
    ],
}
# Longer headers recognised by how they begin; checked in this order.
HEADER_PREFIXES = [
    ("ngay quyet dinh", "decision_date"),
    ("ngay cong nhan", "decision_date"),
    ("ngay qd", "decision_date"),
    ("ten san pham", "product_name"),
    ("ten chu the", "subject_name"),
    ("chu the", "subject_name"),
    ("ma so thue", "registration_number"),
    ("ma so doanh nghiep", "registration_number"),
    ("so dang ky kinh doanh", "registration_number"),
    ("loai hinh", "legal_form"),
    ("dia chi", "address"),
    ("bo san pham", "group"),
    ("nhom san pham", "group"),
    ("phan nhom", "group"),
    ("hang sao", "star"),
    ("so sao", "star"),
    ("xep hang", "star"),
    ("tong diem", "score"),
    ("so diem", "score"),
    ("so quyet dinh", "decision_number"),
    ("quyet dinh", "decision_number"),
    ("hieu luc", "valid_until"),
]

HEADERS = HeaderAliases(HEADER_ALIASES, HEADER_PREFIXES)
NUMBERING = re.compile(r"^\(?\d{1,3}\)?$")

# Vietnamese names of legal forms, written by the export and read back.
LEGAL_FORM_NAMES_VI = {
    LegalForm.LLC_ONE: "Công ty TNHH một thành viên",
    LegalForm.LLC_MULTI: "Công ty TNHH hai thành viên trở lên",
    LegalForm.PRIVATE_ENTERPRISE: "Doanh nghiệp tư nhân",
    LegalForm.JOINT_STOCK: "Công ty cổ phần",
    LegalForm.COOPERATIVE: "Hợp tác xã",
    LegalForm.COOPERATIVE_UNION: "Liên hiệp hợp tác xã",
    LegalForm.COOPERATIVE_GROUP: "Tổ hợp tác",
    LegalForm.HOUSEHOLD: "Hộ kinh doanh",
}
LEGAL_FORM_NAMES = {
    **{fold_key(name): value for value, name in LEGAL_FORM_NAMES_VI.items()},
    **{value: value for value in LegalForm.values},
}
# How legal forms are written, folded; the first match wins.
LEGAL_FORM_PATTERNS = [
    (re.compile(r"\blien hiep\b"), LegalForm.COOPERATIVE_UNION),
    (re.compile(r"\b(hop tac xa|htx)\b"), LegalForm.COOPERATIVE),
    (re.compile(r"\b(to hop tac|tht)\b"), LegalForm.COOPERATIVE_GROUP),
    (re.compile(r"\b(doanh nghiep tu nhan|dntn)\b"), LegalForm.PRIVATE_ENTERPRISE),
    (re.compile(r"\b(co phan|ctcp|cty cp|cong ty cp)\b"), LegalForm.JOINT_STOCK),
    (re.compile(r"\b(mot thanh vien|1 thanh vien|mtv|1tv)\b"), LegalForm.LLC_ONE),
    (re.compile(r"\b(tnhh|trach nhiem huu han|cong ty|cty|doanh nghiep)\b"), LegalForm.LLC_MULTI),
    (
        re.compile(r"\b(ho kinh doanh|hkd|ho gia dinh|ho san xuat|co so|ca nhan|ho ong|ho ba)\b"),
        LegalForm.HOUSEHOLD,
    ),
]
