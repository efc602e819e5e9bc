"""Importing lists of OCOP products from Excel (.xlsx).

Provinces keep their lists in Excel, and the annexes of published recognition
decisions are typed into Excel too. The columns differ from province to
province, so headers are recognised by their folded text ("Tên chủ thể",
"CHỦ THỂ", "Chủ thể/ Đơn vị"…), title rows above the header are skipped, and
vertically merged cells are filled down. Addresses written with pre-2025
district and commune names are resolved to 2025 units.

Each row gives (or matches) a subject, a product and, when it carries a star,
a historical certificate. Nothing is written in a dry run; a real run writes
in one transaction, chunk by chunk with bulk queries, and is rolled back when a
row is bad, unless ``apply_valid`` asks for the valid rows to be applied.
Re-importing the same file changes nothing.

Entry points: ``run_import`` (used by ``manage.py import_products``) and, for
the upload → preview → confirm pages, ``create_batch``, ``check_batch`` and
``apply_batch``.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path, PurePath

import openpyxl
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from ocop.accounts.rules import scope_for
from ocop.certification.domain.certificates import supersede_older
from ocop.certification.domain.rules import NoRuleInForce, rules_table, valid_until_for
from ocop.certification.enums import CertificateSource, CertificateStatus
from ocop.certification.models import Certificate
from ocop.core.domain.activity import log_action
from ocop.core.text import fold_key, fold_vi
from ocop.core.uploads import XLSX, check_upload
from ocop.geo.domain.resolve import _SPLIT, _TYPE_WORDS, ResolvedAddress, _strip_type
from ocop.geo.enums import Era, Level
from ocop.geo.models import AdminUnit
from ocop.producers.enums import LegalForm
from ocop.producers.models import Subject, subject_search_text
from ocop.producers.validators import (
    normalise_registration_number,
    validate_registration_number,
)
from ocop.products.enums import CategoryLevel, OcopStatus
from ocop.products.models import ImportBatch, Product, ProductCategory, product_search_text
from ocop.products.rules import IMPORT_ROLES, can_import, can_import_into  # noqa: F401

CHUNK_SIZE = 500
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
_HEADER_ALIASES = {
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
HEADER_ALIASES = {alias: name for name, aliases in _HEADER_ALIASES.items() for alias in aliases}
# Longer headers recognised by how they begin; checked in this order.
_HEADER_PREFIXES = [
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
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NUMBERING = re.compile(r"^\(?\d{1,3}\)?$")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

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
_LEGAL_FORM_NAMES = {
    **{fold_key(name): value for value, name in LEGAL_FORM_NAMES_VI.items()},
    **{value: value for value in LegalForm.values},
}
# How legal forms are written, folded; the first match wins.
_LEGAL_FORM_PATTERNS = [
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
_STAR_WORDS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5}
_STAR_NUMBER = re.compile(r"^(?:hang|dat|xep hang)?\s*(\d+)(?:[.,]0+)?\s*(?:sao|\*|★|☆)?(?:\W|$)")
_STAR_WORD = re.compile(r"^(?:hang|dat|xep hang)?\s*(mot|hai|ba|bon|tu|nam)\s*sao\b")
_STAR_GLYPHS = re.compile(r"^[★☆*]+$")
_DATE_DMY = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4}|\d{2})\b")
_DATE_YMD = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_DATE_WORDS = re.compile(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})")
_DECISION_PREFIX = re.compile(
    r"^\s*(?:quy[eếê]t\s*đ[iị]nh|q[đd])?\s*(?:s[oố])?\s*[:.]?\s*", re.IGNORECASE
)
_DECISION_DATE_SPLIT = re.compile(r"[\s,;]+ng[aà]y\b", re.IGNORECASE)
_UNIT_TYPE_PREFIXES = tuple(f"{w} " for w in (*_TYPE_WORDS, "thanh pho"))


# Problems ---------------------------------------------------------------------


ERROR = "error"
WARNING = "warning"


@dataclass
class Problem:
    """A bad (error) or doubtful (warning) value, with its Excel row and column."""

    row: int
    column: str
    code: str
    message: str
    severity: str = ERROR
    value: str = ""

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "message": str(self.message),
            "severity": self.severity,
            "value": self.value,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Problem":
        return cls(**{k: data.get(k, "") for k in cls.__dataclass_fields__})

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


class BadValue(Exception):
    """A bad value: raised by the parsers, reported as a Problem (``code`` is
    stable; ``message`` is translated)."""

    def __init__(self, code: str, message: str, severity: str = ERROR):
        super().__init__(message)
        self.code, self.message, self.severity = code, message, severity
        self.column = ""  # for address problems: the column they come from
        self.text = ""


@dataclass
class Column:
    index: int  # 0-based
    header: str
    field: str = ""

    @property
    def letter(self) -> str:
        return get_column_letter(self.index + 1)

    @property
    def label(self) -> str:
        return self.header or self.letter

    def as_dict(self) -> dict:
        return {"index": self.index, "header": self.header, "field": self.field}


@dataclass
class ImportResult:
    header_row: int
    columns: list[Column]
    summary: dict
    problems: list[Problem]
    applied: bool = False
    batch: ImportBatch | None = None

    @property
    def unrecognised(self) -> list[Column]:
        return [c for c in self.columns if not c.field and c.header]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


# Reading cells ----------------------------------------------------------------


def unescape_cell(value):
    """Undo the export's formula escaping: "'=1+1" is read back as "=1+1"."""
    if isinstance(value, str) and value[:1] == "'" and value[1:2] in FORMULA_START:
        return value[1:]
    return value


def _clean(value):
    if isinstance(value, str):
        value = unescape_cell(value.replace("\xa0", " ").strip())
        return value or None
    return value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value).split())


@lru_cache(maxsize=1024)
def name_key(name: str) -> str:
    """Names compared without case, accents, punctuation or extra spaces."""
    return fold_key(name)


def header_field(text) -> str:
    """The field a header names ("Tên chủ thể", "CHỦ THỂ OCOP"…), or ""."""
    key = fold_key(_BRACKETS.sub(" ", _text(text)))
    if not key:
        return ""
    if key in HEADER_ALIASES:
        return HEADER_ALIASES[key]
    for prefix, name in _HEADER_PREFIXES:
        if key.startswith(prefix):
            return name
    return ""


@lru_cache(maxsize=1024)
def parse_star(value) -> int | None:
    """3 from "3 sao", "3*", "3★", "★★★", 3, 3.0, "Ba sao"; None when empty."""
    if value is None or value == "":
        return None
    star = None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        if float(value).is_integer():
            star = int(value)
    else:
        folded = fold_vi(str(value))
        if _STAR_GLYPHS.match(folded):
            star = len(folded)
        elif match := _STAR_NUMBER.match(folded):
            star = int(match.group(1))
        elif match := _STAR_WORD.match(folded):
            star = _STAR_WORDS[match.group(1)]
    if star not in (3, 4, 5):
        raise BadValue(
            "bad_star",
            _("Invalid star value “%(value)s”: use 3, 4 or 5 stars (e.g. “4 sao”).")
            % {"value": _text(value)},
        )
    return star


@lru_cache(maxsize=8192)
def parse_score(value) -> Decimal | None:
    """66.36 from "66,36", "66.36", 66.36 or "66,36 điểm"; None when empty."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            score = Decimal(str(value))
        else:
            text = fold_vi(str(value)).replace("diem", "").replace(" ", "")
            score = Decimal(text.replace(",", "."))
        score = score.quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        score = None
    if score is None or not Decimal(0) <= score <= Decimal(100):
        raise BadValue(
            "bad_score",
            _("Invalid score “%(value)s”: give a number from 0 to 100 (e.g. 66,36).")
            % {"value": _text(value)},
        )
    return score


def _make_date(year: int, month: int, day: int) -> date | None:
    if year < 100:
        year += 2000
    try:
        return date(year, month, day)
    except ValueError:
        return None


@lru_cache(maxsize=8192)
def parse_date(value, *, today: date | None = None) -> date | None:
    """A date from a real Excel date, an Excel serial number or text such as
    "12/05/2022", "12-5-2022", "2022-05-12" or "ngày 12 tháng 5 năm 2022"."""
    if value is None or value == "":
        return None
    found = None
    if isinstance(value, datetime):
        found = value.date()
    elif isinstance(value, date):
        found = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 < value < 80000:  # an Excel serial number (1954–2119)
            found = from_excel(value).date()
    else:
        text = fold_vi(str(value))
        if match := _DATE_YMD.search(text):
            found = _make_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        elif match := _DATE_WORDS.search(text) or _DATE_DMY.search(text):
            found = _make_date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    if found is None:
        raise BadValue(
            "bad_date",
            _("Invalid date “%(value)s”: write it as dd/mm/yyyy (e.g. 12/05/2022).")
            % {"value": _text(value)},
        )
    today = today or timezone.localdate()
    if not EARLIEST_DECISION <= found <= today:
        raise BadValue(
            "date_out_of_range",
            _("The date %(value)s is outside the OCOP programme (2018 until today).")
            % {"value": found.strftime("%d/%m/%Y")},
        )
    return found


def parse_decision(value) -> tuple[str, str]:
    """("1234/QĐ-UBND", "12/5/2022") from "Quyết định số 1234/QĐ-UBND ngày 12/5/2022"."""
    text = _text(value)
    if not text:
        return "", ""
    date_text = ""
    parts = _DECISION_DATE_SPLIT.split(text, maxsplit=1)
    if len(parts) == 2:
        text, date_text = parts[0], parts[1]
    if not text[:1].isdigit():
        text = _DECISION_PREFIX.sub("", text)
    return text.strip(" ,;.:"), date_text.strip()


@lru_cache(maxsize=4096)
def decision_key(number: str) -> str:
    """Decision numbers compared without case, accents or spaces."""
    return re.sub(r"\s+", "", fold_vi(number))


@lru_cache(maxsize=8192)
def parse_legal_form(text: str) -> str | None:
    """The legal form named by "HTX", "Công ty TNHH MTV", "Hộ kinh doanh"…"""
    folded = fold_key(text)
    if not folded:
        return None
    if folded in _LEGAL_FORM_NAMES:
        return _LEGAL_FORM_NAMES[folded]
    for pattern, value in _LEGAL_FORM_PATTERNS:
        if pattern.search(folded):
            return value
    return None


def parse_registration_number(value) -> str:
    """A registration/tax number; numbers typed into numeric cells lose their
    leading zero (0101234567 → 101234567), which is put back."""
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        if len(text) in (9, 12):
            text = "0" + text
        return normalise_registration_number(text)
    return normalise_registration_number(str(value))


# Permissions ------------------------------------------------------------------


def check_import_permission(user, province) -> None:
    """Raise PermissionDenied unless ``user`` may import into ``province``.
    ``user=None`` is the system (the management command): always allowed."""
    if user is None:
        return
    if province is None:
        raise PermissionDenied(_("Choose the province to import into."))
    if not can_import_into(user, province):
        raise PermissionDenied(
            _("You may only import products into a province in your scope; %(province)s is not.")
            % {"province": province.full_name}
        )


def import_provinces_for(user):
    """The 2025 provinces ``user`` may import into (the upload form's choices)."""
    provinces = AdminUnit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE).order_by("code")
    scope = scope_for(user)
    if scope.is_national(IMPORT_ROLES):
        return provinces
    return provinces.filter(pk__in=scope.province_ids(IMPORT_ROLES))


def import_batches_visible_to(user):
    """Imports a person may see: those into provinces they may import into."""
    scope = scope_for(user)
    visible = ImportBatch.objects.filter(scope.q(province="province", roles=IMPORT_ROLES))
    return visible.select_related("province", "created_by")


# Addresses --------------------------------------------------------------------


def _find(candidates, hint):
    """resolve.py's choice among units of the same name, on a prefiltered list."""
    matches = list(candidates)
    if hint not in ("any", None):
        matches = [u for u in matches if u.level == hint] or matches
    matches.sort(key=lambda u: (u.era != Era.CURRENT, u.level == Level.COMMUNE))
    return matches[0] if matches else None


@dataclass
class _Scope:
    by_name: dict  # folded name -> units, in database order
    by_parent_name: dict  # (parent id, folded name) -> units
    by_id: dict


@dataclass
class Place:
    province: AdminUnit
    commune: AdminUnit
    precise: bool  # the address named a commune (not only a district)
    legacy: bool  # it was written with pre-2025 unit names
    street: str = ""
    text: str = ""
    warning: Problem | None = None


class AddressResolver:
    """``geo.domain.resolve.resolve_address`` over units loaded once per province.

    ``resolve_address`` loads the province's ~1,500 units on every call (about
    50 ms); an import resolves hundreds of distinct localities, so the same
    rules run here over an index built once. ``tests/products/test_import.py``
    checks that both give the same answers.
    """

    def __init__(self):
        self.provinces = list(AdminUnit.objects.filter(level=Level.PROVINCE))
        self.province_by_id = {p.pk: p for p in self.provinces}
        self.provinces_by_name = defaultdict(list)
        for unit in self.provinces:
            self.provinces_by_name[fold_vi(unit.name)].append(unit)
        self._scopes: dict[int, _Scope] = {}
        self._communes: dict[int, AdminUnit] = {}
        self._fallbacks: dict[int, AdminUnit | None] = {}

    def _scope(self, province: AdminUnit) -> _Scope:
        if province.pk not in self._scopes:
            if province.era == Era.CURRENT:
                condition = Q(province=province) | Q(era=Era.LEGACY, successor_province=province)
            else:
                condition = Q(province=province) | Q(province=province.successor_province_id)
            by_name, by_parent_name, by_id = defaultdict(list), defaultdict(list), {}
            for unit in AdminUnit.objects.filter(condition).exclude(level=Level.PROVINCE):
                name = fold_vi(unit.name)
                by_name[name].append(unit)
                by_parent_name[unit.parent_id, name].append(unit)
                by_id[unit.pk] = unit
                if unit.era == Era.CURRENT and unit.level == Level.COMMUNE:
                    unit.parent = self.province_by_id.get(unit.parent_id)
                    self._communes[unit.pk] = unit
            self._scopes[province.pk] = _Scope(by_name, by_parent_name, by_id)
        return self._scopes[province.pk]

    def commune(self, pk: int) -> AdminUnit:
        """A 2025 commune with its province loaded (for search texts)."""
        if pk not in self._communes:
            self._communes[pk] = AdminUnit.objects.select_related("parent").get(pk=pk)
        return self._communes[pk]

    def load_communes(self, pks) -> None:
        missing = set(pks) - set(self._communes)
        if missing:
            for unit in AdminUnit.objects.filter(pk__in=missing).select_related("parent"):
                self._communes[unit.pk] = unit

    def current_province(self, unit: AdminUnit) -> AdminUnit | None:
        pk = unit.province_id if unit.era == Era.CURRENT else unit.successor_province_id
        return self.province_by_id.get(pk)

    def current_commune(self, unit: AdminUnit) -> AdminUnit | None:
        if unit.era == Era.CURRENT:
            return unit if unit.level == Level.COMMUNE else None
        if unit.successor_commune_id is None:
            return None
        return self.commune(unit.successor_commune_id)

    def parent(self, unit: AdminUnit) -> AdminUnit | None:
        """An old commune's district, from the loaded units."""
        province = self.current_province(unit)
        return self._scope(province).by_id.get(unit.parent_id) if province else None

    def province_named(self, part: str) -> AdminUnit | None:
        """The 2025 province a single address part names ("Tỉnh Thanh Hóa",
        "Thanh Hóa", "Hà Nam" before 2025), or None ("Xã Quảng Ninh")."""
        name, hint = _strip_type(fold_vi(part))
        if hint not in ("any", None, Level.PROVINCE):
            return None
        found = _find(self.provinces_by_name.get(name, ()), Level.PROVINCE)
        return self.current_province(found) if found else None

    def is_unit_name(self, province: AdminUnit, part: str) -> bool:
        folded = fold_vi(part)
        if folded.startswith(_UNIT_TYPE_PREFIXES):
            return True
        name, _hint = _strip_type(folded)
        return name in self._scope(province).by_name or name in self.provinces_by_name

    def resolve(self, text: str) -> ResolvedAddress:
        parts = [p for p in _SPLIT.split(fold_vi(text)) if p]
        province = None
        while parts and province is None:
            name, _hint = _strip_type(parts[-1])
            province = _find(self.provinces_by_name.get(name, ()), Level.PROVINCE)
            parts.pop()
        if province is None:
            return ResolvedAddress(None, None, None)
        scope = self._scope(province)
        matched = province
        for part in reversed(parts):
            name, hint = _strip_type(part)
            if matched.level == Level.DISTRICT:
                pool = scope.by_parent_name.get((matched.pk, name), ())
            else:
                pool = scope.by_name.get(name, ())
            found = _find(pool, hint)
            if found is None:
                break
            matched = found
        return ResolvedAddress(
            self.current_province(matched), self.current_commune(matched), matched
        )

    def district_commune(self, district: AdminUnit) -> AdminUnit | None:
        """The 2025 commune standing for an old district when a list gives only
        the district: the commune named after it (most districts gave their
        name to the commune of their seat), else the successor of the district
        town, else the successor of most of its communes."""
        if district.pk in self._fallbacks:
            return self._fallbacks[district.pk]
        province = self.current_province(district)
        scope = self._scope(province)
        chosen = next(
            (
                u
                for u in scope.by_name.get(fold_vi(district.name), ())
                if u.era == Era.CURRENT and u.level == Level.COMMUNE
            ),
            None,
        )
        if chosen is None:
            children = sorted(
                (u for u in scope.by_id.values() if u.parent_id == district.pk),
                key=lambda u: u.code,
            )
            towns = [u for u in children if fold_vi(u.kind) == "thi tran"]
            if towns and towns[0].successor_commune_id:
                chosen = self.commune(towns[0].successor_commune_id)
            else:
                counts = Counter(u.successor_commune_id for u in children if u.successor_commune_id)
                if counts:
                    chosen = self.commune(counts.most_common(1)[0][0])
        self._fallbacks[district.pk] = chosen
        return chosen


# Reading the sheet --------------------------------------------------------------

_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+)(\d+):([A-Z]+)(\d+)\"")


def _column_index(letters: bytes) -> int:
    index = 0
    for char in letters.decode():
        index = index * 26 + ord(char) - 64
    return index - 1


def _merged_ranges(workbook, sheet) -> list[tuple[int, int, int]]:
    """(first row, last row, column) of each vertically merged range. Read-only
    worksheets do not parse merges, so the sheet's XML is scanned for them."""
    archive = getattr(workbook, "_archive", None)
    path = getattr(sheet, "_worksheet_path", None)
    if archive is None or path is None:
        return []
    ranges, tail = [], b""
    with archive.open(path) as source:
        while block := source.read(1 << 20):
            data = tail + block
            ranges.extend(_MERGE.findall(data))
            tail = data[-200:] if not data.endswith(b">") else b""
    result = set()
    for first_col, first_row, _last_col, last_row in ranges:
        if int(last_row) > int(first_row):
            result.add((int(first_row), int(last_row), _column_index(first_col)))
    return sorted(result)


def _sheet_rows(workbook, sheet, merges=None):
    """(Excel row number, list of cleaned values), merged cells filled down."""
    starts = defaultdict(list)
    if merges is None:
        merges = _merged_ranges(workbook, sheet)
    for first, last, column in merges:
        starts[first].append((column, last))
    filling: dict[int, tuple[object, int]] = {}
    sheet.reset_dimensions()  # some writers store wrong dimensions
    for number, raw in enumerate(sheet.iter_rows(values_only=True), start=1):
        values = [_clean(v) for v in raw]
        for column, (value, last) in list(filling.items()):
            if number <= last:
                while len(values) <= column:
                    values.append(None)
                if values[column] is None:
                    values[column] = value
            if number >= last:
                del filling[column]
        for column, last in starts.get(number, ()):
            filling[column] = (values[column] if column < len(values) else None, last)
        yield number, values


def detect_header(rows) -> tuple[int, list[Column], int] | None:
    """Find the header among the first rows: the first that names at least
    the product and the subject. Returns (header row, columns, first data
    row) and merges a sub-header row below it ("Kết quả" over "Điểm", "Hạng")."""
    previous = None
    for number, values in rows:
        if number > HEADER_SEARCH_ROWS + 1:
            return None
        if previous is not None:
            header_number, columns = previous
            first = number + 1 if _merge_subheader(columns, values) else number
            return header_number, columns, first
        columns = []
        seen = set()
        for index, value in enumerate(values):
            text = _text(value)
            name = header_field(text)
            if name in seen:
                name = ""
            seen.add(name)
            columns.append(Column(index=index, header=text, field=name))
        if all(name in seen for name in REQUIRED_FIELDS):
            previous = (number, columns)
    if previous is not None:
        return previous[0], previous[1], previous[0] + 1
    return None


def _merge_subheader(columns: list[Column], values: list) -> bool:
    texts = [_text(v) for v in values]
    fields = [header_field(t) for t in texts]
    pairs = list(zip(texts, fields, strict=True))
    if not any(fields) or any(t and not f and not _NUMBERING.match(t) for t, f in pairs):
        return False
    used = {c.field for c in columns if c.field}
    for index, (text, name) in enumerate(pairs):
        if not name or name in used:
            continue
        while len(columns) <= index:
            columns.append(Column(index=len(columns), header=""))
        column = columns[index]
        if column.field:
            continue
        column.header = f"{column.header} / {text}" if column.header else text
        column.field = name
        used.add(name)
    return True


def apply_mapping(columns: list[Column], mapping: dict | None) -> None:
    """Apply the user's choices {column index: field name or ""} to the columns."""
    for key, name in (mapping or {}).items():
        index = int(key)
        if name and name not in FIELDS:
            raise ValidationError(_("Unknown field “%(field)s”.") % {"field": name}, code="field")
        while len(columns) <= index:
            columns.append(Column(index=len(columns), header=""))
        columns[index].field = name or ""


def clean_mapping(mapping: dict | None, columns=None) -> dict[str, str]:
    """A mapping as stored in ImportBatch.mapping: string keys, known fields."""
    cleaned = {}
    for key, name in (mapping or {}).items():
        if not str(key).isdigit():
            continue
        if name and name not in FIELDS:
            raise ValidationError(_("Unknown field “%(field)s”.") % {"field": name}, code="field")
        cleaned[str(int(key))] = name or ""
    return cleaned


# Planning and writing -------------------------------------------------------------


@dataclass(eq=False, slots=True)
class _SubjectEntry:
    uid: int
    pk: int | None
    name: str
    registration_number: str | None
    legal_form: str
    commune_id: int
    province_id: int
    address: str
    legacy_address: str
    created: bool = False
    changed: bool = False
    touched: bool = False
    dirty: bool = False  # to be written with the current chunk
    products_loaded: bool = False


@dataclass(eq=False, slots=True)
class _ProductEntry:
    uid: int
    pk: int | None
    subject: _SubjectEntry
    name: str
    commune_id: int
    category_id: int | None
    status: str
    star: int | None
    certified_until: date | None
    latest: tuple = (date.min, 0)  # (decision date, order) of the newest certificate
    created: bool = False
    changed: bool = False
    touched: bool = False
    dirty: bool = False
    first_row: int = 0


@dataclass
class _Row:
    number: int
    product_name: str
    subject_name: str
    registration_number: str
    legal_form: str
    legal_form_explicit: bool
    place: Place
    category: ProductCategory | None
    star: int | None
    score: Decimal | None
    decision_number: str
    decision_date: date | None
    valid_until: date | None


@dataclass
class _Counts:
    rows: int = 0
    rows_valid: int = 0
    rows_rejected: int = 0
    rows_duplicate: int = 0
    certificates_created: int = 0


class _Importer:
    def __init__(
        self,
        *,
        province,
        mapping,
        dry_run: bool,
        apply_valid: bool,
        chunk_size: int = CHUNK_SIZE,
        today: date | None = None,
    ):
        self.province = province
        self.mapping = mapping or {}
        self.dry_run = dry_run
        self.apply_valid = apply_valid
        self.chunk_size = chunk_size
        self.today = today or timezone.localdate()
        self.certification_rules = None
        self.resolver = AddressResolver()
        self.counts = _Counts()
        self.problems: list[Problem] = []
        self.problem_counts = Counter()
        self.error_rows: set[int] = set()
        self.columns: list[Column] = []
        self.header_row = 0
        self.by_field: dict[str, list[int]] = {}
        self.places: dict[tuple, Place | BadValue] = {}
        self.section_locality = ""
        # What this import has seen or made, by matching key.
        self.subjects_by_reg: dict[str, _SubjectEntry] = {}
        self.subjects_by_name: dict[tuple[int, str], _SubjectEntry] = {}
        self.subject_entries: dict[int, _SubjectEntry] = {}
        self.products: dict[tuple[int, str], _ProductEntry] = {}
        self.certificates: dict[tuple[int, str, int], tuple[int | None, tuple]] = {}
        self.new_certificates: list[tuple[_ProductEntry, Certificate]] = []
        self.certified_product_ids: set[int] = set()  # products given a certificate
        self._next_uid = -1
        self._load_categories()

    # Problems

    def problem(self, row: int, column: str, bad: BadValue, value="") -> None:
        self.problem_counts[bad.severity] += 1
        if bad.severity == ERROR:
            self.error_rows.add(row)
        if len(self.problems) < MAX_STORED_PROBLEMS:
            self.problems.append(
                Problem(row, column, bad.code, str(bad.message), bad.severity, _text(value)[:200])
            )

    @property
    def has_errors(self) -> bool:
        return self.problem_counts[ERROR] > 0

    def label(self, name: str) -> str:
        indices = self.by_field.get(name) or []
        if indices:
            return self.columns[indices[0]].label
        return str(FIELDS.get(name, name))

    # Categories

    def _load_categories(self) -> None:
        categories = list(ProductCategory.objects.all())
        self.category_by_id = {c.pk: c for c in categories}
        self.category_by_code = {c.code.casefold(): c for c in categories}
        self.category_by_name = defaultdict(list)
        for c in categories:
            self.category_by_name[fold_key(c.name)].append(c)
        children = defaultdict(list)
        for c in categories:
            children[c.parent_id].append(c)
        self.category_children = children
        bases: dict[str, list[date]] = {}
        for c in categories:
            start, end = bases.setdefault(c.legal_basis, [c.valid_from, c.valid_to or date.max])
            bases[c.legal_basis] = [min(start, c.valid_from), max(end, c.valid_to or date.max)]
        self.bases = sorted(bases.items(), key=lambda item: item[1][0])
        self.group_cache: dict[tuple[str, str], ProductCategory | None] = {}

    def valid_until(self, decision_date: date) -> date | None:
        """Expiry by the certification rule in force on the decision date
        (rules are data); ``None`` when no rule is loaded for that date."""
        if self.certification_rules is None:
            self.certification_rules = rules_table()
        try:
            return valid_until_for(issued_on=decision_date, table=self.certification_rules)
        except NoRuleInForce:
            return None

    def legal_basis(self, day: date | None) -> str:
        """The decision in force on ``day`` (1048/QĐ-TTg before 24/02/2023,
        148/QĐ-TTg since), from the classification's own dates."""
        if day is None or not self.bases:
            return ""
        for basis, (start, end) in self.bases:
            if start <= day <= end:
                return basis
        return self.bases[0][0] if day < self.bases[0][1][0] else self.bases[-1][0]

    def _leaf(self, category: ProductCategory) -> ProductCategory:
        """A sub-group with a single set stands for that set."""
        sets = self.category_children.get(category.pk, [])
        if category.level == CategoryLevel.SUBGROUP and len(sets) == 1:
            return sets[0]
        return category

    def category(self, text: str, basis: str) -> ProductCategory | None:
        key = (text, basis)
        if key not in self.group_cache:
            self.group_cache[key] = self._category(text, basis)
        return self.group_cache[key]

    def _category(self, text: str, basis: str) -> ProductCategory | None:
        first = text.split()[0].rstrip(".):").casefold() if text.split() else ""
        if first in self.category_by_code:
            return self._leaf(self.category_by_code[first])
        name = fold_key(text.rstrip(".…").removesuffix("..."))
        candidates = [
            *self.category_by_name.get(name, []),
            *self.category_by_name.get(f"san pham {name}", []),
        ]
        if not candidates and len(name) >= 4:
            candidates = [
                c
                for key, cats in self.category_by_name.items()
                if key.startswith(name)
                for c in cats
                if c.level == CategoryLevel.SET
            ]
            if len({c.pk for c in candidates}) > 1:
                return None
        if not candidates:
            return None
        preferred = basis or "148/QĐ-TTg"
        candidates.sort(
            key=lambda c: (
                c.legal_basis != preferred,
                [CategoryLevel.SET, CategoryLevel.SUBGROUP, CategoryLevel.GROUP].index(c.level),
            )
        )
        return self._leaf(candidates[0])

    # Rows

    def value(self, values: list, name: str):
        for index in self.by_field.get(name, ()):
            if index < len(values) and values[index] not in (None, ""):
                return values[index]
        return None

    def text(self, values: list, name: str) -> str:
        return _text(self.value(values, name))

    def is_section(self, values: list) -> bool:
        """Title rows inside the table ("I. HUYỆN HOẰNG HÓA", "Tổng cộng")."""
        if self.text(values, "product_name") or self.text(values, "subject_name"):
            seq = self.value(values, "seq")
            return isinstance(seq, str) and fold_vi(seq).startswith("tong")
        seq = set(self.by_field.get("seq", ()))
        filled = [v for i, v in enumerate(values) if v not in (None, "") and i not in seq]
        if len(filled) > 1:
            return False  # a data row without names: reported as such
        filled = [v for v in values if v not in (None, "")]
        if len(filled) == 1 and isinstance(filled[0], str):
            heading = re.sub(r"^\s*[IVXLC\d]+[.)]\s*|^\s*[A-Za-z][.)]\s*", "", filled[0])
            if fold_vi(heading).startswith(_UNIT_TYPE_PREFIXES):
                self.section_locality = heading
        return True

    def parse_row(self, number: int, values: list) -> _Row | None:
        product_name = self.text(values, "product_name")
        subject_name = self.text(values, "subject_name")
        if _NUMBERING.match(product_name) and _NUMBERING.match(subject_name):
            return None  # the (1) (2) (3) row under a header
        self.counts.rows += 1
        errors = 0

        def bad(name, exc, value=None):
            nonlocal errors
            errors += exc.severity == ERROR
            self.problem(number, self.label(name), exc, value)

        if not product_name:
            bad("product_name", BadValue("missing_product", _("The product name is missing.")))
        if not subject_name:
            bad("subject_name", BadValue("missing_subject", _("The subject name is missing.")))
        for name, text in (("product_name", product_name), ("subject_name", subject_name)):
            if len(text) > 255:
                bad(name, BadValue("too_long", _("The name is longer than 255 characters.")), text)
        parsed = {}
        for name, parser in (("star", parse_star), ("score", parse_score)):
            try:
                parsed[name] = parser(self.value(values, name))
            except BadValue as exc:
                bad(name, exc, self.value(values, name))
                parsed[name] = None
        decision_number, date_text = parse_decision(self.value(values, "decision_number"))
        if len(decision_number) > 100:
            bad("decision_number", BadValue("too_long", _("The decision number is too long.")))
        raw_date = self.value(values, "decision_date") or date_text or None
        date_column = "decision_date" if self.value(values, "decision_date") else "decision_number"
        try:
            decision_date = parse_date(raw_date, today=self.today)
        except BadValue as exc:
            bad(date_column, exc, raw_date)
            decision_date = None
        try:
            valid_until = parse_date(self.value(values, "valid_until"), today=date.max)
        except BadValue:
            valid_until = None  # recomputed from the decision date anyway
        star = parsed["star"]
        if star is None and (parsed["score"] is not None or decision_number) and not errors:
            bad(
                "star",
                BadValue(
                    "missing_star", _("A score or decision is given without the star rating.")
                ),
            )
        # Legal form and registration number.
        form_text = self.text(values, "legal_form")
        legal_form = parse_legal_form(form_text) if form_text else None
        explicit = legal_form is not None
        if form_text and legal_form is None:
            bad(
                "legal_form",
                BadValue(
                    "unknown_legal_form",
                    _("Unknown legal form “%(value)s”; it was guessed from the name.")
                    % {"value": form_text},
                    WARNING,
                ),
            )
        if legal_form is None:
            legal_form = parse_legal_form(subject_name) or LegalForm.HOUSEHOLD
        registration = parse_registration_number(self.value(values, "registration_number"))
        if registration:
            try:
                validate_registration_number(registration, legal_form=legal_form)
            except ValidationError as exc:
                bad(
                    "registration_number",
                    BadValue("bad_registration_number", " ".join(exc.messages)),
                    registration,
                )
        # Product group.
        group_text = self.text(values, "group")
        category = None
        basis = self.legal_basis(decision_date)
        if group_text:
            category = self.category(group_text, basis)
            if category is None:
                bad(
                    "group",
                    BadValue(
                        "unknown_group",
                        _(
                            "Unknown product group “%(value)s”; the product is imported "
                            "without a product set."
                        )
                        % {"value": group_text},
                        WARNING,
                    ),
                )
        place = self.place(number, values)
        if isinstance(place, BadValue):
            errors += 1
            self.problem(number, place.column, place, place.text)
        elif place.warning is not None:
            warning = place.warning
            self.problem(
                number, warning.column, BadValue(warning.code, warning.message, WARNING), place.text
            )
        if errors:
            return None
        if decision_date is not None:
            valid_until = self.valid_until(decision_date)
        return _Row(
            number=number,
            product_name=product_name,
            subject_name=subject_name,
            registration_number=registration or "",
            legal_form=legal_form,
            legal_form_explicit=explicit,
            place=place,
            category=category,
            star=star,
            score=parsed["score"],
            decision_number=decision_number,
            decision_date=decision_date,
            valid_until=valid_until,
        )

    def address_parts(self, values: list) -> tuple[list[str], str, str]:
        """(address parts, province text, column of the first part)."""
        parts, column = [], ""
        seen = ""
        for name in ("address", "commune", "district", "locality"):
            text = self.text(values, name)
            if not text:
                continue
            folded = fold_vi(text)
            if name == "district" and not folded.startswith(_UNIT_TYPE_PREFIXES):
                text = f"Huyện {text}"
            elif name == "commune" and not folded.startswith(_UNIT_TYPE_PREFIXES):
                text = f"Xã {text}"
            key = fold_key(text)
            if key and key in seen:
                continue
            seen = f"{seen} | {key}"
            parts.append(text)
            column = column or self.label(name)
        if not parts and self.section_locality:
            parts.append(self.section_locality)
        return parts, self.text(values, "province"), column or self.label("address")

    def place(self, number: int, values: list):
        key = (
            *(self.value(values, name) for name in ADDRESS_FIELDS),
            self.section_locality,
        )
        if key not in self.places:
            parts, province_text, column = self.address_parts(values)
            place = self._place(parts, province_text, column)
            if isinstance(place, BadValue):
                place.column = column
            self.places[key] = place
        return self.places[key]

    def _place(self, parts: list[str], province_text: str, column: str):
        resolver = self.resolver
        written = ", ".join([*parts, province_text] if province_text else parts)
        text_parts = [p for p in _SPLIT.split(written) if p]
        target = self.province
        if not text_parts:
            return BadValue("missing_address", _("The address (commune or district) is missing."))
        explicit = None
        if province_text:
            explicit = resolver.province_named(province_text)
            if explicit is None:
                return _bad_with_text(
                    BadValue(
                        "unknown_province",
                        _("Unknown province “%(value)s”.") % {"value": province_text},
                    ),
                    written,
                )
        else:
            explicit = resolver.province_named(text_parts[-1])
        if explicit is not None and target is not None and explicit.pk != target.pk:
            return _bad_with_text(
                BadValue(
                    "other_province",
                    _("The address “%(value)s” is in %(province)s, not in %(target)s.")
                    % {
                        "value": written,
                        "province": explicit.full_name,
                        "target": target.full_name,
                    },
                ),
                written,
            )
        if explicit is None and target is None:
            return _bad_with_text(
                BadValue(
                    "no_province",
                    _(
                        "The address “%(value)s” names no province: choose the province "
                        "of the list (--province)."
                    )
                    % {"value": written},
                ),
                written,
            )
        province = explicit or target
        resolved = resolver.resolve(written if explicit else f"{written}, {target.full_name}")
        if explicit and resolved.matched is not None and resolved.matched.level == Level.PROVINCE:
            # "Thành phố Thanh Hóa" names the province and also its old city:
            # read it again as a unit inside the province.
            retry = resolver.resolve(f"{written}, {province.full_name}")
            if retry.matched is not None and retry.matched.level != Level.PROVINCE:
                resolved = retry
        matched = resolved.matched
        warning = None
        if resolved.province is None or resolved.province.pk != province.pk:
            matched = None
        if matched is None or matched.level == Level.PROVINCE:
            return _bad_with_text(
                BadValue(
                    "unknown_address",
                    _(
                        "No commune or district of %(province)s was found in the address "
                        "“%(value)s”."
                    )
                    % {"value": written, "province": province.full_name},
                ),
                written,
            )
        commune, precise = resolved.commune, True
        district = matched if matched.level == Level.DISTRICT else None
        if commune is None and matched.level == Level.COMMUNE and matched.era == Era.LEGACY:
            district = resolver.parent(matched)  # an old commune without a 2025 successor
        if commune is None and district is not None:
            commune, precise = resolver.district_commune(district), False
            if commune is not None and district is matched:
                warning = Problem(
                    0,
                    column,
                    "district_only",
                    _(
                        "Only the district “%(district)s” is given; the subject was placed "
                        "in %(commune)s. Check its commune."
                    )
                    % {"district": matched.full_name, "commune": commune.full_name},
                    WARNING,
                )
            elif commune is not None:
                warning = Problem(
                    0,
                    column,
                    "no_successor",
                    _(
                        "“%(unit)s” has no 2025 successor in the official tables; the "
                        "subject was placed in %(commune)s, in its former district. Check "
                        "its commune."
                    )
                    % {"unit": matched.full_name, "commune": commune.full_name},
                    WARNING,
                )
        if commune is None:
            return _bad_with_text(
                BadValue(
                    "no_successor",
                    _("“%(unit)s” has no single 2025 commune; give the commune.")
                    % {"unit": matched.full_name},
                ),
                written,
            )
        street = self.street(province, parts[0]) if self.by_field.get("address") else ""
        return Place(
            province=province,
            commune=commune,
            precise=precise,
            legacy=matched.era == Era.LEGACY,
            street=street[:255],
            text=written[:255],
            warning=warning,
        )

    def street(self, province, address: str) -> str:
        """ "Thôn 3" of "Thôn 3, Xã Hoằng Trung, Huyện Hoằng Hóa"."""
        leading = []
        for part in _SPLIT.split(address):
            if not part:
                continue
            if self.resolver.is_unit_name(province, part):
                break
            leading.append(part)
        return ", ".join(leading)

    # Matching

    def uid(self) -> int:
        self._next_uid -= 1
        return self._next_uid

    def _register_subject(self, entry: _SubjectEntry) -> _SubjectEntry:
        self.subject_entries[entry.uid] = entry
        if entry.registration_number:
            self.subjects_by_reg.setdefault(entry.registration_number, entry)
        self.subjects_by_name.setdefault((entry.province_id, name_key(entry.name)), entry)
        return entry

    def prefetch_subjects(self, rows: list[_Row]) -> None:
        regs = {r.registration_number for r in rows if r.registration_number}
        regs -= set(self.subjects_by_reg)
        names = defaultdict(set)
        for r in rows:
            key = (r.place.province.pk, name_key(r.subject_name))
            if key not in self.subjects_by_name and key[1][:255] not in names[key[0]]:
                names[key[0]] |= {fold_vi(r.subject_name)[:255], key[1][:255]}
        condition = Q(registration_number__in=sorted(regs)) if regs else Q(pk__in=[])
        for province_id, keys in names.items():
            condition |= Q(province_id=province_id, name_key__in=sorted(keys))
        if not regs and not names:
            return
        fields = [
            "id",
            "name",
            "registration_number",
            "legal_form",
            "commune_id",
            "province_id",
            "address",
            "legacy_address",
        ]
        for data in Subject.objects.filter(condition).order_by("pk").values(*fields):
            if data["id"] in self.subject_entries:
                continue
            self._register_subject(
                _SubjectEntry(
                    uid=data["id"],
                    pk=data["id"],
                    name=data["name"],
                    registration_number=data["registration_number"],
                    legal_form=data["legal_form"],
                    commune_id=data["commune_id"],
                    province_id=data["province_id"],
                    address=data["address"],
                    legacy_address=data["legacy_address"],
                )
            )

    def prefetch_products(self, subjects: list[_SubjectEntry]) -> None:
        by_pk = {s.pk: s for s in subjects if s.pk is not None and not s.products_loaded}
        ids = sorted(by_pk)
        for s in subjects:
            s.products_loaded = True
        if not ids:
            return
        fields = ["id", "subject_id", "name", "commune_id", "category_id", "status", "star"]
        entries = {}
        for data in (
            Product.objects.filter(subject_id__in=ids)
            .order_by("pk")
            .values(*fields, "certified_until")
        ):
            subject = by_pk[data["subject_id"]]
            key = (subject.uid, name_key(data["name"]))
            if key in self.products:
                continue
            entry = _ProductEntry(
                uid=data["id"],
                pk=data["id"],
                subject=subject,
                name=data["name"],
                commune_id=data["commune_id"],
                category_id=data["category_id"],
                status=data["status"],
                star=data["star"],
                certified_until=data["certified_until"],
            )
            self.products[key] = entries[data["id"]] = entry
        if not entries:
            return
        for data in Certificate.objects.filter(product_id__in=list(entries)).values(
            "id", "product_id", "decision_number", "star", "decision_date"
        ):
            entry = entries[data["product_id"]]
            key = (entry.uid, decision_key(data["decision_number"]), data["star"])
            self.certificates[key] = (None, ())
            entry.latest = max(entry.latest, (data["decision_date"] or date.min, data["id"]))

    def match_subject(self, row: _Row):
        """The subject entry for a row, or a BadValue; nothing is changed yet."""
        place = row.place
        by_name = (place.province.pk, name_key(row.subject_name))
        reg = row.registration_number
        if reg and reg in self.subjects_by_reg:
            entry = self.subjects_by_reg[reg]
            if self.province is not None and entry.province_id != self.province.pk:
                other = self.resolver.province_by_id.get(entry.province_id)
                return BadValue(
                    "subject_other_province",
                    _("The registration number %(number)s belongs to “%(name)s” in %(province)s.")
                    % {
                        "number": reg,
                        "name": entry.name,
                        "province": other.full_name if other else "?",
                    },
                )
            return entry
        entry = self.subjects_by_name.get(by_name)
        if entry is not None and reg and entry.registration_number not in (None, "", reg):
            entry = None  # the same name, but another registration number
        return entry

    def plan_subject(self, row: _Row, entry: _SubjectEntry | None) -> _SubjectEntry:
        place = row.place
        if entry is None:
            return self._register_subject(
                _SubjectEntry(
                    uid=self.uid(),
                    pk=None,
                    name=row.subject_name,
                    registration_number=row.registration_number or None,
                    legal_form=row.legal_form,
                    commune_id=place.commune.pk,
                    province_id=place.province.pk,
                    address=place.street,
                    legacy_address=place.text if place.legacy else "",
                    created=True,
                    touched=True,
                    dirty=True,
                    products_loaded=True,  # a new subject's products are all made here
                )
            )
        before = (
            entry.registration_number,
            entry.legal_form,
            entry.commune_id,
            entry.address,
            entry.legacy_address,
        )
        if row.registration_number and not entry.registration_number:
            entry.registration_number = row.registration_number
            self.subjects_by_reg.setdefault(row.registration_number, entry)
        if not entry.touched:
            if row.legal_form_explicit:
                entry.legal_form = row.legal_form
            if place.precise and place.commune.pk != entry.commune_id:
                entry.commune_id = place.commune.pk
                entry.province_id = place.province.pk
            if place.street:
                entry.address = place.street
            if place.legacy and place.precise:
                entry.legacy_address = place.text
        entry.touched = True
        after = (
            entry.registration_number,
            entry.legal_form,
            entry.commune_id,
            entry.address,
            entry.legacy_address,
        )
        if after != before:
            entry.dirty = True  # an insert if not written yet, else an update
            entry.changed = entry.changed or not entry.created
        return entry

    def plan(self, rows: list[_Row]) -> None:
        self.prefetch_subjects(rows)
        existing = (self.match_subject(row) for row in rows)
        self.prefetch_products([e for e in existing if isinstance(e, _SubjectEntry)])
        for row in rows:
            # Matched again, row by row: earlier rows may have made the subject.
            entry = self.match_subject(row)
            if isinstance(entry, BadValue):
                self.problem(row.number, self.label("registration_number"), entry)
                self.counts.rows_rejected += 1
                continue
            self.plan_row(row, entry)

    def plan_row(self, row: _Row, subject_match: _SubjectEntry | None) -> None:
        product_key_name = name_key(row.product_name)
        product = None
        if subject_match is not None:
            product = self.products.get((subject_match.uid, product_key_name))
        certificate_key = None
        signature = (row.score, row.decision_date, row.category and row.category.pk)
        if row.star is not None:
            key_uid = product.uid if product else None
            certificate_key = (key_uid, decision_key(row.decision_number), row.star)
            seen = self.certificates.get(certificate_key) if product else None
            if seen is not None and seen[0] is not None:
                if seen[1] == signature:
                    return self.duplicate(row, seen[0])
                self.problem(
                    row.number,
                    self.label("decision_number"),
                    BadValue(
                        "duplicate_conflict",
                        _(
                            "Row %(row)s has the same product, decision and star with "
                            "different values."
                        )
                        % {"row": seen[0]},
                    ),
                )
                self.counts.rows_rejected += 1
                return None
        elif product is not None and product.first_row:
            return self.duplicate(row, product.first_row)
        subject = self.plan_subject(row, subject_match)
        if product is None:
            commune = self.resolver.commune(subject.commune_id)
            product = _ProductEntry(
                uid=self.uid(),
                pk=None,
                subject=subject,
                name=row.product_name,
                commune_id=commune.pk,
                category_id=row.category.pk if row.category else None,
                status=OcopStatus.NONE,
                star=None,
                certified_until=None,
                created=True,
                dirty=True,
            )
            self.products[subject.uid, product_key_name] = product
        product.touched = True
        product.first_row = product.first_row or row.number
        before = (product.category_id, product.status, product.star, product.certified_until)
        if row.category is not None:
            product.category_id = row.category.pk
        if row.star is not None:
            self.plan_certificate(row, product, signature)
        after = (product.category_id, product.status, product.star, product.certified_until)
        if after != before:
            product.dirty = True
            product.changed = product.changed or not product.created
        self.counts.rows_valid += 1
        return None

    def duplicate(self, row: _Row, first: int) -> None:
        self.problem(
            row.number,
            self.label("product_name"),
            BadValue(
                "duplicate_row",
                _("This row repeats row %(row)s and was skipped.") % {"row": first},
                WARNING,
            ),
        )
        self.counts.rows_duplicate += 1

    def plan_certificate(self, row: _Row, product: _ProductEntry, signature) -> None:
        key = (product.uid, decision_key(row.decision_number), row.star)
        if key in self.certificates:
            return
        if not row.decision_number and not row.decision_date and product.star == row.star:
            return  # the star the product already has, with nothing new
        self.certificates[key] = (row.number, signature)
        if not row.decision_number:
            self.problem(
                row.number,
                self.label("decision_number"),
                BadValue(
                    "missing_decision",
                    _("The star is recorded without a recognition decision number."),
                    WARNING,
                ),
            )
        self.counts.certificates_created += 1
        if not self.dry_run:
            certificate = Certificate(
                star=row.star,
                score=row.score,
                decision_number=row.decision_number,
                decision_date=row.decision_date,
                valid_until=row.valid_until,
                legal_basis=self.legal_basis(row.decision_date),
                source=CertificateSource.IMPORT,
                status=(
                    CertificateStatus.EXPIRED
                    if row.valid_until is not None and row.valid_until < self.today
                    else CertificateStatus.VALID
                ),
            )
            self.new_certificates.append((product, certificate))
        order = (row.decision_date or date.min, 1 << 62)
        if order >= product.latest and product.status != OcopStatus.REVOKED:
            product.latest = order
            product.star = row.star
            product.certified_until = row.valid_until
            if product.status in (OcopStatus.NONE, OcopStatus.CERTIFIED, OcopStatus.EXPIRED):
                expired = row.valid_until is not None and row.valid_until < self.today
                product.status = OcopStatus.EXPIRED if expired else OcopStatus.CERTIFIED

    # Writing

    def write(self) -> None:
        """Write what the current chunk planned, with bulk queries."""
        if self.dry_run:
            for entry in self.subject_entries.values():
                entry.dirty = False
            for entry in self.products.values():
                entry.dirty = False
            return
        now = timezone.now()
        subjects = [e for e in self.subject_entries.values() if e.dirty]
        products = [e for e in self.products.values() if e.dirty]
        subject_updates = [e for e in subjects if e.pk is not None]
        product_updates = [e for e in products if e.pk is not None]
        self.resolver.load_communes({e.commune_id for e in subjects + products})
        with transaction.atomic():
            new = [e for e in subjects if e.pk is None]
            objects = [self._subject(e) for e in new]
            Subject.objects.bulk_create(objects, batch_size=self.chunk_size)
            for entry, obj in zip(new, objects, strict=True):
                entry.pk = obj.pk
            changed = [self._subject(e, updated_at=now) for e in subject_updates]
            if changed:
                Subject.objects.bulk_update(
                    changed,
                    [
                        "registration_number",
                        "legal_form",
                        "commune",
                        "province",
                        "address",
                        "legacy_address",
                        "search_text",
                        "updated_at",
                    ],
                    batch_size=self.chunk_size,
                )
            new = [e for e in products if e.pk is None]
            objects = [self._product(e) for e in new]
            Product.objects.bulk_create(objects, batch_size=self.chunk_size)
            for entry, obj in zip(new, objects, strict=True):
                entry.pk = obj.pk
            changed = [self._product(e, updated_at=now) for e in product_updates]
            if changed:
                Product.objects.bulk_update(
                    changed,
                    ["category", "group_code", "status", "star", "certified_until", "updated_at"],
                    batch_size=self.chunk_size,
                )
            for product, certificate in self.new_certificates:
                certificate.product_id = product.pk
                self.certified_product_ids.add(product.pk)
            Certificate.objects.bulk_create(
                [c for _p, c in self.new_certificates], batch_size=self.chunk_size
            )
        self.new_certificates = []
        for entry in subjects:
            entry.dirty = False
        for entry in products:
            entry.dirty = False

    def _subject(self, entry: _SubjectEntry, updated_at=None) -> Subject:
        commune = self.resolver.commune(entry.commune_id)
        subject = Subject(
            pk=entry.pk,
            name=entry.name,
            legal_form=entry.legal_form,
            registration_number=entry.registration_number or None,
            commune=commune,
            province_id=commune.province_id,
            address=entry.address,
            legacy_address=entry.legacy_address,
            name_key=fold_vi(entry.name)[:255],
            search_text=subject_search_text(
                name=entry.name, registration_number=entry.registration_number, commune=commune
            ),
        )
        if updated_at is not None:
            subject.updated_at = updated_at
        return subject

    def _product(self, entry: _ProductEntry, updated_at=None) -> Product:
        commune = self.resolver.commune(entry.commune_id)
        category = self.category_by_id.get(entry.category_id)
        product = Product(
            pk=entry.pk,
            subject_id=entry.subject.pk,
            name=entry.name,
            category=category,
            group_code=category.code.split(".")[0] if category else "",
            commune=commune,
            province_id=commune.province_id,
            status=entry.status,
            star=entry.star,
            certified_until=entry.certified_until,
            search_text=product_search_text(
                name=entry.name, subject_name=entry.subject.name, commune=commune
            ),
        )
        if updated_at is not None:
            product.updated_at = updated_at
        return product

    # The whole file

    def run(self, source) -> None:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
        try:
            rows = self._find_sheet(workbook)
            chunk: list[_Row] = []
            for number, values in rows:
                if not any(v not in (None, "") for v in values):
                    continue
                if self.is_section(values):
                    continue
                row = self.parse_row(number, values)
                if row is None:
                    if number in self.error_rows:
                        self.counts.rows_rejected += 1
                    continue
                chunk.append(row)
                if len(chunk) >= self.chunk_size:
                    self.flush(chunk)
                    chunk = []
            self.flush(chunk)
        finally:
            workbook.close()

    def flush(self, chunk: list[_Row]) -> None:
        if chunk:
            self.plan(chunk)
        if self.has_errors and not self.apply_valid:
            self.dry_run = True  # nothing will be kept: stop writing
            self.new_certificates = []
        self.write()

    def _find_sheet(self, workbook):
        sheets = [workbook.active, *workbook.worksheets]
        for sheet in dict.fromkeys(s for s in sheets if s is not None):
            merges = _merged_ranges(workbook, sheet)
            rows = _sheet_rows(workbook, sheet, merges)
            found = detect_header(rows)
            rows.close()
            if found is None:
                continue
            self.header_row, self.columns, first_data = found
            apply_mapping(self.columns, self.mapping)
            self.by_field = defaultdict(list)
            for column in self.columns:
                if column.field:
                    self.by_field[column.field].append(column.index)
            missing = [str(FIELDS[f]) for f in REQUIRED_FIELDS if f not in self.by_field]
            if missing:
                raise ValidationError(
                    _("These columns are missing: %(columns)s.") % {"columns": ", ".join(missing)},
                    code="missing_columns",
                )
            # detect_header consumed the row after the header to look for a
            # sub-header; start again from the first data row.
            rows = _sheet_rows(workbook, sheet, merges)
            return ((n, v) for n, v in rows if n >= first_data)
        raise ValidationError(
            _(
                "No header row was found in the first %(count)s rows: the list needs at "
                "least the columns “Tên sản phẩm” and “Tên chủ thể”."
            )
            % {"count": HEADER_SEARCH_ROWS},
            code="no_header",
        )

    def summary(self, *, applied: bool) -> dict:
        subjects = [e for e in self.subject_entries.values() if e.touched]
        products = [e for e in self.products.values() if e.touched]
        counts = self.counts
        return {
            "header_row": self.header_row,
            "rows": counts.rows,
            "rows_valid": counts.rows_valid,
            "rows_rejected": counts.rows_rejected,
            "rows_duplicate": counts.rows_duplicate,
            "subjects_created": sum(e.created for e in subjects),
            "subjects_updated": sum(e.changed for e in subjects),
            "subjects_unchanged": sum(not e.created and not e.changed for e in subjects),
            "products_created": sum(e.created for e in products),
            "products_updated": sum(e.changed for e in products),
            "products_unchanged": sum(not e.created and not e.changed for e in products),
            "certificates_created": counts.certificates_created,
            "errors": self.problem_counts[ERROR],
            "warnings": self.problem_counts[WARNING],
            "applied": applied,
        }

    def result(self, *, applied: bool, batch=None) -> ImportResult:
        return ImportResult(
            header_row=self.header_row,
            columns=self.columns,
            summary=self.summary(applied=applied),
            problems=self.problems,
            applied=applied,
            batch=batch,
        )


def _bad_with_text(bad: BadValue, text: str) -> BadValue:
    bad.text = text
    return bad


# Entry points -------------------------------------------------------------------


def run_import(
    source,
    *,
    province=None,
    by=None,
    mapping: dict | None = None,
    dry_run: bool = False,
    apply_valid: bool = False,
    batch: ImportBatch | None = None,
    original_name: str = "",
    chunk_size: int = CHUNK_SIZE,
    today: date | None = None,
) -> ImportResult:
    """Import an .xlsx list (a path or a binary file object).

    ``province`` is the 2025 province of the list (addresses without a
    province are taken to be in it; rows in another province are refused);
    without it every address must name its province. ``by`` is the acting
    user, who must be an officer of that province; None is the system.
    Nothing is written when ``dry_run``, nor when a row is bad unless
    ``apply_valid``. An applied import is recorded as an ImportBatch (the
    given one, or a new one holding a copy of the file) and logged.
    """
    check_import_permission(by, province)
    importer = _Importer(
        province=province,
        mapping=mapping,
        dry_run=dry_run,
        apply_valid=apply_valid,
        chunk_size=chunk_size,
        today=today,
    )
    if dry_run:
        importer.run(source)
        return importer.result(applied=False, batch=batch)
    with transaction.atomic():
        importer.run(source)
        applied = not importer.has_errors or apply_valid
        if not applied:
            transaction.set_rollback(True)
        else:
            # A product recognised several times: its newest certificate
            # supersedes the older ones (the history of the list).
            supersede_older(product_ids=importer.certified_product_ids)
            result = importer.result(applied=True)
            batch = _record(
                batch=batch,
                source=source,
                by=by,
                province=province,
                mapping=mapping,
                original_name=original_name,
                result=result,
            )
            return importer.result(applied=True, batch=batch)
    return importer.result(applied=False, batch=batch)


def _record(*, batch, source, by, province, mapping, original_name, result) -> ImportBatch:
    """Mark the batch applied (creating it for the command) and log it."""
    if batch is None:
        name = original_name or PurePath(str(getattr(source, "name", source))).name
        batch = ImportBatch(created_by=by, province=province, original_name=name[:255])
        batch.mapping = clean_mapping(mapping)
        if isinstance(source, str | Path):
            with open(source, "rb") as handle:
                batch.file.save("import.xlsx", File(handle), save=False)
        else:
            source.seek(0)
            batch.file.save("import.xlsx", File(source), save=False)
    batch.status = ImportBatch.Status.APPLIED
    batch.applied_at = timezone.now()
    batch.summary = {**batch.summary, **result.summary}
    batch.problems = [p.as_dict() for p in result.problems]
    batch.save()
    log_action(
        action="ocop.import.applied",
        by=by,
        obj=batch,
        unit=province,
        data={k: v for k, v in result.summary.items() if k != "header_row"},
    )
    return batch


def _check_readable(upload) -> None:
    upload.seek(0)
    try:
        workbook = openpyxl.load_workbook(upload, read_only=True)
        workbook.close()
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise ValidationError(
            _("The Excel file could not be read. Save it again as .xlsx and retry."),
            code="bad_file",
        ) from exc
    finally:
        upload.seek(0)


def create_batch(*, by, upload, province, apply_valid: bool = False) -> ImportBatch:
    """Store an uploaded list for checking (the upload page)."""
    check_import_permission(by, province)
    check_upload(upload, kinds=(XLSX,))
    _check_readable(upload)
    batch = ImportBatch(
        created_by=by,
        province=province,
        original_name=PurePath(upload.name or "import.xlsx").name[:255],
        summary={"apply_valid": bool(apply_valid)},
    )
    batch.file.save("import.xlsx", upload, save=False)
    batch.save()
    return batch


def start_import(*, by, upload, province, apply_valid: bool = False) -> ImportResult:
    """Store an uploaded list and check it (a dry run). A file that cannot be
    read as a list (no header, say) is not kept."""
    batch = create_batch(by=by, upload=upload, province=province, apply_valid=apply_valid)
    try:
        return check_batch(by=by, batch=batch)
    except ValidationError:
        batch.file.delete(save=False)
        batch.delete()
        raise


def _stored(batch: ImportBatch, result: ImportResult, **extra) -> dict:
    return {
        **batch.summary,
        **result.summary,
        "columns": [c.as_dict() for c in result.columns],
        **extra,
    }


def check_batch(*, by, batch: ImportBatch, mapping: dict | None = None) -> ImportResult:
    """Dry-run a stored list (the preview), with the user's column choices."""
    check_import_permission(by, batch.province)
    if batch.status == ImportBatch.Status.APPLIED:
        raise ValidationError(_("This list has already been imported."), code="applied")
    if mapping is not None:
        batch.mapping = clean_mapping(mapping)
    with batch.file.open("rb") as handle:
        result = run_import(handle, province=batch.province, mapping=batch.mapping, dry_run=True)
    batch.summary = _stored(batch, result)
    batch.problems = [p.as_dict() for p in result.problems]
    batch.status = ImportBatch.Status.CHECKED
    batch.save(update_fields=["mapping", "summary", "problems", "status"])
    result.batch = batch
    return result


def apply_batch(*, by, batch: ImportBatch, apply_valid: bool | None = None) -> ImportResult:
    """Import a checked list (the confirm button)."""
    check_import_permission(by, batch.province)
    if batch.status == ImportBatch.Status.APPLIED:
        raise ValidationError(_("This list has already been imported."), code="applied")
    if apply_valid is None:
        apply_valid = bool(batch.summary.get("apply_valid"))
    batch.summary = {**batch.summary, "apply_valid": bool(apply_valid)}
    with batch.file.open("rb") as handle:
        result = run_import(
            handle,
            province=batch.province,
            by=by,
            mapping=batch.mapping,
            apply_valid=apply_valid,
            batch=batch,
        )
    if not result.applied:
        batch.summary = _stored(batch, result)
        batch.problems = [p.as_dict() for p in result.problems]
        batch.save(update_fields=["summary", "problems"])
    else:
        batch.summary = _stored(batch, result)
        batch.save(update_fields=["summary"])
    return result


def stored_problems(batch: ImportBatch) -> list[Problem]:
    return [Problem.from_dict(p) for p in batch.problems or []]


def stored_columns(batch: ImportBatch) -> list[Column]:
    return [Column(**c) for c in (batch.summary or {}).get("columns", [])]
