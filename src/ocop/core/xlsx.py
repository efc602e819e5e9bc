"""The spreadsheet kit: reading and writing .xlsx the same way everywhere.

Every reader of an uploaded or loaded workbook (product lists, participants,
criteria sheets) and every writer of an export goes through this module:

- **Bounded reading.** ``open_workbook`` first looks at the zip directory
  (which ``zipfile`` enforces: a part is never inflated past its declared
  size) and refuses a part that is too large or too compressed (an inflated
  ``sharedStrings.xml`` is a zip bomb), then opens the workbook once in
  read-only mode. ``sheet_rows`` caps the rows, columns and cells it yields.
  Every refusal is a ``ValidationError`` whose message names the limit.
- **Cells.** ``cell_text`` (a cell as one line of text), ``clean_cell``
  (trimmed, no-break spaces replaced, formula escaping undone, empty → None).
- **Merged cells** filled down (read-only worksheets do not parse merges, so
  the sheet's XML is scanned for them).
- **Headers** recognised by their folded text: ``header_key`` and
  ``HeaderAliases``.
- **Formula escaping**: ``escape_cell`` writes text that a spreadsheet would
  run as a formula with a leading apostrophe; ``unescape_cell`` reads it back.
"""

import re
import zipfile
import zlib
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import InvalidOperation
from xml.etree.ElementTree import ParseError

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ocop.core.text import fold_key

MB = 1024 * 1024

# Limits of a workbook that is read (change them here; readers may pass their own).
MAX_PART_BYTES = 128 * MB  # one uncompressed part (a worksheet's XML)
MAX_SHARED_STRINGS_BYTES = 48 * MB  # sharedStrings.xml is held in memory whole
MAX_TOTAL_BYTES = 256 * MB  # all parts together, uncompressed
MAX_RATIO = 100  # uncompressed / compressed size of a part …
RATIO_FLOOR_BYTES = 1 * MB  # … checked for parts larger than this
MAX_PARTS = 1000
MAX_ROWS = 200_000
MAX_COLUMNS = 200
MAX_CELLS = 4_000_000  # filled cells
MAX_MERGES = 20_000

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Limits:
    part_bytes: int = MAX_PART_BYTES
    shared_strings_bytes: int = MAX_SHARED_STRINGS_BYTES
    total_bytes: int = MAX_TOTAL_BYTES
    ratio: int = MAX_RATIO
    ratio_floor_bytes: int = RATIO_FLOOR_BYTES
    parts: int = MAX_PARTS
    rows: int = MAX_ROWS
    columns: int = MAX_COLUMNS
    cells: int = MAX_CELLS
    merges: int = MAX_MERGES

    def but(self, **changes) -> "Limits":
        return replace(self, **changes)


DEFAULT_LIMITS = Limits()


def _megabytes(size: int) -> str:
    return f"{size / MB:,.0f}".replace(",", ".")


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


# Formula escaping ---------------------------------------------------------------


def escape_cell(value):
    """'=1+1 for =1+1: text is never run as a formula (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def unescape_cell(value):
    """Undo the formula escaping: "'=1+1" is read back as "=1+1"."""
    if isinstance(value, str) and value[:1] == "'" and value[1:2] in FORMULA_START:
        return value[1:]
    return value


# Cells --------------------------------------------------------------------------


def clean_cell(value):
    """A read value: text trimmed (no-break spaces too) and unescaped, "" → None."""
    if isinstance(value, str):
        value = unescape_cell(value.replace("\xa0", " ").strip())
        return value or None
    return value


def cell_text(value) -> str:
    """A cell as one line of text: 12.0 → "12", dates as dd/mm/yyyy, spaces collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value).split())


# Headers ------------------------------------------------------------------------

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def header_key(text) -> str:
    """A header folded for matching, without what is in brackets:
    "Hạng sao (3, 4, 5)" → "hang sao"."""
    return fold_key(_BRACKETS.sub(" ", cell_text(text)))


class HeaderAliases:
    """Which field a header names, from folded aliases {field: [alias, …]} and
    optional prefixes [(folded beginning, field), …] checked in order."""

    def __init__(self, aliases: dict[str, list[str]], prefixes=()):
        self.by_alias = {alias: name for name, names in aliases.items() for alias in names}
        self.prefixes = list(prefixes)

    def field(self, text) -> str:
        key = header_key(text)
        if not key:
            return ""
        if key in self.by_alias:
            return self.by_alias[key]
        for prefix, name in self.prefixes:
            if key.startswith(prefix):
                return name
        return ""


# Bounded opening ----------------------------------------------------------------


def check_archive(source, *, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a file whose zip parts are too many, too large or too compressed,
    before anything is inflated. ``source`` is a path or a binary file object
    (left at the start)."""
    if hasattr(source, "seek"):
        source.seek(0)
    try:
        with zipfile.ZipFile(source) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _refuse(
            _("The Excel file could not be read. Save it again as .xlsx and retry."), "bad_file"
        ) from exc
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    if len(infos) > limits.parts:
        raise _refuse(
            _("The Excel file has more than %(limit)s parts; save it again as a plain .xlsx.")
            % {"limit": limits.parts},
            "too_many_parts",
        )
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        shared = info.filename.lower().endswith("sharedstrings.xml")
        limit = limits.shared_strings_bytes if shared else limits.part_bytes
        if size > limit:
            raise _refuse(
                _(
                    "The Excel file is too large once unpacked (%(part)s: over %(limit)s MB); "
                    "split it into smaller files."
                )
                % {"part": info.filename, "limit": _megabytes(limit)},
                "part_too_large",
            )
        if size > limits.ratio_floor_bytes and size > limits.ratio * max(info.compress_size, 1):
            raise _refuse(
                _(
                    "The Excel file is packed suspiciously tightly (%(part)s unpacks to more "
                    "than %(ratio)s times its size); it was not opened."
                )
                % {"part": info.filename, "ratio": limits.ratio},
                "ratio_too_high",
            )
    if total > limits.total_bytes:
        raise _refuse(
            _(
                "The Excel file is too large once unpacked (over %(limit)s MB in all); "
                "split it into smaller files."
            )
            % {"limit": _megabytes(limits.total_bytes)},
            "too_large",
        )


def open_workbook(
    source, *, limits: Limits = DEFAULT_LIMITS, read_only: bool = True, data_only: bool = True
):
    """The workbook of an .xlsx (a path or a binary file object), checked by
    ``check_archive`` first; a damaged file is a ValidationError. Close it
    when done (``workbook.close()``)."""
    from openpyxl import load_workbook  # noqa: PLC0415 -- slow import

    check_archive(source, limits=limits)
    try:
        return load_workbook(source, read_only=read_only, data_only=data_only)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise _refuse(
            _("The Excel file could not be read. Save it again as .xlsx and retry."), "bad_file"
        ) from exc


# Rows ---------------------------------------------------------------------------

_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+)(\d+):([A-Z]+)(\d+)\"")


def _column_index(letters: bytes) -> int:
    index = 0
    for char in letters.decode():
        index = index * 26 + ord(char) - 64
    return index - 1


def merged_ranges(workbook, sheet, *, limits: Limits = DEFAULT_LIMITS):
    """(first row, last row, column) of each vertically merged range of a
    read-only sheet, from a scan of its XML."""
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
            if len(ranges) > limits.merges:
                raise _refuse(
                    _("The sheet has more than %(limit)s merged ranges.")
                    % {"limit": limits.merges},
                    "too_many_merges",
                )
    result = set()
    for first_col, first_row, _last_col, last_row in ranges:
        if int(last_row) > int(first_row):
            result.add((int(first_row), int(last_row), _column_index(first_col)))
    return sorted(result)


# A cell holding a formula and no (or an empty) cached value: written by a
# program that does not calculate (a script, some exporters), never opened in
# a spreadsheet. Read with ``data_only`` it looks empty.
_UNCACHED_FORMULA = re.compile(
    rb'<c\s+r="([A-Z]+)(\d+)"[^>]*>\s*<f\b(?:[^>]*/>|[^>]*>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>'
)
MAX_FORMULAS_LISTED = 10_000


def uncached_formulas(workbook, sheet) -> set[tuple[int, int]]:
    """(row, 0-based column) of the formula cells of a read-only sheet that
    have no calculated value, from a scan of its XML (only parts that hold a
    formula at all are matched)."""
    archive = getattr(workbook, "_archive", None)
    path = getattr(sheet, "_worksheet_path", None)
    if archive is None or path is None:
        return set()
    found: set[tuple[int, int]] = set()
    tail = b""
    with archive.open(path) as source:
        while block := source.read(1 << 20):
            data = tail + block
            end = data.rfind(b"</c>")
            complete, tail = (data[: end + 4], data[end + 4 :]) if end >= 0 else (b"", data)
            if len(tail) > (1 << 20):
                tail = b""  # no cell is that long: a damaged part, read by the rows later
            if b"<f" not in complete:
                continue
            for column, row in _UNCACHED_FORMULA.findall(complete):
                found.add((int(row), _column_index(column)))
                if len(found) >= MAX_FORMULAS_LISTED:
                    return found
    return found


def _too_many_rows(limits: Limits) -> ValidationError:
    return _refuse(
        _("The sheet has more than %(limit)s rows; split it into smaller files.")
        % {"limit": f"{limits.rows:,}".replace(",", ".")},
        "too_many_rows",
    )


def sheet_rows(
    workbook,
    sheet,
    *,
    merges=None,
    fill_down: bool = True,
    clean=clean_cell,
    width: int = 0,
    limits: Limits = DEFAULT_LIMITS,
):
    """(Excel row number, list of values) of a read-only sheet: values passed
    through ``clean`` (unless None), vertically merged cells filled down
    (``merges`` from ``merged_ranges`` when already known), each row at least
    ``width`` long. Refuses, as it goes, a filled cell beyond ``limits.rows``
    or ``limits.columns`` and more than ``limits.cells`` filled cells."""
    starts = defaultdict(list)
    if fill_down:
        if merges is None:
            merges = merged_ranges(workbook, sheet, limits=limits)
        for first, last, column in merges:
            starts[first].append((column, last))
    filling: dict[int, tuple[object, int]] = {}
    cells = 0
    sheet.reset_dimensions()  # some writers store wrong dimensions
    for number, raw in enumerate(_read_rows(sheet), start=1):
        if number > limits.rows and not filling and all(v in (None, "") for v in raw):
            continue  # past the limit only empty rows may follow: not yielded
        values = [clean(v) for v in raw] if clean else list(raw)
        if len(values) < width:
            values.extend([None] * (width - len(values)))
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
        width = len(values)
        while width and values[width - 1] is None:
            width -= 1
        if width:
            if number > limits.rows:
                raise _too_many_rows(limits)
            if width > limits.columns:
                raise _refuse(
                    _("The sheet has more than %(limit)s columns.") % {"limit": limits.columns},
                    "too_many_columns",
                )
            cells += sum(v is not None for v in values)
            if cells > limits.cells:
                raise _refuse(
                    _("The sheet has more than %(limit)s filled cells; split it.")
                    % {"limit": f"{limits.cells:,}".replace(",", ".")},
                    "too_many_cells",
                )
        yield number, values


# What openpyxl raises, while reading a sheet lazily, on a damaged or crafted
# file: a cut or malformed part, a missing one, nesting beyond the stack, a
# number it cannot convert.
READ_ERRORS = (
    ParseError,
    SyntaxError,
    KeyError,
    IndexError,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    RecursionError,
    InvalidOperation,
    ValueError,
    TypeError,
)


def _read_rows(sheet):
    """The sheet's raw rows; a damaged part is a ValidationError (never a
    traceback), whichever reader (products, participants, criteria) reads it."""
    rows = sheet.iter_rows(values_only=True)
    while True:
        try:
            raw = next(rows)
        except StopIteration:
            return
        except READ_ERRORS as exc:
            raise _refuse(
                _(
                    "The Excel file is damaged and could not be read to the end. Open it in "
                    "Excel or LibreOffice, save it again as .xlsx and retry."
                ),
                "bad_file",
            ) from exc
        yield raw


def first_rows(rows, count: int):
    """The first ``count`` items of ``rows`` as a list, and an iterator over
    all of them again (nothing is read twice)."""
    head = []
    for item in rows:
        head.append(item)
        if len(head) >= count:
            break
    return head, _chain(head, rows)


def _chain(head, rest):
    yield from head
    yield from rest


def table_sheet(workbook, *, title: str, headers: list[str], widths: list[int]):
    """A new sheet of a write-only workbook laid out as a table: column widths,
    the header row in bold and frozen. The caller appends the rows."""
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415 -- slow import
    from openpyxl.styles import Font  # noqa: PLC0415 -- slow import
    from openpyxl.utils import get_column_letter  # noqa: PLC0415 -- slow import

    sheet = workbook.create_sheet(title)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    return sheet
