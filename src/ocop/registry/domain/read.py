"""Reading a registry list: the bounded workbook, the sheet and its header
(title rows above it skipped, a sub-header below it merged), the columns as
the user mapped them, and the data rows with merged cells filled down."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ocop.core.xlsx import cell_text, first_rows, merged_ranges, sheet_rows, uncached_formulas

from .fields import FIELDS, HEADER_SEARCH_ROWS, HEADERS, NUMBERING, REQUIRED_FIELDS
from .problems import Column


@dataclass
class Layout:
    """The header row of a sheet and what its columns hold."""

    header_row: int = 0
    columns: list[Column] = field(default_factory=list)
    by_field: dict[str, list[int]] = field(default_factory=dict)
    titles: list[str] = field(default_factory=list)  # the text of the rows above the header
    formulas: set[tuple[int, int]] = field(default_factory=set)  # uncalculated cells

    def uncalculated(self, number: int, name: str) -> bool:
        """The row's cell for ``name`` is a formula without a calculated value."""
        return any((number, index) in self.formulas for index in self.by_field.get(name, ()))

    def label(self, name: str) -> str:
        """The header of the column holding ``name`` (for problems)."""
        indices = self.by_field.get(name) or []
        if indices:
            return self.columns[indices[0]].label
        return str(FIELDS.get(name, name))

    def value(self, values: list, name: str):
        """The first filled value of a row among the columns holding ``name``."""
        for index in self.by_field.get(name, ()):
            if index < len(values) and values[index] not in (None, ""):
                return values[index]
        return None

    def text(self, values: list, name: str) -> str:
        return cell_text(self.value(values, name))


def find_sheet(workbook, mapping: dict | None):
    """(layout, data rows) of the first sheet (the active one first) with a
    header naming the product and the subject. Each sheet is read once: the
    rows read to find the header are not read again."""
    sheets = [workbook.active, *workbook.worksheets]
    for sheet in dict.fromkeys(s for s in sheets if s is not None):
        merges = merged_ranges(workbook, sheet)
        head, rows = first_rows(sheet_rows(workbook, sheet, merges=merges), HEADER_SEARCH_ROWS + 2)
        found = detect_header(iter(head))
        if found is None:
            continue
        header_row, columns, first_data = found
        apply_mapping(columns, mapping)
        by_field = defaultdict(list)
        for column in columns:
            if column.field:
                by_field[column.field].append(column.index)
        missing = [str(FIELDS[f]) for f in REQUIRED_FIELDS if f not in by_field]
        if missing:
            raise ValidationError(
                _("These columns are missing: %(columns)s.") % {"columns": ", ".join(missing)},
                code="missing_columns",
            )
        titles = [
            " ".join(t for t in (cell_text(v) for v in values) if t)
            for number, values in head
            if number < header_row
        ]
        layout = Layout(
            header_row=header_row,
            columns=columns,
            by_field=by_field,
            titles=[t for t in titles if t],
            formulas=uncached_formulas(workbook, sheet),
        )
        return layout, ((n, v) for n, v in rows if n >= first_data)
    raise ValidationError(
        _(
            "No header row was found in the first %(count)s rows: the list needs at "
            "least the columns “Tên sản phẩm” and “Tên chủ thể”."
        )
        % {"count": HEADER_SEARCH_ROWS},
        code="no_header",
    )


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
            text = cell_text(value)
            name = HEADERS.field(text)
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
    texts = [cell_text(v) for v in values]
    fields = [HEADERS.field(t) for t in texts]
    pairs = list(zip(texts, fields, strict=True))
    if not any(fields) or any(t and not f and not NUMBERING.match(t) for t, f in pairs):
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
