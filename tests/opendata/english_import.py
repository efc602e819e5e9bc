"""What a spreadsheet set to English (United States) makes of a CSV cell:
a strict imitation of LibreOffice Calc's text import with the "en-US" locale
and "Detect special numbers" ticked (the most eager setting; Excel's default
import behaves alike), used by CI instead of LibreOffice itself (see
docs/testing.md, "Open data CSV").

The rules imitated: a cell that looks like a number in en-US (digits, an
optional sign, ``,`` as thousands separator in groups of three, ``.`` as
decimal separator, an exponent, a trailing ``%``, a leading ``$``, or in
parentheses) becomes a number; one that looks like an en-US date —
month/day/year (``5/12/2024`` is 12 May), month/day, ISO 8601 ``2024-12-05``,
``2024/12/05``, ``5-Dec-2024``, ``Dec 5, 2024`` — becomes a date, with a time
(``HH:MM[:SS]``, optional AM/PM) a date-time; TRUE/FALSE become booleans;
anything else stays text."""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTHS = {m: i for i, m in enumerate(MONTH_NAMES, 1)}
NUMBER = re.compile(r"^\(?[+-]?\$?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][+-]?\d+)?%?\)?$")
US_DATE = re.compile(r"^(\d{1,2})[/-](\d{1,2})(?:[/-](\d{2}|\d{4}))?$")
ISO_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
NAMED_DATE = re.compile(r"^(\d{1,2})[- ]([A-Za-z]{3})[a-z]*[- ,]+(\d{2,4})$")
NAMED_US = re.compile(r"^([A-Za-z]{3})[a-z]*\.? (\d{1,2}),? ?(\d{2,4})?$")
TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?: ?([AaPp][Mm]))?$")


@dataclass(frozen=True)
class Cell:
    kind: str  # "empty", "number", "date", "datetime", "time", "boolean", "text"
    value: object


def _year(text: str | None, default: int = 2026) -> int:
    if text is None:
        return default
    year = int(text)
    return year + (2000 if year < 30 else 1900) if len(text) == 2 else year


def _date(text: str) -> date | None:
    try:
        if m := ISO_DATE.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := US_DATE.match(text):
            return date(_year(m[3]), int(m[1]), int(m[2]))  # month first
        if (m := NAMED_DATE.match(text)) and m[2].lower() in MONTHS:
            return date(_year(m[3]), MONTHS[m[2].lower()], int(m[1]))
        if (m := NAMED_US.match(text)) and m[1].lower() in MONTHS:
            return date(_year(m[3]), MONTHS[m[1].lower()], int(m[2]))
    except ValueError:
        return None
    return None


def read_cell(text: str) -> Cell:
    """The cell an en-US import makes of ``text``."""
    stripped = text.strip()
    if not stripped:
        return Cell("empty", None)
    if stripped.upper() in ("TRUE", "FALSE"):
        return Cell("boolean", stripped.upper() == "TRUE")
    if NUMBER.match(stripped) and any(c.isdigit() for c in stripped):
        plain = stripped.strip("()").replace("$", "").replace(",", "").rstrip("%")
        try:
            value = Decimal(plain)
        except InvalidOperation:
            return Cell("text", text)
        if stripped.endswith("%"):
            value /= 100
        if stripped.startswith("("):
            value = -value
        return Cell("number", value)
    if (day := _date(stripped)) is not None:
        return Cell("date", day)
    for separator in (" ", "T"):
        if separator in stripped:
            head, _sep, tail = stripped.partition(separator)
            day, clock = _date(head), TIME.match(tail)
            if day is not None and clock:
                hour = int(clock[1])
                if clock[4]:
                    hour = hour % 12 + (12 if clock[4].lower() == "pm" else 0)
                return Cell(  # a spreadsheet's time has no zone
                    "datetime",
                    datetime(  # noqa: DTZ001
                        day.year, day.month, day.day, hour, int(clock[2]), int(clock[3] or 0)
                    ),
                )
    if TIME.match(stripped):
        return Cell("time", stripped)
    return Cell("text", text)


def rows_of(raw: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def check(raw: bytes, fields) -> list[str]:
    """The cells an English spreadsheet would read otherwise than the data
    dictionary says (``fields``: (name, type) pairs), as messages; [] if none."""
    rows = rows_of(raw)
    names = [name for name, _type in fields]
    if rows[0] != names:
        return [f"header {rows[0]} != {names}"]
    problems = []
    for number, row in enumerate(rows[1:], 2):
        for (name, kind), text in zip(fields, row, strict=True):
            cell = read_cell(text)
            if cell.kind == "empty":
                continue
            problem = _mismatch(kind, text, cell)
            if problem:
                problems.append(f"row {number}, {name} = {text!r}: {problem}")
    return problems


def _mismatch(kind: str, text: str, cell: Cell) -> str:
    if kind == "integer":
        ok = cell.kind == "number" and re.fullmatch(r"-?\d+", text)
        return "" if ok else f"read as {cell.kind}, not a whole number"
    if kind == "decimal":
        ok = cell.kind == "number" and re.fullmatch(r"-?\d+(\.\d+)?", text)
        return "" if ok and cell.value == Decimal(text) else f"read as {cell.kind} {cell.value}"
    if kind == "date":
        ok = cell.kind == "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text)
        ok = ok and cell.value == date.fromisoformat(text)
        return "" if ok else f"read as {cell.kind} {cell.value}"
    if kind == "datetime":
        ok = cell.kind == "datetime" and re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", text)
        ok = ok and cell.value == datetime.fromisoformat(text)
        return "" if ok else f"read as {cell.kind} {cell.value}"
    if kind == "code":  # digits: a number unless imported as text (documented)
        return "" if cell.kind in ("text", "number") else f"read as {cell.kind}"
    return "" if cell.kind == "text" else f"text read as {cell.kind} {cell.value}"
