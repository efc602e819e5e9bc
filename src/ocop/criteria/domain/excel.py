"""Exporting a criteria sheet (YAML, JSON, Excel) and reading the Excel layout back.

Every export holds the same structure as the sheet files
(docs/criteria-format.md), so an exported sheet loaded again is "unchanged".

Excel layout (.xlsx):

- worksheet "Thông tin": the sheet's header, one field a row:
  column A the label, column B the value, column C the field's key (read back);
- worksheet "Phiếu": one row per part, section, criterion, option and
  condition, in the order of the sheet, with the columns of ``COLUMNS``.
  "Thuộc" is the code of the row's parent: a section's part or parent
  section, a criterion's section (or part), an option's or a condition's
  criterion. Options follow their criterion.

Text starting with = + - @ is written with a leading apostrophe so that a
spreadsheet never runs it as a formula; reading removes it.
"""

import io
import json
from datetime import date, datetime
from decimal import Decimal

import yaml
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ocop.core.xlsx import escape_cell, open_workbook, sheet_rows, unescape_cell
from ocop.criteria.domain.queries import sheet_with_tree
from ocop.criteria.enums import SheetStatus
from ocop.criteria.models import Sheet

SHEET_FORMAT = "ocop-criteria-sheet/1"
INFO_TITLE = "Thông tin"
TREE_TITLE = "Phiếu"

# Kinds of rows, as written (Vietnamese) and as read (either language).
ROW_KINDS = {
    "part": "Phần",
    "section": "Mục",
    "branch": "Nhánh",
    "criterion": "Tiêu chí",
    "option": "Phương án",
    "condition": "Điều kiện",
}
KIND_BY_LABEL = {**{v.lower(): k for k, v in ROW_KINDS.items()}, **{k: k for k in ROW_KINDS}}

# (header, key, width)
COLUMNS = [
    ("Loại", "kind", 11),
    ("Mã", "code", 9),
    ("Nội dung", "text", 60),
    ("Nội dung (EN)", "text_en", 40),
    ("Điểm tối đa / Điểm", "points", 10),
    ("Kiểu", "type", 14),
    ("Thuộc", "parent", 9),
    ("Xã đánh giá", "commune", 8),
    ("Gợi ý minh chứng", "evidence", 40),
    ("Gợi ý từ hồ sơ", "prefill", 24),
    ("Số từ", "min", 8),
    ("Số đến", "max_value", 8),
    ("Hạng sao", "star", 8),
    ("Phương án đạt", "options", 12),
    ("Điểm tối thiểu", "min_points", 10),
    ("Yêu cầu / Ghi chú", "note", 40),
]
INFO_FIELDS = [
    ("Định dạng", "format"),
    ("Mã phiếu", "code"),
    ("Căn cứ pháp lý", "legal_basis"),
    ("Bộ sản phẩm", "product_set"),
    ("Tên phiếu", "title"),
    ("Tên phiếu (EN)", "title_en"),
    ("Hiệu lực từ", "effective_from"),
    ("Hiệu lực đến", "effective_to"),
    ("Văn bản chính thức", "official"),
    ("Loại văn bản", "status"),
    ("Ngừng sử dụng", "retired"),
    ("Nguồn", "source"),
    ("Ghi chú", "note"),
    ("Điểm cần đối chiếu", "flags"),
]
YES, NO = "Có", "Không"
DATE_FORMAT = "DD/MM/YYYY"


def _number(value: Decimal | None):
    """An int when whole, else a float (exact for two decimals)."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def export_sheet_data(sheet: Sheet) -> dict:
    """The sheet as the file structure (defaults left out)."""
    sheet = sheet_with_tree(sheet.pk)
    sections = list(sheet.sections.all())
    criteria = list(sheet.criteria.all())

    def compact(item: dict) -> dict:
        return {k: v for k, v in item.items() if not _empty(v)}

    def criterion_data(c) -> dict:
        return compact(
            {
                "code": c.code,
                "text": c.text,
                "text_en": c.text_en,
                "max": _number(c.max_points),
                "kind": c.kind if c.kind != "single" else None,
                "min": _number(c.min_value),
                "max_value": _number(c.max_value),
                "evidence": c.evidence_hint,
                "commune": c.commune_assessed,
                "prefill": c.prefill,
                "note": c.note,
                "options": [
                    compact(
                        {
                            "code": o.code,
                            "text": o.text,
                            "text_en": o.text_en,
                            "points": _number(o.points),
                            "stars": o.stars,
                        }
                    )
                    for o in c.options.all()
                ],
            }
        )

    def section_data(s) -> dict:
        return compact(
            {
                "code": s.code,
                "title": s.title,
                "title_en": s.title_en,
                "max": _number(s.max_points),
                "note": s.note,
                "criteria": [criterion_data(c) for c in criteria if c.section_id == s.pk],
                "sections": [
                    section_data(x) for x in sections if x.parent_id == s.pk and not x.is_branch
                ],
                "branches": [
                    section_data(x) for x in sections if x.parent_id == s.pk and x.is_branch
                ],
            }
        )

    parts = []
    for p in sheet.parts.all():
        parts.append(
            compact(
                {
                    "code": p.code,
                    "title": p.title,
                    "title_en": p.title_en,
                    "max": _number(p.max_points),
                    "criteria": [
                        criterion_data(c)
                        for c in criteria
                        if c.part_id == p.pk and c.section_id is None
                    ],
                    "sections": [
                        section_data(s) for s in sections if s.part_id == p.pk and not s.parent_id
                    ],
                }
            )
        )
    data = {
        "format": SHEET_FORMAT,
        "code": sheet.code,
        "legal_basis": sheet.legal_basis.code,
        "product_set": sheet.product_set.code,
        "title": sheet.title,
        "title_en": sheet.title_en,
        "effective_from": sheet.effective_from,
        "effective_to": sheet.effective_to,
        "official": sheet.is_official,
        "status": sheet.status
        if sheet.status != (SheetStatus.OFFICIAL if sheet.is_official else SheetStatus.SAMPLE)
        else None,
        "retired": sheet.retired,
        "source": sheet.source,
        "note": sheet.note,
        "flags": [{"at": f["at"], "reason": f["reason"]} for f in sheet.flags or []],
        "parts": parts,
        "conditions": [
            compact(
                {
                    "code": k.code,
                    "kind": k.kind,
                    "star": k.star,
                    "criterion": k.criterion.code,
                    "options": list(k.option_codes or []),
                    "min_points": _number(k.min_points),
                    "description": k.description,
                    "description_en": k.description_en,
                }
            )
            for k in sheet.conditions.all()
        ],
    }
    return {k: v for k, v in data.items() if k == "official" or not _empty(v)}


def _empty(value) -> bool:
    """Left out of an export: the loader's default is the same."""
    return value is None or value is False or (isinstance(value, str | list) and not value)


def export_sheet_yaml(sheet: Sheet) -> bytes:
    text = yaml.safe_dump(export_sheet_data(sheet), allow_unicode=True, sort_keys=False, width=100)
    return text.encode("utf-8")


def _json_default(value):
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value))


def export_sheet_json(sheet: Sheet) -> bytes:
    text = json.dumps(export_sheet_data(sheet), ensure_ascii=False, indent=2, default=_json_default)
    return (text + "\n").encode("utf-8")


# Excel -------------------------------------------------------------------------


def _tree_rows(data: dict):
    """One dict per row of the "Phiếu" worksheet, in the order of the sheet."""

    def criterion_rows(c, parent):
        yield {
            "kind": "criterion",
            "code": c["code"],
            "text": c["text"],
            "text_en": c.get("text_en"),
            "points": c["max"],
            "type": c.get("kind", "single"),
            "parent": parent,
            "commune": YES if c.get("commune") else None,
            "evidence": c.get("evidence"),
            "prefill": c.get("prefill"),
            "min": c.get("min"),
            "max_value": c.get("max_value"),
            "note": c.get("note"),
        }
        for o in c.get("options", []):
            yield {
                "kind": "option",
                "code": o["code"],
                "text": o["text"],
                "text_en": o.get("text_en"),
                "points": o["points"],
                "parent": c["code"],
                "star": o.get("stars"),
            }

    def section_rows(s, parent, kind="section"):
        yield {
            "kind": kind,
            "code": s["code"],
            "text": s["title"],
            "text_en": s.get("title_en"),
            "points": s.get("max"),
            "parent": parent,
            "note": s.get("note"),
        }
        for c in s.get("criteria", []):
            yield from criterion_rows(c, s["code"])
        for child in s.get("sections", []):
            yield from section_rows(child, s["code"])
        for child in s.get("branches", []):
            yield from section_rows(child, s["code"], "branch")

    for p in data["parts"]:
        yield {
            "kind": "part",
            "code": p["code"],
            "text": p["title"],
            "text_en": p.get("title_en"),
            "points": p["max"],
        }
        for c in p.get("criteria", []):
            yield from criterion_rows(c, p["code"])
        for s in p.get("sections", []):
            yield from section_rows(s, p["code"])
    for k in data.get("conditions", []):
        yield {
            "kind": "condition",
            "code": k["code"],
            "text": k["description"],
            "text_en": k.get("description_en"),
            "type": k["kind"],
            "parent": k["criterion"],
            "star": k.get("star"),
            "options": ", ".join(k.get("options", [])) or None,
            "min_points": k.get("min_points"),
        }


def export_sheet_xlsx(sheet: Sheet) -> bytes:
    data = export_sheet_data(sheet)
    workbook = Workbook()
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    info = workbook.active
    info.title = INFO_TITLE
    info.column_dimensions["A"].width = 22
    info.column_dimensions["B"].width = 90
    info.column_dimensions["C"].width = 16
    for label, key in INFO_FIELDS:
        value = data.get(key)
        if key in ("official", "retired"):
            value = YES if value else NO
        elif key == "flags":
            value = "\n".join(f"{f['at']}: {f['reason']}" for f in value or []) or None
        info.append([label, escape_cell(value), key])
        row = info.max_row
        info.cell(row, 1).font = bold
        info.cell(row, 2).alignment = wrap
        if isinstance(value, date):
            info.cell(row, 2).number_format = DATE_FORMAT
    info.append(["Phiên bản (chỉ để xem)", sheet.version, "version"])

    tree = workbook.create_sheet(TREE_TITLE)
    for index, (_header, _key, width) in enumerate(COLUMNS, start=1):
        tree.column_dimensions[get_column_letter(index)].width = width
    tree.append([header for header, _key, _width in COLUMNS])
    for cell in tree[1]:
        cell.font = bold
    tree.freeze_panes = "C2"
    for row in _tree_rows(data):
        values = []
        for _header, key, _width in COLUMNS:
            value = row.get(key)
            if key == "kind":
                value = ROW_KINDS[value]
            values.append(escape_cell(value))
        tree.append(values)
        if row["kind"] in ("part", "section", "branch"):
            for cell in tree[tree.max_row]:
                cell.font = bold
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value):
    if isinstance(value, str):
        value = unescape_cell(value.strip())
        return value or None
    if isinstance(value, datetime):
        return value.date()
    return value


def _yes(value) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return text not in ("", "0", "không", "khong", "no", "false", "sai")


def read_sheet_xlsx(file) -> dict:
    """The file structure of a workbook in the layout above (the loader
    checks it). Unknown row kinds and orphan rows are reported as problems
    by returning them in a form the loader refuses with a message."""
    from ocop.criteria.domain.loading import SheetError  # noqa: PLC0415 -- circular import

    try:
        workbook = open_workbook(file)
    except ValidationError as exc:
        raise SheetError(exc.messages) from exc
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise SheetError([_("The Excel file cannot be read: %(error)s") % {"error": exc}]) from exc
    missing = [t for t in (INFO_TITLE, TREE_TITLE) if t not in workbook.sheetnames]
    if missing:
        raise SheetError(
            [_("The Excel file has no worksheet “%(name)s”.") % {"name": t} for t in missing]
        )
    data: dict = {}
    for _number, row in sheet_rows(
        workbook, workbook[INFO_TITLE], fill_down=False, clean=None, width=3
    ):
        if len(row) < 3 or not row[2] or row[2] == "version":
            continue
        value = _cell(row[1])
        if row[2] in ("official", "retired"):
            value = _yes(value) or False
        elif row[2] == "flags" and value is not None:
            value = _flags(str(value))
        data[str(row[2]).strip()] = value
    data.setdefault("format", SHEET_FORMAT)
    data = {k: v for k, v in data.items() if v is not None}

    keys = [key for _header, key, _width in COLUMNS]
    parts: list[dict] = []
    nodes: dict[str, dict] = {}  # parts, sections and criteria by code
    conditions: list[dict] = []
    problems: list[str] = []
    rows = sheet_rows(workbook, workbook[TREE_TITLE], fill_down=False, clean=None, width=len(keys))
    for number, raw in (r for r in rows if r[0] >= 2):
        row = {key: _cell(value) for key, value in zip(keys, raw, strict=False)}
        if all(v is None for v in row.values()):
            continue
        kind = KIND_BY_LABEL.get(str(row.get("kind") or "").strip().lower())
        code = row.get("code")
        code = str(code) if code is not None else None
        parent = row.get("parent")
        parent = nodes.get(str(parent)) if parent is not None else None
        if kind is None:
            problems.append(
                _("Row %(row)s of “%(sheet)s”: unknown kind “%(kind)s”.")
                % {"row": number, "sheet": TREE_TITLE, "kind": row.get("kind") or ""}
            )
            continue
        if kind == "part":
            node = _drop_none(
                {
                    "code": code,
                    "title": row["text"],
                    "title_en": row["text_en"],
                    "max": row["points"],
                    "criteria": [],
                    "sections": [],
                }
            )
            parts.append(node)
            nodes[code] = node
            continue
        if kind == "condition":
            options = row.get("options")
            conditions.append(
                _drop_none(
                    {
                        "code": code,
                        "kind": row.get("type"),
                        "star": row.get("star"),
                        "criterion": str(row["parent"]) if row.get("parent") is not None else None,
                        "options": [o.strip() for o in str(options).split(",") if o.strip()]
                        if options is not None
                        else None,
                        "min_points": row.get("min_points"),
                        "description": row["text"],
                        "description_en": row["text_en"],
                    }
                )
            )
            continue
        if parent is None or (kind == "option") != ("options" in parent):
            problems.append(
                _(
                    "Row %(row)s of “%(sheet)s”: the parent “%(parent)s” is not "
                    "a row above it that can hold it."
                )
                % {"row": number, "sheet": TREE_TITLE, "parent": row.get("parent") or ""}
            )
            continue
        if kind in ("section", "branch"):
            node = _drop_none(
                {
                    "code": code,
                    "title": row["text"],
                    "title_en": row["text_en"],
                    "max": row["points"],
                    "note": row.get("note"),
                    "criteria": [],
                    "sections": [],
                }
            )
            parent.setdefault("sections" if kind == "section" else "branches", []).append(node)
            nodes[code] = node
        elif kind == "criterion":
            node = _drop_none(
                {
                    "code": code,
                    "text": row["text"],
                    "text_en": row["text_en"],
                    "max": row["points"],
                    "kind": row.get("type"),
                    "min": row.get("min"),
                    "max_value": row.get("max_value"),
                    "evidence": row.get("evidence"),
                    "commune": _yes(row.get("commune")),
                    "prefill": row.get("prefill"),
                    "note": row.get("note"),
                    "options": [],
                }
            )
            parent.setdefault("criteria", []).append(node)
            nodes[code] = node
        else:
            parent["options"].append(
                _drop_none(
                    {
                        "code": code,
                        "text": row["text"],
                        "text_en": row["text_en"],
                        "points": row["points"],
                        "stars": row.get("star"),
                    }
                )
            )
    if problems:
        raise SheetError(problems)
    data["parts"] = parts
    data["conditions"] = conditions
    return data


def _flags(text: str) -> list[dict]:
    """Flags written one a line, "where: reason"."""
    flags = []
    for line in text.splitlines():
        at, _sep, reason = line.partition(":")
        if line.strip():
            flags.append({"at": at.strip(), "reason": reason.strip()})
    return flags


def _drop_none(item: dict) -> dict:
    return {k: v for k, v in item.items() if v is not None}
