"""Loading criteria sheets and ranking rules from files (YAML, JSON, Excel).

A sheet file is read into a plain dict, normalised (``sheet_data``: every key present, numbers
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

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from ocop.core.domain.activity import log_action
from ocop.criteria.domain.sheet_data import (
    SHEET_FORMAT,
    Reader,
    content_hash,
    normalise_sheet,
    sheet_spec_from_data,
)
from ocop.criteria.enums import EvaluationLevel
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

RULES_FORMAT = "ocop-ranking-rules/1"
DATA_DIR = Path(__file__).resolve().parents[1] / "data"
RULES_FILE = DATA_DIR / "rules.yaml"
SHEETS_DIR = DATA_DIR / "sheets"
SHEET_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")

YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
CREATED, UNCHANGED, REPLACED, SUPERSEDED = "created", "unchanged", "replaced", "superseded"


class SheetError(ValidationError):
    """A file that cannot be loaded; ``messages`` lists every reason."""

    def __init__(self, messages):
        super().__init__(list(messages))


@dataclass(frozen=True)
class LoadResult:
    sheet: Sheet
    status: str
    previous: Sheet | None = None


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
    reader = Reader()
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


MAX_NESTING = 40  # the shipped sheets nest 6 deep


def max_file_bytes() -> int:
    return settings.OCOP_CRITERIA_FILE_MAX_BYTES


def _refused(message: str, **values) -> SheetError:
    return SheetError([message % values])


def read_file(path) -> Any:
    """The raw data of a .yaml/.yml, .json or .xlsx file. Refused, with a
    message and before anything is parsed: another kind of file, a missing
    one, one over ``OCOP_CRITERIA_FILE_MAX_BYTES``, a text file with NUL bytes
    and a YAML file nested deeper than ``MAX_NESTING`` (libyaml's composer
    recurses in C and would crash the process)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SHEET_SUFFIXES:
        raise _refused(_("The file %(name)s is not .yaml, .yml, .json or .xlsx."), name=path.name)
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise _refused(_("The file %(name)s does not exist."), name=path) from exc
    except OSError as exc:
        raise _refused(
            _("The file %(name)s cannot be read: %(error)s"), name=path.name, error=exc
        ) from exc
    if not path.is_file():
        raise _refused(_("%(name)s is not a file."), name=path)
    if size > max_file_bytes():
        raise _refused(
            _(
                "The file %(name)s is too large (%(size)s); the limit is %(limit)s (a criteria "
                "sheet takes a few dozen KB)."
            ),
            name=path.name,
            size=filesizeformat(size),
            limit=filesizeformat(max_file_bytes()),
        )
    try:
        if suffix == ".xlsx":
            from ocop.criteria.domain import excel  # noqa: PLC0415 -- slow import

            with path.open("rb") as handle:
                return excel.read_sheet_xlsx(handle)
        raw = path.read_bytes()
        if b"\x00" in raw:
            raise _refused(
                _(
                    "The file %(name)s contains NUL bytes, so it is not a text (%(kind)s) file; "
                    "it may be damaged or of another kind."
                ),
                name=path.name,
                kind=suffix.lstrip(".").upper(),
            )
        text = raw.decode("utf-8")
        if suffix == ".json":
            return json.loads(text)
        _check_nesting(text, name=path.name)
        # libyaml's loader when installed: the shipped sheets load ~10× faster.
        return yaml.load(text, Loader=YAML_LOADER)  # noqa: S506
    except (yaml.YAMLError, json.JSONDecodeError, UnicodeDecodeError, OSError) as exc:
        raise _refused(
            _("The file %(name)s cannot be read: %(error)s"), name=path.name, error=exc
        ) from exc
    except RecursionError as exc:
        raise _too_deep(path.name) from exc


def _too_deep(name: str) -> SheetError:
    return _refused(
        _("The file %(name)s nests lists or sections more than %(depth)s levels deep."),
        name=name,
        depth=MAX_NESTING,
    )


def _check_nesting(text: str, *, name: str) -> None:
    """Refuse a YAML text nested too deep, reading its events (the parser
    keeps its own stack; only composing the document recurses)."""
    depth = 0
    for event in yaml.parse(text, Loader=YAML_LOADER):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_NESTING:
                raise _too_deep(name)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


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
