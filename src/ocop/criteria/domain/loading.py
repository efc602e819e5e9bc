"""Loading criteria sheets and ranking rules from files (YAML, JSON, Excel).

A sheet file is read into a plain dict, normalised (every key present, numbers
as ``Decimal``, dates as ``date``, text stripped), checked (required keys,
types, the engine's ``validate_sheet``, the legal basis and the product set)
and only then written, in one transaction. A refused file writes nothing and
every reason is reported (``SheetError.messages``).

Versioning (docs/criteria-format.md):

- same content as the latest version of the code → ``unchanged``, nothing written;
- different content and the latest version never used in a scoring →
  ``replaced``: its tree is rebuilt in place;
- different content and the latest version used in a scoring → ``superseded``:
  a new version is created and the old one points to it. A sheet in use is
  never edited.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ocop.core.domain.activity import log_action
from ocop.criteria import engine
from ocop.criteria.enums import ConditionKind, CriterionKind, EvaluationLevel, SheetStatus
from ocop.criteria.models import (
    Criterion,
    LegalBasis,
    Option,
    Part,
    RecognitionRule,
    Section,
    Sheet,
    StarBand,
    StarCondition,
)
from ocop.criteria.validation import located_errors
from ocop.products.models import ProductCategory

SHEET_FORMAT = "ocop-criteria-sheet/1"
RULES_FORMAT = "ocop-ranking-rules/1"
DATA_DIR = Path(__file__).resolve().parents[1] / "data"
RULES_FILE = DATA_DIR / "rules.yaml"
SHEETS_DIR = DATA_DIR / "sheets"
SHEET_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")

YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
CREATED, UNCHANGED, REPLACED, SUPERSEDED = "created", "unchanged", "replaced", "superseded"
CENT = Decimal("0.01")
POINTS_LIMIT = Decimal(10000)  # max_digits=6, decimal_places=2

SHEET_KEYS = {
    "format",
    "code",
    "legal_basis",
    "product_set",
    "product_sets",
    "title",
    "title_en",
    "effective_from",
    "effective_to",
    "official",
    "source",
    "note",
    "status",
    "retired",
    "flags",
    "parts",
    "conditions",
}
PART_KEYS = {"code", "title", "title_en", "max", "sections", "criteria"}
SECTION_KEYS = PART_KEYS | {"note", "branches"}
FLAG_KEYS = {"at", "reason"}
CRITERION_KEYS = {
    "code",
    "text",
    "text_en",
    "max",
    "kind",
    "min",
    "max_value",
    "evidence",
    "commune",
    "prefill",
    "note",
    "options",
}
OPTION_KEYS = {"code", "text", "text_en", "points", "stars"}
CONDITION_KEYS = {
    "code",
    "kind",
    "star",
    "criterion",
    "options",
    "min_points",
    "description",
    "description_en",
}


class SheetError(ValidationError):
    """A file that cannot be loaded; ``messages`` lists every reason."""

    def __init__(self, messages):
        super().__init__(list(messages))


@dataclass(frozen=True)
class LoadResult:
    sheet: Sheet
    status: str
    previous: Sheet | None = None


# Reading values -------------------------------------------------------------


class _Reader:
    """Collects every problem of a file instead of stopping at the first."""

    def __init__(self):
        self.errors: list[str] = []

    def fail(self, where: str, message: str, **names) -> None:
        self.errors.append(
            _("%(where)s: %(message)s") % {"where": where, "message": message % names}
        )

    def mapping(self, value, where: str, keys: set[str]) -> dict:
        if not isinstance(value, dict):
            self.fail(where, _("expected a mapping of keys and values"))
            return {}
        for key in sorted(set(map(str, value)) - keys):
            self.fail(where, _("unknown key “%(key)s”"), key=key)
        return value

    def items(self, data: dict, key: str, where: str) -> list:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(where, _("“%(key)s” must be a list"), key=key)
            return []
        return value

    def code(self, data: dict, where: str, max_length: int) -> str:
        value = data.get("code")
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(where, _("“%(key)s” is missing"), key="code")
            return ""
        return self._length(str(value).strip(), where, "code", max_length)

    def text(
        self, data: dict, key: str, where: str, max_length: int | None = None, *, required=False
    ):
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.fail(where, _("“%(key)s” is missing"), key=key)
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
            self.fail(where, _("“%(key)s” must be text"), key=key)
            return ""
        text = str(value).strip()
        if required and not text:
            self.fail(where, _("“%(key)s” is missing"), key=key)
        return self._length(text, where, key, max_length)

    def _length(self, text: str, where: str, key: str, max_length: int | None) -> str:
        if max_length is not None and len(text) > max_length:
            self.fail(
                where,
                _("“%(key)s” is longer than %(max)s characters"),
                key=key,
                max=max_length,
            )
        return text

    def number(self, data: dict, key: str, where: str, *, required=False) -> Decimal | None:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.fail(where, _("“%(key)s” is missing"), key=key)
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
            self.fail(where, _("“%(key)s” must be a number, not “%(value)s”"), key=key, value=value)
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.fail(where, _("“%(key)s” must be a number, not “%(value)s”"), key=key, value=value)
            return None
        if number != number.quantize(CENT) or abs(number) >= POINTS_LIMIT:
            self.fail(
                where,
                _("“%(key)s” must be below 10,000 with at most two decimals, not “%(value)s”"),
                key=key,
                value=value,
            )
            return None
        return number

    def integer(self, data: dict, key: str, where: str) -> int | None:
        value = data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(
                where, _("“%(key)s” must be a whole number, not “%(value)s”"), key=key, value=value
            )
            return None
        return value

    def day(self, data: dict, key: str, where: str, *, required=False) -> date | None:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.fail(where, _("“%(key)s” is missing"), key=key)
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            text = value.strip()
            try:
                return date.fromisoformat(text)
            except ValueError:
                pass
            parts = text.split("/")
            if len(parts) == 3 and all(p.isdigit() for p in parts):
                try:
                    return date(int(parts[2]), int(parts[1]), int(parts[0]))
                except ValueError:
                    pass
        self.fail(
            where, _("“%(key)s” must be a date (yyyy-mm-dd), not “%(value)s”"), key=key, value=value
        )
        return None

    def flag(self, data: dict, key: str, where: str) -> bool:
        value = data.get(key)
        if value is None or value == "":
            return False
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        self.fail(where, _("“%(key)s” must be true or false"), key=key)
        return False


# Normalising a sheet -----------------------------------------------------------


def normalise_sheet(data: Any) -> tuple[dict, list[str]]:
    """The sheet with every key present and every value typed, and the
    problems found (the engine's checks are not run here)."""
    reader = _Reader()
    where = _("The sheet")
    data = reader.mapping(data, where, SHEET_KEYS - {"product_sets"})
    if data.get("format", SHEET_FORMAT) != SHEET_FORMAT:
        reader.fail(where, _("the format must be “%(format)s”"), format=SHEET_FORMAT)
    sheet = {
        "code": reader.code(data, where, 50),
        "legal_basis": reader.text(data, "legal_basis", where, 50, required=True),
        "product_set": reader.text(data, "product_set", where, 20, required=True),
        "title": reader.text(data, "title", where, 400, required=True),
        "title_en": reader.text(data, "title_en", where, 400),
        "effective_from": reader.day(data, "effective_from", where, required=True),
        "effective_to": reader.day(data, "effective_to", where),
        "official": reader.flag(data, "official", where),
        "status": reader.text(data, "status", where),
        "retired": reader.flag(data, "retired", where),
        "source": reader.text(data, "source", where),
        "note": reader.text(data, "note", where),
        "flags": [],
        "parts": [],
        "conditions": [],
    }
    default_status = SheetStatus.OFFICIAL if sheet["official"] else SheetStatus.SAMPLE
    if not sheet["status"]:
        sheet["status"] = default_status
    elif sheet["status"] not in SheetStatus.values:
        reader.fail(
            where,
            _("the status “%(status)s” is not one of %(statuses)s"),
            status=sheet["status"],
            statuses=", ".join(SheetStatus.values),
        )
    elif (sheet["status"] == SheetStatus.OFFICIAL) != sheet["official"]:
        reader.fail(where, _("“official: true” goes with “status: official” and only with it"))
    for raw in reader.items(data, "flags", where):
        raw = reader.mapping(raw, _("A flag"), FLAG_KEYS)
        flag_where = _("Flag %(at)s") % {"at": raw.get("at", "?")}
        sheet["flags"].append(
            {
                "at": reader.text(raw, "at", flag_where, 20, required=True),
                "reason": reader.text(raw, "reason", flag_where, 1000, required=True),
            }
        )
    parts = reader.items(data, "parts", where)
    if not parts:
        reader.fail(where, _("it has no parts"))
    for raw in parts:
        sheet["parts"].append(_part(reader, raw))
    for index, raw in enumerate(reader.items(data, "conditions", where), start=1):
        sheet["conditions"].append(_condition(reader, raw, index))
    return sheet, reader.errors


def _part(reader: _Reader, raw) -> dict:
    where = _("Part %(code)s") % {"code": raw.get("code", "?") if isinstance(raw, dict) else "?"}
    raw = reader.mapping(raw, where, PART_KEYS)
    return {
        "code": reader.code(raw, where, 10),
        "title": reader.text(raw, "title", where, 400, required=True),
        "title_en": reader.text(raw, "title_en", where, 400),
        "max": reader.number(raw, "max", where, required=True),
        "criteria": [_criterion(reader, c) for c in reader.items(raw, "criteria", where)],
        "sections": [_section(reader, s) for s in reader.items(raw, "sections", where)],
    }


def _section(reader: _Reader, raw, *, branch: bool = False) -> dict:
    where = _("Section %(code)s") % {"code": raw.get("code", "?") if isinstance(raw, dict) else "?"}
    raw = reader.mapping(raw, where, SECTION_KEYS)
    return {
        "code": reader.code(raw, where, 20),
        "title": reader.text(raw, "title", where, 400, required=True),
        "title_en": reader.text(raw, "title_en", where, 400),
        "max": reader.number(raw, "max", where),
        "note": reader.text(raw, "note", where),
        "branch": branch,
        "criteria": [_criterion(reader, c) for c in reader.items(raw, "criteria", where)],
        "sections": [_section(reader, s) for s in reader.items(raw, "sections", where)],
        "branches": [
            _section(reader, s, branch=True) for s in reader.items(raw, "branches", where)
        ],
    }


def _criterion(reader: _Reader, raw) -> dict:
    code = raw.get("code", "?") if isinstance(raw, dict) else "?"
    where = _("Criterion %(code)s") % {"code": code}
    raw = reader.mapping(raw, where, CRITERION_KEYS)
    kind = reader.text(raw, "kind", where) or CriterionKind.SINGLE
    if kind not in CriterionKind.values:
        reader.fail(
            where,
            _("the kind “%(kind)s” is not one of %(kinds)s"),
            kind=kind,
            kinds=", ".join(CriterionKind.values),
        )
    criterion = {
        "code": reader.code(raw, where, 20),
        "text": reader.text(raw, "text", where, 600, required=True),
        "text_en": reader.text(raw, "text_en", where, 600),
        "max": reader.number(raw, "max", where, required=True),
        "kind": kind,
        "min": reader.number(raw, "min", where),
        "max_value": reader.number(raw, "max_value", where),
        "evidence": reader.text(raw, "evidence", where),
        "commune": reader.flag(raw, "commune", where),
        "prefill": reader.text(raw, "prefill", where, 100),
        "note": reader.text(raw, "note", where),
        "options": [],
    }
    for raw_option in reader.items(raw, "options", where):
        option_code = raw_option.get("code", "?") if isinstance(raw_option, dict) else "?"
        option_where = _("Criterion %(code)s, option %(option)s") % {
            "code": code,
            "option": option_code,
        }
        raw_option = reader.mapping(raw_option, option_where, OPTION_KEYS)
        criterion["options"].append(
            {
                "code": reader.code(raw_option, option_where, 20),
                "text": reader.text(raw_option, "text", option_where, 600, required=True),
                "text_en": reader.text(raw_option, "text_en", option_where, 600),
                "points": reader.number(raw_option, "points", option_where, required=True),
                "stars": reader.integer(raw_option, "stars", option_where),
            }
        )
    for option in criterion["options"]:
        if option["stars"] is not None and option["stars"] not in (1, 2, 3, 4, 5):
            reader.fail(where, _("a star mark must be from 1 to 5"))
    if kind == CriterionKind.NUMBER and criterion["options"]:
        reader.fail(where, _("a number criterion takes no options"))
    return criterion


def _condition(reader: _Reader, raw, index: int) -> dict:
    code = raw.get("code", index) if isinstance(raw, dict) else index
    where = _("Condition %(code)s") % {"code": code}
    raw = reader.mapping(raw, where, CONDITION_KEYS)
    kind = reader.text(raw, "kind", where, required=True)
    if kind and kind not in ConditionKind.values:
        reader.fail(
            where,
            _("the kind “%(kind)s” is not one of %(kinds)s"),
            kind=kind,
            kinds=", ".join(ConditionKind.values),
        )
    options = raw.get("options") or []
    if isinstance(options, str):
        options = [o for o in (p.strip() for p in options.split(",")) if o]
    if not isinstance(options, list):
        reader.fail(where, _("“%(key)s” must be a list"), key="options")
        options = []
    return {
        "code": reader.code(raw, where, 20),
        "kind": kind,
        "star": reader.integer(raw, "star", where),
        "criterion": reader.text(raw, "criterion", where, 20, required=True),
        "options": [str(o).strip() for o in options],
        "min_points": reader.number(raw, "min_points", where),
        "description": reader.text(raw, "description", where, 600, required=True),
        "description_en": reader.text(raw, "description_en", where, 600),
    }


def sheet_spec_from_data(sheet: dict) -> engine.SheetSpec:
    """The engine's view of a normalised sheet."""
    sections: list[engine.SectionSpec] = []
    criteria: list[engine.CriterionSpec] = []

    def add_criteria(items, part, section):
        for c in items:
            criteria.append(
                engine.CriterionSpec(
                    code=c["code"],
                    part=part,
                    section=section,
                    max_points=c["max"] if c["max"] is not None else Decimal(0),
                    kind=c["kind"],
                    min_value=c["min"],
                    max_value=c["max_value"],
                    text=c["text"],
                    options=tuple(
                        engine.OptionSpec(
                            code=o["code"],
                            points=o["points"] if o["points"] is not None else Decimal(0),
                            text=o["text"],
                            stars=o["stars"],
                        )
                        for o in c["options"]
                    ),
                )
            )

    def add_sections(items, part, parent):
        for s in items:
            sections.append(
                engine.SectionSpec(
                    code=s["code"],
                    part=part,
                    parent=parent,
                    max_points=s["max"],
                    title=s["title"],
                    branch=s["branch"],
                )
            )
            add_criteria(s["criteria"], part, s["code"])
            add_sections(s["sections"], part, s["code"])
            add_sections(s["branches"], part, s["code"])

    for p in sheet["parts"]:
        add_criteria(p["criteria"], p["code"], None)
        add_sections(p["sections"], p["code"], None)
    return engine.SheetSpec(
        parts=tuple(
            engine.PartSpec(
                code=p["code"],
                max_points=p["max"] if p["max"] is not None else Decimal(0),
                title=p["title"],
            )
            for p in sheet["parts"]
        ),
        sections=tuple(sections),
        criteria=tuple(criteria),
        conditions=tuple(
            engine.ConditionSpec(
                code=k["code"],
                kind=k["kind"],
                criterion=k["criterion"],
                star=k["star"],
                option_codes=frozenset(k["options"]),
                min_points=k["min_points"],
                description=k["description"],
            )
            for k in sheet["conditions"]
        ),
    )


def _json_value(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value))


def _hash_view(sheet: dict) -> dict:
    """The normalised sheet without the keys added to the format later when
    they have their default value, so that a sheet loaded before they
    existed keeps its content hash (and loads again as ``unchanged``)."""

    def section(s: dict) -> dict:
        item = {k: v for k, v in s.items() if k not in ("note", "branch", "branches")}
        if s["note"]:
            item["note"] = s["note"]
        if s["branch"]:
            item["branch"] = True
        item["criteria"] = [criterion(c) for c in s["criteria"]]
        item["sections"] = [section(x) for x in s["sections"]]
        if s["branches"]:
            item["branches"] = [section(x) for x in s["branches"]]
        return item

    def criterion(c: dict) -> dict:
        item = {k: v for k, v in c.items() if k != "note" or v}
        item["options"] = [
            {k: v for k, v in o.items() if k != "stars" or v is not None} for o in c["options"]
        ]
        return item

    default_status = SheetStatus.OFFICIAL if sheet["official"] else SheetStatus.SAMPLE
    view = {
        k: v
        for k, v in sheet.items()
        if not (
            (k == "status" and v == default_status)
            or (k == "retired" and not v)
            or (k == "flags" and not v)
        )
    }
    view["parts"] = [
        {
            **p,
            "criteria": [criterion(c) for c in p["criteria"]],
            "sections": [section(x) for x in p["sections"]],
        }
        for p in sheet["parts"]
    ]
    return view


def content_hash(sheet: dict) -> str:
    """sha256 of the canonical JSON of a normalised sheet."""
    text = json.dumps(
        _hash_view(sheet),
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=_json_value,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _unflagged_errors(sheet: dict) -> list[str]:
    """The engine's reasons, except those at a part, section or criterion
    that the sheet flags (a fault its structure cannot settle, loaded so that
    councils see it); a flag where nothing is at fault is refused too."""
    flagged = {f["at"] for f in sheet["flags"]}
    errors, at_fault = [], set()
    for where, message in located_errors(sheet_spec_from_data(sheet)):
        if where is not None and where in flagged:
            at_fault.add(where)
        else:
            errors.append(message)
    for code in sorted(flagged - at_fault):
        errors.append(
            _(
                "The sheet is flagged at “%(code)s”, but nothing there fails to add up: "
                "remove the flag."
            )
            % {"code": code}
        )
    return errors


@dataclass
class _Checked:
    data: dict
    legal_basis: LegalBasis
    product_set: ProductCategory
    content_hash: str


def check_sheet_data(data: Any) -> _Checked:
    """Normalise and check a sheet; raise ``SheetError`` with every problem."""
    sheet, errors = normalise_sheet(data)
    if not errors:
        errors.extend(_unflagged_errors(sheet))
        condition_codes = [k["code"] for k in sheet["conditions"]]
        for code in sorted({c for c in condition_codes if condition_codes.count(c) > 1}):
            errors.append(_("The condition code “%(code)s” is used twice.") % {"code": code})
        if sheet["effective_to"] and sheet["effective_to"] < sheet["effective_from"]:
            errors.append(_("The sheet ends before it starts (effective dates)."))
    legal_basis = LegalBasis.objects.filter(code=sheet["legal_basis"]).first()
    if sheet["legal_basis"] and legal_basis is None:
        errors.append(
            _("The legal basis “%(code)s” is not loaded (load the ranking rules first).")
            % {"code": sheet["legal_basis"]}
        )
    product_set = ProductCategory.objects.filter(code=sheet["product_set"]).first()
    if sheet["product_set"] and product_set is None:
        errors.append(
            _("The product set “%(code)s” does not exist.") % {"code": sheet["product_set"]}
        )
    if errors:
        raise SheetError(errors)
    return _Checked(sheet, legal_basis, product_set, content_hash(sheet))


# Writing a sheet -------------------------------------------------------------


def is_in_use(sheet: Sheet) -> bool:
    """Whether the sheet has been used in a scoring (an agenda item uses it)."""
    return sheet.agenda_items.exists()


def ensure_editable(sheet: Sheet) -> None:
    if is_in_use(sheet):
        raise ValidationError(
            _("This sheet has been used in a scoring and cannot be edited; load a new version."),
            code="sheet_in_use",
        )


def _header(checked: _Checked) -> dict:
    data = checked.data
    return {
        "legal_basis": checked.legal_basis,
        "product_set": checked.product_set,
        "title": data["title"],
        "title_en": data["title_en"],
        "effective_from": data["effective_from"],
        "effective_to": data["effective_to"],
        "is_official": data["official"],
        "status": data["status"],
        "retired": data["retired"],
        "source": data["source"],
        "note": data["note"],
        "flags": data["flags"],
        "content_hash": checked.content_hash,
    }


def _build_tree(sheet: Sheet, data: dict) -> None:
    """Create the parts, sections, criteria, options and conditions of a
    sheet, each with its position as ``order``."""
    parts = Part.objects.bulk_create(
        Part(
            sheet=sheet,
            code=p["code"],
            title=p["title"],
            title_en=p["title_en"],
            max_points=p["max"],
            order=index,
        )
        for index, p in enumerate(data["parts"])
    )
    criteria_rows: list[tuple[Criterion, dict]] = []
    counter = {"section": 0, "criterion": 0}

    def add_criteria(items, part, section):
        for c in items:
            criteria_rows.append(
                (
                    Criterion(
                        sheet=sheet,
                        part=part,
                        section=section,
                        code=c["code"],
                        text=c["text"],
                        text_en=c["text_en"],
                        max_points=c["max"],
                        kind=c["kind"],
                        min_value=c["min"],
                        max_value=c["max_value"],
                        evidence_hint=c["evidence"],
                        note=c["note"],
                        commune_assessed=c["commune"],
                        prefill=c["prefill"],
                        order=counter["criterion"],
                    ),
                    c,
                )
            )
            counter["criterion"] += 1

    def add_sections(items, part, parent):
        for s in items:
            section = Section(
                sheet=sheet,
                part=part,
                parent=parent,
                code=s["code"],
                title=s["title"],
                title_en=s["title_en"],
                max_points=s["max"],
                note=s["note"],
                is_branch=s["branch"],
                order=counter["section"],
            )
            counter["section"] += 1
            section.save()
            add_criteria(s["criteria"], part, section)
            add_sections(s["sections"], part, section)
            add_sections(s["branches"], part, section)

    for part, p in zip(parts, data["parts"], strict=True):
        add_criteria(p["criteria"], part, None)
        add_sections(p["sections"], part, None)
    criteria = Criterion.objects.bulk_create(row for row, _data in criteria_rows)
    Option.objects.bulk_create(
        Option(
            criterion=criterion,
            code=o["code"],
            text=o["text"],
            text_en=o["text_en"],
            points=o["points"],
            stars=o["stars"],
            order=index,
        )
        for criterion, (_row, c) in zip(criteria, criteria_rows, strict=True)
        for index, o in enumerate(c["options"])
    )
    by_code = {c.code: c for c in criteria}
    StarCondition.objects.bulk_create(
        StarCondition(
            sheet=sheet,
            code=k["code"],
            kind=k["kind"],
            star=k["star"],
            criterion=by_code[k["criterion"]],
            option_codes=k["options"],
            min_points=k["min_points"],
            description=k["description"],
            description_en=k["description_en"],
            order=index,
        )
        for index, k in enumerate(data["conditions"])
    )


def _write_sheet(checked: _Checked, *, by=None) -> LoadResult:
    code = checked.data["code"]
    latest = Sheet.objects.filter(code=code).order_by("-version").first()
    if latest is not None and latest.content_hash == checked.content_hash:
        return LoadResult(sheet=latest, status=UNCHANGED)
    previous = None
    if latest is None:
        sheet = Sheet.objects.create(code=code, version=1, **_header(checked))
        status = CREATED
    elif not is_in_use(latest):
        sheet = latest
        for field, value in _header(checked).items():
            setattr(sheet, field, value)
        if sheet.flags != checked.data["flags"]:
            sheet.flag_confirmed_at = sheet.flag_confirmed_by = None
            sheet.flag_confirmation = ""
        sheet.save()
        sheet.parts.all().delete()
        status = REPLACED
    else:
        previous = latest
        sheet = Sheet.objects.create(code=code, version=latest.version + 1, **_header(checked))
        previous.superseded_by = sheet
        previous.save(update_fields=["superseded_by"])
        status = SUPERSEDED
    _build_tree(sheet, checked.data)
    log_action(
        action="ocop.criteria.sheet_loaded",
        by=by,
        obj=sheet,
        data={
            "status": status,
            "code": code,
            "version": sheet.version,
            "legal_basis": checked.legal_basis.code,
            "product_set": checked.product_set.code,
            "official": sheet.is_official,
            "text": sheet.status,
            "flags": sheet.flags,
            "content_hash": checked.content_hash,
            "previous_version": previous.version if previous else None,
        },
    )
    return LoadResult(sheet=sheet, status=status, previous=previous)


@transaction.atomic
def load_sheet_data(data: dict, *, by=None) -> LoadResult:
    """Load one sheet (see the module docstring for the versioning rule)."""
    return _write_sheet(check_sheet_data(data), by=by)


def expand_sheet_template(data: dict) -> list[dict]:
    """A sample template names ``product_sets`` instead of ``product_set``:
    one sheet per set, coded ``<code>-<set code>``. ``{product_set}`` and
    ``{product_set_en}`` in the titles are replaced by the set's names."""
    if not isinstance(data, dict) or "product_sets" not in data:
        return [data]
    codes = data.get("product_sets")
    if not isinstance(codes, list) or not codes:
        raise SheetError([_("“product_sets” must be a non-empty list of product set codes.")])
    if "product_set" in data:
        raise SheetError([_("A sheet names either “product_set” or “product_sets”, not both.")])
    names = {c.code: c for c in ProductCategory.objects.filter(code__in=[str(c) for c in codes])}
    unknown = [str(c) for c in codes if str(c) not in names]
    if unknown:
        raise SheetError(
            [_("The product set “%(code)s” does not exist.") % {"code": c} for c in unknown]
        )
    sheets = []
    for set_code in map(str, codes):
        category = names[set_code]
        item = {k: v for k, v in data.items() if k != "product_sets"}
        item["code"] = f"{data.get('code', '')}-{set_code}"
        item["product_set"] = set_code
        for key in ("title", "title_en"):
            if isinstance(item.get(key), str):
                item[key] = (
                    item[key]
                    .replace("{product_set}", category.name)
                    .replace("{product_set_en}", category.name_en or category.name)
                )
        sheets.append(item)
    return sheets


@transaction.atomic
def load_sheets(items: list[dict], *, by=None) -> list[LoadResult]:
    """Load several sheets: all are checked first, then written; one bad sheet
    writes nothing."""
    checked, errors = [], []
    for item in items:
        try:
            checked.append(check_sheet_data(item))
        except SheetError as exc:
            if len(items) == 1:
                raise
            code = item.get("code", "?") if isinstance(item, dict) else "?"
            errors.extend(
                _("Sheet %(code)s: %(message)s") % {"code": code, "message": m}
                for m in exc.messages
            )
    if errors:
        raise SheetError(errors)
    return [_write_sheet(c, by=by) for c in checked]


# Ranking rules ------------------------------------------------------------------

BASIS_KEYS = {
    "code",
    "title",
    "title_en",
    "signed_on",
    "effective_from",
    "effective_to",
    "amends",
    "min_recognised_star",
    "source",
    "unconfirmed",
    "bands",
    "recognition",
}


def _normalise_rules(data: Any) -> tuple[list[dict], list[str]]:
    reader = _Reader()
    where = _("The ranking rules")
    data = reader.mapping(data, where, {"format", "legal_bases"})
    if data.get("format") != RULES_FORMAT:
        reader.fail(where, _("the format must be “%(format)s”"), format=RULES_FORMAT)
    bases = []
    for raw in reader.items(data, "legal_bases", where):
        code = raw.get("code", "?") if isinstance(raw, dict) else "?"
        where = _("Legal basis %(code)s") % {"code": code}
        raw = reader.mapping(raw, where, BASIS_KEYS)
        basis = {
            "code": reader.code(raw, where, 50),
            "fields": {
                "title": reader.text(raw, "title", where, 400, required=True),
                "title_en": reader.text(raw, "title_en", where, 400),
                "signed_on": reader.day(raw, "signed_on", where),
                "effective_from": reader.day(raw, "effective_from", where, required=True),
                "effective_to": reader.day(raw, "effective_to", where),
                "min_recognised_star": reader.integer(raw, "min_recognised_star", where) or 3,
                "source": reader.text(raw, "source", where),
                "unconfirmed": reader.text(raw, "unconfirmed", where),
            },
            "bands": {},
            "rules": {},
        }
        for band in reader.items(raw, "bands", where):
            band = reader.mapping(band, where, {"star", "min", "max"})
            star = reader.integer(band, "star", where)
            basis["bands"][star] = {
                "min_score": reader.number(band, "min", where, required=True),
                "max_score": reader.number(band, "max", where),
            }
        rule_keys = {"level", "stars", "propose_from", "propose_to"}
        for rule in reader.items(raw, "recognition", where):
            rule = reader.mapping(rule, where, rule_keys | {"effective_from", "effective_to"})
            level = reader.text(rule, "level", where, required=True)
            propose_to = reader.text(rule, "propose_to", where)
            for value in (level, propose_to):
                if value and value not in EvaluationLevel.values:
                    reader.fail(where, _("unknown evaluation level “%(level)s”"), level=value)
            stars = rule.get("stars") or []
            if not isinstance(stars, list) or not all(
                isinstance(s, int) and not isinstance(s, bool) for s in stars
            ):
                reader.fail(where, _("“%(key)s” must be a list of whole numbers"), key="stars")
                stars = []
            effective_from = reader.day(rule, "effective_from", where, required=True)
            basis["rules"][(level, effective_from)] = {
                "stars": stars,
                "propose_from": reader.number(rule, "propose_from", where),
                "propose_to": propose_to,
                "effective_to": reader.day(rule, "effective_to", where),
            }
        bases.append(basis)
    return bases, reader.errors


def _upsert(model, lookup: dict, values: dict, counts: dict):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        counts["created"] += 1
        return model.objects.create(**lookup, **values), True
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for key in changed:
            setattr(obj, key, values[key])
        obj.save(update_fields=changed)
        counts["updated"] += 1
        return obj, True
    return obj, False


@transaction.atomic
def load_rules_data(data: dict, *, by=None) -> dict:
    """Upsert the legal bases, their star bands and recognition rules. The file
    is authoritative: bands and rules of a loaded basis that it no longer
    lists are deleted. Returns ``{"created", "updated", "deleted"}`` counts;
    a second load of the same data changes nothing and returns zeros."""
    bases, errors = _normalise_rules(data)
    if errors:
        raise SheetError(errors)
    counts = {"created": 0, "updated": 0, "deleted": 0}
    for basis in bases:
        before = dict(counts)
        legal_basis, _changed = _upsert(
            LegalBasis, {"code": basis["code"]}, basis["fields"], counts
        )
        for star, values in basis["bands"].items():
            _upsert(StarBand, {"legal_basis": legal_basis, "star": star}, values, counts)
        stale = StarBand.objects.filter(legal_basis=legal_basis).exclude(
            star__in=list(basis["bands"])
        )
        counts["deleted"] += stale.count()
        stale.delete()
        for (level, effective_from), values in basis["rules"].items():
            _upsert(
                RecognitionRule,
                {"legal_basis": legal_basis, "level": level, "effective_from": effective_from},
                values,
                counts,
            )
        keep = set(basis["rules"])
        for rule in RecognitionRule.objects.filter(legal_basis=legal_basis):
            if (rule.level, rule.effective_from) not in keep:
                rule.delete()
                counts["deleted"] += 1
        if counts != before:
            log_action(
                action="ocop.criteria.rules_loaded",
                by=by,
                obj=legal_basis,
                data={k: counts[k] - before[k] for k in counts},
            )
    return counts


# Files --------------------------------------------------------------------------


def read_file(path) -> Any:
    """The raw data of a .yaml/.yml, .json or .xlsx file."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix in (".yaml", ".yml"):
            # libyaml's loader when installed: the shipped sheets load ~10× faster.
            return yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)  # noqa: S506
        if suffix == ".json":
            return json.loads(path.read_text(encoding="utf-8"))
        if suffix == ".xlsx":
            from ocop.criteria.domain import excel  # noqa: PLC0415 -- slow import

            with path.open("rb") as handle:
                return excel.read_sheet_xlsx(handle)
    except FileNotFoundError as exc:
        raise SheetError([_("The file %(name)s does not exist.") % {"name": path}]) from exc
    except (yaml.YAMLError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SheetError(
            [_("The file %(name)s cannot be read: %(error)s") % {"name": path.name, "error": exc}]
        ) from exc
    raise SheetError(
        [_("The file %(name)s is not .yaml, .yml, .json or .xlsx.") % {"name": path.name}]
    )


def load_data(data: Any, *, by=None) -> list:
    """Load a sheet, a sample template or the ranking rules, by their
    ``format``. Returns the list of ``LoadResult`` (or one counts dict for
    the rules)."""
    kind = data.get("format") if isinstance(data, dict) else None
    if kind == RULES_FORMAT:
        return [load_rules_data(data, by=by)]
    if kind == SHEET_FORMAT:
        return load_sheets(expand_sheet_template(data), by=by)
    raise SheetError(
        [
            _("Unknown format “%(format)s”: expected %(sheet)s or %(rules)s.")
            % {"format": kind or "", "sheet": SHEET_FORMAT, "rules": RULES_FORMAT}
        ]
    )


def load_file(path, *, by=None) -> list:
    return load_data(read_file(path), by=by)


def shipped_files() -> list[Path]:
    sheets = sorted(p for p in SHEETS_DIR.iterdir() if p.suffix.lower() in SHEET_SUFFIXES)
    return [RULES_FILE, *sheets]


@transaction.atomic
def load_shipped(*, by=None) -> list[tuple[Path, list]]:
    """The ranking rules, then every sheet shipped in ``data/sheets/``."""
    return [(path, load_file(path, by=by)) for path in shipped_files()]
