"""The criteria sheet laid out in reading order, shared by the scoring page
(``views.scoresheet``) and the member's sheet PDF (``documents``)."""

from collections.abc import Callable


def no_evidence(criterion) -> list[str]:
    return []


def sheet_rows(tree, answers: dict, evidence: Callable = no_evidence) -> list[dict]:
    """The sheet in reading order: part, section and criterion rows.

    ``tree`` is a sheet with its parts, sections and criteria prefetched
    (``criteria.domain.queries.sheet_with_tree``), ``answers`` the member's
    answers by criterion id, ``evidence(criterion)`` the lines shown beside a
    criterion."""
    rows = []
    sections_by_part = {}
    for section in tree.sections.all():
        sections_by_part.setdefault(section.part_id, []).append(section)
    criteria_by_section = {}
    for criterion in tree.criteria.all():
        criteria_by_section.setdefault((criterion.part_id, criterion.section_id), []).append(
            criterion
        )

    def emit_section(section, depth):
        rows.append({"kind": "section", "obj": section, "depth": depth})
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
        "value": answer.value if answer else None,
        "points": answer.points if answer else None,
        "options": list(criterion.options.all()),
    }
