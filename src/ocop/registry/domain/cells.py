"""Reading the values of a registry list's cells: stars, scores, dates,
decision numbers, legal forms and registration numbers. A bad value raises
``BadValue``."""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from ocop.core.text import fold_key, fold_vi
from ocop.core.xlsx import cell_text
from ocop.producers.validators import normalise_registration_number

from .fields import EARLIEST_DECISION, HEADERS, LEGAL_FORM_NAMES, LEGAL_FORM_PATTERNS
from .problems import BadValue

_STAR_WORDS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5}
# "3 sao", "3,0", "3*"; never the 3 of "3,5" or "3.5" (a half star is refused).
_STAR_NUMBER = re.compile(
    r"^(?:hang|dat|xep hang)?\s*(\d+)(?:[.,]0+)?(?![.,]?\d)\s*(?:sao|\*|★|☆)?(?:\W|$)"
)
_STAR_WORD = re.compile(r"^(?:hang|dat|xep hang)?\s*(mot|hai|ba|bon|tu|nam)\s*sao\b")
_STAR_GLYPHS = re.compile(r"^[★☆*]+$")
_DATE_DMY = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4}|\d{2})\b")
_DATE_YMD = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_DATE_WORDS = re.compile(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})")
_DECISION_PREFIX = re.compile(
    r"^\s*(?:quy[eếê]t\s*đ[iị]nh|q[đd])?\s*(?:s[oố])?\s*[:.]?\s*", re.IGNORECASE
)
_DECISION_DATE_SPLIT = re.compile(r"[\s,;]+ng[aà]y\b", re.IGNORECASE)


@lru_cache(maxsize=1024)
def name_key(name: str) -> str:
    """Names compared without case, accents, punctuation or extra spaces."""
    return fold_key(name)


def header_field(text) -> str:
    """The field a header names ("Tên chủ thể", "CHỦ THỂ OCOP"…), or ""."""
    return HEADERS.field(text)


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
            % {"value": cell_text(value)},
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
            % {"value": cell_text(value)},
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
            % {"value": cell_text(value)},
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
    text = cell_text(value)
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
    if folded in LEGAL_FORM_NAMES:
        return LEGAL_FORM_NAMES[folded]
    for pattern, value in LEGAL_FORM_PATTERNS:
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


# The decision an annex belongs to, from its title rows: "Kèm theo Quyết định
# số 1234/QĐ-UBND ngày 15/11/2025 của UBND tỉnh …" or "… ngày 15 tháng 11 năm 2025".
_ANNEX_NUMBER = re.compile(
    r"(?:s[oố]|quy[eếê]t\s*đ[iị]nh|q[đd])\s*[:.]?\s*"
    r"(\d{1,6}\s*/\s*(?:\d{4}\s*/\s*)?q[đd]\s*-\s*[\w.\-]*\w)",
    re.IGNORECASE,
)
_ANNEX_NUMBER_BARE = re.compile(
    r"(?<![\w/])(\d{1,6}\s*/\s*(?:\d{4}\s*/\s*)?q[đd]\s*-\s*[\w.\-]*\w)", re.IGNORECASE
)
_ANNEX_DATE = re.compile(
    r"ng[aà]y\s*:?\s*(\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}"
    r"|\d{1,2}\s*th[aá]ng\s*\d{1,2}\s*n[aă]m\s*\d{4})",
    re.IGNORECASE,
)


def parse_annex_title(texts: list[str]) -> tuple[str, date | None]:
    """(decision number, decision date) named by an annex's title rows, or
    ("", None). The date is the one written after the number (a title's
    "Hà Nội, ngày …" of another line is not taken for it)."""
    for text in texts:
        match = _ANNEX_NUMBER.search(text) or _ANNEX_NUMBER_BARE.search(text)
        if match is None:
            continue
        number = re.sub(r"q[đd]", "QĐ", re.sub(r"\s+", "", match.group(1)), count=1, flags=re.I)
        number = number.upper()
        found = _ANNEX_DATE.search(text, match.end())
        day = None
        if found is not None:
            try:
                day = parse_date(found.group(0))
            except BadValue:
                day = None
        return number, day
    return "", None
