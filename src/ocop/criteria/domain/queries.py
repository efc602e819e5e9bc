"""Reads of criteria sheets and ranking rules."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, Prefetch, Q, Value, When

from ocop.criteria import engine
from ocop.criteria.enums import SheetStatus
from ocop.criteria.models import (
    Criterion,
    LegalBasis,
    Option,
    RecognitionRule,
    Sheet,
    StarBand,
)


def in_force(on: date) -> Q:
    return Q(effective_from__lte=on) & (Q(effective_to__isnull=True) | Q(effective_to__gte=on))


def sheet_with_tree(pk: int) -> Sheet:
    """A sheet with its parts, sections, criteria, options and conditions prefetched."""
    return (
        Sheet.objects.select_related("legal_basis", "product_set", "flag_confirmed_by")
        .prefetch_related(
            "parts",
            "sections",
            Prefetch(
                "criteria",
                queryset=Criterion.objects.prefetch_related(
                    Prefetch("options", queryset=Option.objects.order_by("order"))
                ).order_by("order"),
            ),
            "conditions__criterion",
        )
        .get(pk=pk)
    )


def sheet_spec(sheet: Sheet) -> engine.SheetSpec:
    """The engine's view of a sheet (use ``sheet_with_tree`` to avoid queries)."""
    return engine.SheetSpec(
        parts=tuple(
            engine.PartSpec(code=p.code, max_points=p.max_points, title=p.title)
            for p in sheet.parts.all()
        ),
        sections=tuple(
            engine.SectionSpec(
                code=s.code,
                part=_part_code(sheet, s.part_id),
                parent=_section_code(sheet, s.parent_id),
                max_points=s.max_points,
                title=s.title,
                branch=s.is_branch,
            )
            for s in sheet.sections.all()
        ),
        criteria=tuple(
            engine.CriterionSpec(
                code=c.code,
                part=_part_code(sheet, c.part_id),
                section=_section_code(sheet, c.section_id),
                max_points=c.max_points,
                kind=c.kind,
                min_value=c.min_value,
                max_value=c.max_value,
                text=c.text,
                options=tuple(
                    engine.OptionSpec(code=o.code, points=o.points, text=o.text, stars=o.stars)
                    for o in c.options.all()
                ),
            )
            for c in sheet.criteria.all()
        ),
        conditions=tuple(
            engine.ConditionSpec(
                code=k.code,
                kind=k.kind,
                criterion=k.criterion.code,
                star=k.star,
                option_codes=frozenset(k.option_codes or ()),
                min_points=k.min_points,
                description=k.description,
            )
            for k in sheet.conditions.all()
        ),
    )


def _part_code(sheet: Sheet, part_id) -> str:
    return next(p.code for p in sheet.parts.all() if p.pk == part_id)


def _section_code(sheet: Sheet, section_id) -> str | None:
    if section_id is None:
        return None
    return next(s.code for s in sheet.sections.all() if s.pk == section_id)


def sheets_for_product_set(category, *, on: date):
    """Current (not superseded, not retired) sheets of a product set in force
    on a date: official ones first, then transcriptions, then samples.
    Retired sheets stay with the sessions and dossiers that used them."""
    text_order = Case(
        When(status=SheetStatus.OFFICIAL, then=Value(0)),
        When(status=SheetStatus.TRANSCRIPTION, then=Value(1)),
        default=Value(2),
    )
    return (
        Sheet.objects.filter(
            in_force(on), product_set=category, superseded_by__isnull=True, retired=False
        )
        .select_related("legal_basis")
        .order_by(text_order, "-legal_basis__effective_from", "-version")
    )


def bands_for(legal_basis: LegalBasis) -> list[engine.Band]:
    return [
        engine.Band(star=b.star, min_score=b.min_score, max_score=b.max_score)
        for b in StarBand.objects.filter(legal_basis=legal_basis)
    ]


def recognition_rule(*, level: str, on: date) -> RecognitionRule | None:
    """Which stars a level recognises on a date (the latest rule in force)."""
    return (
        RecognitionRule.objects.filter(in_force(on), level=level)
        .order_by("-effective_from")
        .first()
    )


def recognising_level(*, star: int, on: date) -> str | None:
    """The level whose rule in force on ``on`` recognises ``star`` (data)."""
    for rule in RecognitionRule.objects.filter(in_force(on)).order_by("-effective_from"):
        if star in {int(s) for s in rule.stars}:
            return rule.level
    return None


def level_rule(*, level: str, on: date) -> engine.LevelRule:
    rule = recognition_rule(level=level, on=on)
    if rule is None:
        return engine.LevelRule(stars=frozenset())
    return engine.LevelRule(
        stars=frozenset(int(s) for s in rule.stars),
        propose_from=Decimal(rule.propose_from) if rule.propose_from is not None else None,
    )


@dataclass(frozen=True)
class CompiledSheet:
    spec: engine.SheetSpec
    criterion_ids: dict[str, int]


_COMPILED: dict[tuple[int, str], CompiledSheet] = {}


def answers_by_code(rows, sheet_id: int) -> dict[str, engine.Answer]:
    """Stored answers (rows with ``criterion_id``, ``options``, ``value``) as the
    engine's answers by criterion code; rows of other sheets are ignored."""
    code_of = {pk: code for code, pk in compiled_sheet(sheet_id).criterion_ids.items()}
    return {
        code_of[row.criterion_id]: engine.Answer(
            options=frozenset(row.options or ()), value=row.value
        )
        for row in rows
        if row.criterion_id in code_of
    }


def compiled_sheet(sheet_id: int) -> CompiledSheet:
    """The engine's view of a sheet and its criterion ids, kept in memory.

    Keyed by the sheet's content hash: a sheet that is in use is never edited
    (a new version supersedes it), and a sheet rebuilt in place gets a new hash.
    """
    content_hash = Sheet.objects.filter(pk=sheet_id).values_list("content_hash", flat=True).get()
    key = (sheet_id, content_hash)
    compiled = _COMPILED.get(key)
    if compiled is None:
        sheet = sheet_with_tree(sheet_id)
        compiled = CompiledSheet(
            spec=sheet_spec(sheet), criterion_ids={c.code: c.pk for c in sheet.criteria.all()}
        )
        if len(_COMPILED) > 500:
            _COMPILED.clear()
        _COMPILED[key] = compiled
    return compiled


def case_choices(sheet: Sheet, chosen: dict | None) -> list[dict]:
    """The sections of a sheet (``sheet_with_tree``) with alternative cases,
    each with its cases and the chosen one's code (empty when none is)."""
    chosen = chosen or {}
    sections = list(sheet.sections.all())
    rows = []
    for section in sections:
        cases = [s for s in sections if s.parent_id == section.pk and s.is_branch]
        if cases:
            rows.append(
                {"section": section, "cases": cases, "chosen": chosen.get(section.code, "")}
            )
    return rows
