"""The criteria sheet laid out in reading order, shared by the scoring page
(``views_scoring.scoresheet``) and the member's sheet PDF (``documents``)."""

from collections.abc import Callable


def no_evidence(criterion) -> list[str]:
    return []


def sheet_rows(
    tree, answers: dict, evidence: Callable = no_evidence, branches: dict | None = None
) -> list[dict]:
    """The sheet in reading order: part, section and criterion rows.

    ``tree`` is a sheet with its parts, sections and criteria prefetched
    (``criteria.domain.queries.sheet_with_tree``), ``answers`` the member's
    answers by criterion id, ``evidence(criterion)`` the lines shown beside a
    criterion; ``branches`` the chosen case of each section with alternative
    cases (only that case is shown; a section whose case is not chosen yet
    gets a "nocase" row)."""
    rows = []
    branches = branches or {}
    sections_by_part = {}
    for section in tree.sections.all():
        sections_by_part.setdefault(section.part_id, []).append(section)
    criteria_by_section = {}
    for criterion in tree.criteria.all():
        criteria_by_section.setdefault((criterion.part_id, criterion.section_id), []).append(
            criterion
        )

    def emit_section(section, depth):
        if section.is_branch:
            parent = next(s for s in tree.sections.all() if s.pk == section.parent_id)
            if branches.get(parent.code) != section.code:
                return
        rows.append({"kind": "section", "obj": section, "depth": depth})
        cases = [s for s in tree.sections.all() if s.parent_id == section.pk and s.is_branch]
        if cases and branches.get(section.code) not in {s.code for s in cases}:
            rows.append({"kind": "nocase", "obj": section})
        for criterion in criteria_by_section.get((section.part_id, section.pk), []):
            rows.append(_criterion_row(criterion, answers, evidence))
        for child in [
            s for s in sections_by_part.get(section.part_id, []) if s.parent_id == section.pk
        ]:
            emit_section(child, depth + 1)

    for part in tree.parts.all():
        rows.append({"kind": "part", "obj": part})
        for criterion in criteria_by_section.get((part.pk, None), []):
            rows.append(_criterion_row(criterion, answers, evidence))
        for section in sections_by_part.get(part.pk, []):
            if section.parent_id is None:
                emit_section(section, 1)
    return rows


def _criterion_row(criterion, answers, evidence):
    answer = answers.get(criterion.pk)
    return {
        "evidence": evidence(criterion),
        "kind": "criterion",
        "obj": criterion,
        "chosen": set(answer.options) if answer else set(),
        # A tick-box criterion answered "none of the options is met" (0 points).
        "none_met": answer is not None and criterion.kind == "multi" and not answer.options,
        "value": answer.value if answer else None,
        "points": answer.points if answer else None,
        "options": list(criterion.options.all()),
    }
