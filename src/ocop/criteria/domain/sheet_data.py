"""Reading a sheet file's data into the normalised sheet: every key present,
numbers as ``Decimal``, dates as ``date``, text stripped, and every problem
collected with where it is (``normalise_sheet``); the engine's view of it
(``sheet_spec_from_data``) and its content hash. Writing is in
``ocop.criteria.domain.loading``; the format is docs/criteria-format.md."""

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from ocop.criteria import engine
from ocop.criteria.enums import ConditionKind, CriterionKind, SheetStatus

SHEET_FORMAT = "ocop-criteria-sheet/1"
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


# Reading values -------------------------------------------------------------


class Reader:
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
        # The size first: quantizing a huge number raises InvalidOperation.
        if abs(number) >= POINTS_LIMIT or number != number.quantize(CENT):
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
    reader = Reader()
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


def _part(reader: Reader, raw) -> dict:
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


def _section(reader: Reader, raw, *, branch: bool = False) -> dict:
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


def _criterion(reader: Reader, raw) -> dict:
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


def _condition(reader: Reader, raw, index: int) -> dict:
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
