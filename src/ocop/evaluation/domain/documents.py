"""Documents of a session: each member's scoring sheet (PDF), the minutes
(biên bản, PDF) and the results table (XLSX). Renderers only: the views
that serve them are in ``ocop.evaluation.views``.

The documents are official Vietnamese documents, so they are rendered in
Vietnamese (decimal comma) whatever the reader's language. Scores stay blind:
a result appears only once its round is computed (``AgendaItem.score_count``
is set, or a ``RoundResult`` exists for the round), and means are exact until
they are displayed with two decimals (``AgendaItem.score_display``).

The minutes and the results table cost a fixed number of queries, whatever
the number of products and members.
"""

import io
from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Prefetch, Sum
from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from ocop.core.pdf import render_pdf
from ocop.core.scores import score_floor
from ocop.core.xlsx import escape_cell, table_sheet
from ocop.criteria.domain.queries import sheet_with_tree
from ocop.criteria.models import Criterion, Part

from ..enums import (
    Body,
    ConflictKind,
    ConflictSource,
    ItemStatus,
    MemberRole,
    SessionState,
    SheetStatus,
)
from ..models import Conflict, CriterionScore, Reopening, RoundResult, Scoresheet
from . import queries
from .presentation import sheet_rows

# The documents are Vietnamese whatever the catalogues hold.
ROLE_VI = {
    MemberRole.CHAIR: "Chủ tịch Hội đồng",
    MemberRole.VICE_CHAIR: "Phó Chủ tịch Hội đồng",
    MemberRole.MEMBER: "Thành viên",
    MemberRole.SECRETARY: "Thư ký",
    MemberRole.TEAM_LEADER: "Tổ trưởng Tổ tư vấn",
}
STATUS_VI = {
    ItemStatus.WAITING: "Chờ chấm",
    ItemStatus.SCORING: "Đang chấm",
    ItemStatus.FLAGGED: "Độ lệch vượt mức, cần chấm lại",
    ItemStatus.DECIDED: "Đã có kết quả",
    ItemStatus.WITHDRAWN: "Rút khỏi phiên họp",
}
CONFLICT_VI = {
    ConflictKind.HOUSEHOLD: "Cùng hộ gia đình, người thân",
    ConflictKind.CONSULTANT: "Tư vấn hồ sơ",
    ConflictKind.BUSINESS: "Quan hệ kinh doanh",
    ConflictKind.SAME_COMMUNE: "Cùng xã/phường",
    ConflictKind.OTHER: "Khác",
}
SOURCE_VI = {ConflictSource.DECLARED: "Tự kê khai", ConflictSource.DETECTED: "Phát hiện từ dữ liệu"}

TWO_PLACES = Decimal("0.01")
SCORE_FORMAT = "0.00"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"


# Shared reads ------------------------------------------------------------------


def _items(session):
    """The agenda with everything the documents print, in one query plus one
    for the round results."""
    return list(
        queries.agenda(session)
        .select_related(
            "product__commune", "product__province", "sheet__legal_basis", "exception_by"
        )
        .prefetch_related(Prefetch("round_results", queryset=RoundResult.objects.order_by("round")))
    )


def _result_of(item) -> RoundResult | None:
    """The computed result of the item's current round (None while blind)."""
    if item.score_count is None:
        return None
    return next((r for r in item.round_results.all() if r.round == item.round), None)


def _verdict(item) -> str:
    if item.status == ItemStatus.DECIDED:
        return f"{item.star} sao" if item.achieved else "Không đạt"
    if item.status == ItemStatus.FLAGGED:
        return "Chấm lại (độ lệch vượt mức cho phép)"
    if item.status == ItemStatus.WITHDRAWN:
        return "Rút khỏi phiên họp"
    return "Chưa có kết quả"


def _place_name(session) -> str:
    """The locality of the date line (Decree 30): the council's province, or
    the meeting place for the central council."""
    unit = session.council.unit
    if unit is not None:
        province = unit if unit.is_current else (unit.current_province or unit)
        return province.name
    return session.place or "Hà Nội"


# Minutes -----------------------------------------------------------------------


def meeting_time(session) -> dict:
    """When the council met, as the minutes state it once: the day (the
    session's date, which opening scoring sets to the day the council met),
    the start (the planned start time, unless scoring opened earlier than it:
    then the opening time) and the end (the closing time, on the same day or,
    if the session closed on a later day, with its own date)."""
    opened = timezone.localtime(session.opened_at) if session.opened_at else None
    closed = timezone.localtime(session.closed_at) if session.closed_at else None
    day = session.date
    start = session.start_time
    if opened is not None and (start is None or start > opened.time()):
        start = opened.time()
    return {
        "day": day,
        "start": start,
        "end": closed,
        "same_day": closed is not None and closed.date() == day,
    }


def minutes_context(session) -> dict:
    """Everything the minutes print, in a fixed number of queries."""
    final = session.state == SessionState.CLOSED
    items = _items(session)
    rows, withdrawn, rescored = [], [], []
    for item in items:
        result = _result_of(item)
        rows.append({"item": item, "result": result, "verdict": _verdict(item)})
        if item.status == ItemStatus.WITHDRAWN:
            withdrawn.append({"item": item, "reason": item.withdrawal_reason})
        rescored.extend({"item": item, "result": r} for r in item.round_results.all() if r.flagged)
    sheets = {item.sheet_id: item.sheet for item in items}
    members = list(session.council.members.filter(active=True).select_related("user"))
    attendance = list(session.attendance.select_related("member__user").order_by("member__id"))
    for member in [*members, *(a.member for a in attendance)]:
        member.role_vi = ROLE_VI.get(member.role, member.role)
    conflicts = list(
        Conflict.objects.filter(item__session=session)
        .select_related("member__user", "item__product")
        .order_by("item__order", "item_id", "member_id")
    )
    for conflict in conflicts:
        conflict.kind_vi = CONFLICT_VI.get(conflict.kind, conflict.kind)
        conflict.source_vi = SOURCE_VI.get(conflict.source, conflict.source)
    chair = next((m for m in members if m.role == MemberRole.CHAIR), None)
    secretary = next((m for m in members if m.role == MemberRole.SECRETARY), None)
    council = session.council
    return {
        "title": "Biên bản họp Hội đồng đánh giá, phân hạng sản phẩm OCOP",
        "issuer_parent": council.decision_issuer,
        "issuer": council.name,
        "place": _place_name(session),
        "date": session.date,
        "session": session,
        "meeting": meeting_time(session),
        "council": council,
        "final": final,
        "rows": rows,
        # Decided products whose star the mandatory criteria capped, named.
        "capped": [
            r["item"]
            for r in rows
            if r["result"]
            and r["item"].status == ItemStatus.DECIDED
            and r["item"].capping_conditions
        ],
        "sheets": sorted(sheets.values(), key=lambda s: (s.legal_basis.code, s.code, s.version)),
        "sample": any(s.is_sample for s in sheets.values()),
        "transcription": any(s.is_transcription for s in sheets.values()),
        "present": [a.member for a in attendance if a.present],
        "absent": [a.member for a in attendance if not a.present],
        "advisory": [m for m in members if m.body == Body.ADVISORY],
        "quorum": queries.quorum(session),
        "conflicts": conflicts,
        "withdrawn": withdrawn,
        "exceptions": [item for item in items if item.admission_exception],
        "rescored": rescored,
        "reopenings": list(
            Reopening.objects.filter(scoresheet__item__session=session)
            .select_related("scoresheet__member__user", "scoresheet__item__product")
            .order_by("at")
        ),
        "chair": chair,
        "secretary": secretary,
    }


def render_minutes(*, session) -> bytes:
    """The council's minutes (biên bản); a draft while the session is scoring."""
    with translation.override("vi"):
        return render_pdf("evaluation/pdf/minutes.html", minutes_context(session))


# Member's scoring sheet --------------------------------------------------------


def scoresheet_context(scoresheet) -> dict:
    item = scoresheet.item
    session = item.session
    tree = sheet_with_tree(item.sheet_id)
    answers = {a.criterion_id: a for a in scoresheet.answers.all()}
    parts = [
        {"part": part, "total": Decimal(scoresheet.part_totals.get(part.code, "0"))}
        for part in tree.parts.all()
    ]
    return {
        "title": "Phiếu đánh giá, phân hạng sản phẩm OCOP",
        "issuer_parent": session.council.decision_issuer,
        "issuer": session.council.name,
        "place": _place_name(session),
        "date": session.date,
        "scoresheet": scoresheet,
        "draft": scoresheet.status != SheetStatus.SUBMITTED,
        "item": item,
        "session": session,
        "council": session.council,
        "product": item.product,
        "subject": item.product.subject,
        "member": scoresheet.member,
        "role": ROLE_VI.get(scoresheet.member.role, scoresheet.member.role),
        "tree": tree,
        "rows": sheet_rows(tree, answers, branches=item.branches),
        "parts": parts,
    }


def render_scoresheet(*, scoresheet) -> bytes:
    """One member's filled-in sheet, with a draft line while not submitted."""
    with translation.override("vi"):
        return render_pdf("evaluation/pdf/scoresheet.html", scoresheet_context(scoresheet))


# Results table -----------------------------------------------------------------

RESULT_HEADERS = [
    "STT",
    "Sản phẩm",
    "Chủ thể",
    "Xã/phường",
    "Tỉnh",
    "Bộ sản phẩm",
    "Phiếu đánh giá",
    "Số thành viên chấm",
    "Điểm trung bình",
    "Độ lệch",
    "Độ lệch chuẩn",
    "Hạng sao",
    "Kết quả",
    "Cấp này công nhận",
    "Đề nghị cấp trên",
    "Trạng thái",
]
RESULT_WIDTHS = [6, 40, 36, 24, 20, 30, 40, 10, 12, 10, 12, 10, 12, 12, 12, 24]
RESULT_SCORES = {8, 9, 10}  # 0-based columns shown with two decimals

MEMBER_HEADERS = ["STT", "Sản phẩm", "Thành viên", "Vai trò", "Vòng chấm", "Tổng điểm"]
CRITERION_HEADERS = [
    "STT",
    "Sản phẩm",
    "Phiếu đánh giá",
    "Mã tiêu chí",
    "Tiêu chí",
    "Điểm tối đa",
    "Số phiếu",
    "Điểm trung bình",
]


def _result_rows(items):
    for number, item in enumerate(items, start=1):
        product = item.product
        result = _result_of(item)
        decided = item.status == ItemStatus.DECIDED
        category = product.category
        yield [
            number,
            product.name,
            product.subject.name,
            product.commune.full_name,
            product.province.full_name,
            f"{category.code} {category.name}" if category else "",
            item.sheet.title
            + (" (mẫu)" if item.sheet.is_sample else "")
            + (" (bản chép, chưa đối chiếu văn bản ký)" if item.sheet.is_transcription else ""),
            item.score_count if result else None,
            item.score_display if result else None,
            result.spread if result else None,
            result.stdev if result else None,
            item.star if decided and item.achieved else None,
            ("Đạt" if item.achieved else "Không đạt") if decided else "",
            item.recognised_star if decided else None,
            "Có" if decided and item.proposed else "",
            STATUS_VI.get(item.status, item.status),
        ]


def _computed_rounds(items) -> set[tuple[int, int]]:
    """(item id, round) pairs whose result has been computed: only these
    rounds' members' scores leave the blind."""
    return {(item.pk, r.round) for item in items for r in item.round_results.all()}


def _member_rows(session, items, part_codes):
    computed = _computed_rounds(items)
    by_id = {item.pk: item for item in items}
    order = {item.pk: index for index, item in enumerate(items)}
    sheets = [
        s
        for s in Scoresheet.objects.filter(item__session=session, status=SheetStatus.SUBMITTED)
        .select_related("member__user")
        .order_by("round", "member_id")
        if (s.item_id, s.round) in computed
    ]
    sheets.sort(key=lambda s: (order[s.item_id], s.round, s.member_id))
    for number, sheet in enumerate(sheets, start=1):
        parts = sheet.part_totals or {}
        yield [
            number,
            by_id[sheet.item_id].product.name,
            sheet.member.name,
            ROLE_VI.get(sheet.member.role, sheet.member.role),
            sheet.round,
            sheet.total,
            *[Decimal(parts[code]) if code in parts else None for code in part_codes],
            timezone.localtime(sheet.submitted_at).replace(tzinfo=None)
            if sheet.submitted_at
            else None,
        ]


def _criterion_rows(session, items):
    """Mean points per criterion over the submitted sheets of each item's
    final computed round."""
    shown = {item.pk: item for item in items if _result_of(item) is not None}
    sums = (
        CriterionScore.objects.filter(
            scoresheet__item__session=session, scoresheet__status=SheetStatus.SUBMITTED
        )
        .values("scoresheet__item_id", "scoresheet__round", "criterion_id")
        .annotate(total=Sum("points"), n=Count("id"))
    )
    means = {}
    for row in sums:
        item = shown.get(row["scoresheet__item_id"])
        if item is not None and row["scoresheet__round"] == item.round:
            means[(item.pk, row["criterion_id"])] = (row["n"], row["total"] / row["n"])
    criteria = defaultdict(list)
    for criterion in Criterion.objects.filter(
        sheet_id__in={item.sheet_id for item in shown.values()}
    ).order_by("sheet_id", "order"):
        criteria[criterion.sheet_id].append(criterion)
    number = 0
    for item in items:
        if item.pk not in shown:
            continue
        for criterion in criteria[item.sheet_id]:
            count, mean = means.get((item.pk, criterion.pk), (0, None))
            number += 1
            yield [
                number,
                item.product.name,
                item.sheet.title,
                criterion.code,
                criterion.text,
                criterion.max_points,
                count,
                score_floor(mean),
            ]


def _write_sheet(workbook, title, headers, widths, rows, score_columns) -> None:
    sheet = table_sheet(workbook, title=title, headers=headers, widths=widths)
    for row in rows:
        cells = []
        for index, value in enumerate(row):
            if isinstance(value, datetime):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = DATETIME_FORMAT
                cells.append(cell)
            elif index in score_columns and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = SCORE_FORMAT
                cells.append(cell)
            else:
                cells.append(escape_cell(value))
        sheet.append(cells)


def results_workbook(*, session) -> bytes:
    """The session's results (one row per product), the members' totals and
    the means per criterion, for computed rounds only."""
    items = _items(session)
    part_codes = sorted(
        set(
            Part.objects.filter(sheet_id__in={item.sheet_id for item in items}).values_list(
                "code", flat=True
            )
        )
    )
    with translation.override("vi"):
        workbook = Workbook(write_only=True)
        _write_sheet(
            workbook,
            "Kết quả",
            RESULT_HEADERS,
            RESULT_WIDTHS,
            _result_rows(items),
            RESULT_SCORES,
        )
        member_headers = [*MEMBER_HEADERS, *[f"Phần {c}" for c in part_codes], "Thời điểm nộp"]
        _write_sheet(
            workbook,
            "Điểm thành viên",
            member_headers,
            [6, 40, 30, 14, 10, 12, *[10] * len(part_codes), 18],
            _member_rows(session, items, part_codes),
            {5, *range(6, 6 + len(part_codes))},
        )
        _write_sheet(
            workbook,
            "Điểm theo tiêu chí",
            CRITERION_HEADERS,
            [6, 40, 40, 10, 60, 10, 10, 12],
            _criterion_rows(session, items),
            {5, 7},
        )
        buffer = io.BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()
