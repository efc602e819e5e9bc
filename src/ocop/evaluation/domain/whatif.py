"""Reads for the what-if of a rule change (central office): the decided
results in a period, with the members' submitted answers of their final
round, handed to the pure ``ocop.criteria.whatif`` chunk by chunk. Reads
only: no stored result, sheet or answer is written.

Queries: one for the count, then per chunk of ``CHUNK`` results three (the
items, their final-round sheets, those sheets' answers), plus one per
distinct criteria sheet (compiled once, cached): bounded by the number of
chunks, never by the number of answers.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from django.db.models import F

from ocop.criteria import engine, whatif
from ocop.criteria.domain.queries import bands_for, compiled_sheet
from ocop.criteria.models import LegalBasis

from ..enums import ItemStatus, SheetStatus
from ..models import AgendaItem, CriterionScore, Scoresheet

CHUNK = 500


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    province_id: int | None = None
    basis_id: int | None = None  # results scored on sheets of this legal basis


def decided_items(period: Period):
    items = AgendaItem.objects.filter(
        status=ItemStatus.DECIDED,
        star__isnull=False,
        session__date__gte=period.start,
        session__date__lte=period.end,
    )
    if period.province_id:
        items = items.filter(product__province_id=period.province_id)
    if period.basis_id:
        items = items.filter(sheet__legal_basis_id=period.basis_id)
    return items


def count_results(period: Period) -> int:
    return decided_items(period).count()


def _unmet(stored: list) -> tuple[engine.ConditionSpec, ...]:
    return tuple(
        engine.ConditionSpec(
            code=c.get("code", ""),
            kind=engine.MANDATORY,
            criterion=c.get("criterion", ""),
            star=c.get("star"),
            description=c.get("description", ""),
        )
        for c in stored or ()
    )


def stored_results(period: Period):
    """The decided results of ``period`` as ``whatif.StoredResult``s, read
    ``CHUNK`` at a time in key order."""
    last = 0
    base = decided_items(period).order_by("pk")
    compiled: dict = {}  # sheet id → compiled sheet (one query per distinct sheet)
    while True:
        rows = list(
            base.filter(pk__gt=last).values(
                "pk",
                "star",
                "achieved",
                "score_sum",
                "score_count",
                "sheet_id",
                "branches",
                "round",
                "unmet_conditions",
                "disqualified",
                "product__province__name",
                "sheet__product_set__code",
                "sheet__product_set__name",
            )[:CHUNK]
        )
        if not rows:
            return
        last = rows[-1]["pk"]
        sheets = Scoresheet.objects.filter(
            item_id__in=[r["pk"] for r in rows],
            status=SheetStatus.SUBMITTED,
            round=F("item__round"),
        ).values_list("pk", "item_id")
        sheet_item = dict(sheets)
        answers: dict[int, list] = defaultdict(list)
        for row in CriterionScore.objects.filter(scoresheet_id__in=list(sheet_item)).only(
            "scoresheet_id", "criterion_id", "options", "value"
        ):
            answers[row.scoresheet_id].append(row)
        by_item: dict[int, list[int]] = defaultdict(list)
        for sheet_pk, item_pk in sorted(sheet_item.items()):
            by_item[item_pk].append(sheet_pk)
        for r in rows:
            sheet_rows = [answers[pk] for pk in by_item[r["pk"]] if answers[pk]]
            if sheet_rows and r["sheet_id"] not in compiled:
                compiled[r["sheet_id"]] = compiled_sheet(r["sheet_id"])
            yield _result(r, sheet_rows, compiled.get(r["sheet_id"]))


def _result(row: dict, sheet_rows: list[list], compiled) -> whatif.StoredResult:
    spec = None
    sheets: tuple = ()
    if sheet_rows:
        code_of = {pk: code for code, pk in compiled.criterion_ids.items()}
        spec = compiled.spec
        sheets = tuple(
            {
                code_of[a.criterion_id]: engine.Answer(
                    options=frozenset(a.options or ()), value=a.value
                )
                for a in answer_rows
                if a.criterion_id in code_of
            }
            for answer_rows in sheet_rows
        )
    mean = Fraction(row["score_sum"]) / row["score_count"] if row["score_count"] else Fraction(0)
    product_set = row["sheet__product_set__code"] or ""
    if row["sheet__product_set__name"]:
        product_set = f"{product_set} {row['sheet__product_set__name']}".strip()
    return whatif.StoredResult(
        key=row["pk"],
        province=row["product__province__name"] or "",
        product_set=product_set,
        star=row["star"],
        achieved=bool(row["achieved"]),
        mean=mean,
        spec=spec,
        branches=row["branches"] or {},
        sheets=sheets,
        unmet=_unmet(row["unmet_conditions"]),
        disqualified=row["disqualified"],
    )


def bases_with_bands():
    """The legal bases that set star bands (1489/QĐ-TTg amends the process of
    148, not its bands)."""
    return LegalBasis.objects.filter(bands__isnull=False).distinct().order_by("effective_from")


def scenario_from_basis(basis: LegalBasis) -> whatif.Scenario:
    return whatif.Scenario(
        bands=tuple(bands_for(basis)), min_recognised_star=basis.min_recognised_star
    )


def run(period: Period, scenario: whatif.Scenario) -> whatif.Report:
    """Count the results of ``period`` that ``scenario`` would re-rank."""
    return whatif.what_if(stored_results(period), scenario)
