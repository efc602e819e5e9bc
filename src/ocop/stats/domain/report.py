"""The official report tables: the periodic report a province sends to the
centre (6 months, year) and the centre's national summary, built only from
the statistics layer (and the events and inspections figures), with the
summary sentences in the provinces' wording. Always in Vietnamese, like the
documents the provinces file, whatever the language of the page.

Periods: ``h1`` (1/1–30/6) and ``year`` (1/1–31/12). Products are counted in
force on the period's last day (or today, when the period has not ended);
the changes in the period up to that day."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import override

from ocop.certification.domain.figures import in_force_q
from ocop.certification.models import Certificate
from ocop.cycles.enums import DossierState
from ocop.geo.enums import Level
from ocop.geo.models import AdminUnit
from ocop.inspections.domain.fieldwork import UnitFigures
from ocop.inspections.domain.fieldwork import figures as inspection_figures
from ocop.producers.enums import LegalForm
from ocop.products.enums import CategoryLevel
from ocop.products.forms import CURRENT_BASIS
from ocop.products.models import ProductCategory

from .activities import EventFigures, events
from .figures import Breakdown
from .people import dossiers_by_state, ideas_and_plans
from .products import CHANGES, certificate_changes, certified_products

PERIODS = {"h1": "6 tháng đầu năm", "year": "năm"}
STARS = (5, 4, 3)
# The provinces' grouping of legal forms.
FORM_GROUPS = [
    (
        "doanh nghiệp",
        (
            LegalForm.LLC_ONE,
            LegalForm.LLC_MULTI,
            LegalForm.PRIVATE_ENTERPRISE,
            LegalForm.JOINT_STOCK,
        ),
    ),
    ("hợp tác xã", (LegalForm.COOPERATIVE, LegalForm.COOPERATIVE_UNION)),
    ("tổ hợp tác", (LegalForm.COOPERATIVE_GROUP,)),
    ("hộ kinh doanh", (LegalForm.HOUSEHOLD,)),
]
DOSSIER_VI = {
    DossierState.DRAFT: "Đang chuẩn bị",
    DossierState.SUBMITTED: "Đã nộp cấp xã",
    DossierState.RETURNED: "Trả lại để bổ sung",
    DossierState.FORWARDED: "Đã chuyển cấp tỉnh",
    DossierState.DISTRICT: "Ở cấp huyện (trước 6/7/2025)",
    DossierState.PRECHECKED: "Đã sơ loại",
    DossierState.SCHEDULED: "Đã xếp phiên hội đồng",
    DossierState.EVALUATED: "Đã đánh giá",
    DossierState.PROPOSED: "Đề nghị Trung ương",
    DossierState.WITHDRAWN: "Đã rút",
}
CHANGE_VI = {
    "new": "Công nhận mới",
    "renewed": "Đánh giá lại",
    "upgraded": "Nâng hạng",
    "expired": "Hết hạn",
    "revoked": "Bị thu hồi",
}


def period_dates(*, kind: str, year: int) -> tuple[date, date]:
    if kind not in PERIODS:
        raise ValueError(f"Unknown period {kind!r}")
    return date(year, 1, 1), date(year, 6, 30) if kind == "h1" else date(year, 12, 31)


@dataclass
class Row:
    """A table row: a label and counts by star (5, 4, 3), with their total."""

    label: str
    stars: dict[int, int]
    key: object = None

    @property
    def total(self) -> int:
        return sum(self.stars.values())

    @property
    def cells(self) -> list[int]:
        return [self.stars.get(s, 0) for s in STARS]


@dataclass
class Report:
    unit: AdminUnit | None
    kind: str
    year: int
    start: date
    end: date
    counted_on: date
    by_unit: list[Row] = field(default_factory=list)
    by_group: list[Row] = field(default_factory=list)
    changes: list[Row] = field(default_factory=list)
    subjects: list[tuple[str, int]] = field(default_factory=list)
    subject_total: int = 0
    ideas: dict = field(default_factory=dict)
    dossiers: dict = field(default_factory=dict)
    events: EventFigures | None = None
    inspections: UnitFigures | None = None
    ranking: list[tuple[int, AdminUnit, int]] = field(default_factory=list)
    rank: int | None = None
    sentences: list[str] = field(default_factory=list)

    @property
    def total(self) -> Row:
        return Row("Tổng cộng", {s: sum(r.stars.get(s, 0) for r in self.by_unit) for s in STARS})

    @property
    def dossier_rows(self) -> list[tuple[str, object]]:
        return [(DOSSIER_VI[s], self.dossiers["state"][s]) for s in DossierState.values]

    @property
    def period_label(self) -> str:
        return f"{PERIODS[self.kind]} {self.year}"

    @property
    def unit_name(self) -> str:
        return self.unit.full_name if self.unit is not None else "Toàn quốc"


def _rows(breakdown: Breakdown, labels: dict) -> list[Row]:
    rows: dict = {}
    for (key, star), figure in breakdown.cells.items():
        rows.setdefault(key, {})[star] = figure.value
    return [
        Row(labels.get(key, str(key)), stars, key)
        for key, stars in sorted(rows.items(), key=lambda kv: labels.get(kv[0], str(kv[0])))
    ]


def _subjects(unit, on: date, today: date) -> tuple[list[tuple[str, int]], int]:
    """Distinct subjects with a product in force on ``on``, by the provinces'
    groups of legal forms."""
    certificates = Certificate.objects.filter(in_force_q(on=on, today=today))
    if unit is not None:
        certificates = certificates.filter(product__province=unit)
    counts = dict(
        certificates.order_by()
        .values_list("product__subject__legal_form")
        .annotate(n=Count("product__subject", distinct=True))
    )
    groups = [(label, sum(counts.get(f, 0) for f in forms)) for label, forms in FORM_GROUPS]
    return groups, sum(counts.values())


def _inspections(*, user, unit, start, end) -> UnitFigures:
    rows, _totals = inspection_figures(user=user, start=start, end=end)
    total = UnitFigures(province=unit)
    for row in rows:
        if unit is None or row.province.pk == unit.pk:
            total.visits += row.visits
            total.compliant += row.compliant
            total.warnings += row.warnings
            total.proposals += row.proposals
            total.revoked += row.revoked
    return total


def build_report(*, unit: AdminUnit | None, kind: str, year: int, user) -> Report:
    """The report of a province (``unit``) or the nation (None) for a period.
    ``user`` scopes the inspections figures (the inspections app's rule)."""
    if unit is not None and unit.level != Level.PROVINCE:
        raise ValueError("The periodic report is a province's or the nation's.")
    start, end = period_dates(kind=kind, year=year)
    today = timezone.localdate()
    counted_on = min(end, today)
    report = Report(unit=unit, kind=kind, year=year, start=start, end=end, counted_on=counted_on)
    level = "commune" if unit is not None else "province"
    by_unit = certified_products(unit=unit, as_of=counted_on, by=(level, "star"))
    names = dict(
        AdminUnit.objects.filter(pk__in={k[0] for k in by_unit.cells}).values_list("pk", "name")
    )
    report.by_unit = _rows(by_unit, names)
    groups = dict(
        ProductCategory.objects.filter(
            level=CategoryLevel.GROUP, legal_basis=CURRENT_BASIS
        ).values_list("code", "name")
    )
    report.by_group = _rows(
        certified_products(unit=unit, as_of=counted_on, by=("group", "star")), groups
    )
    changes = certificate_changes(unit=unit, start=start, end=end, as_of=counted_on, by=("star",))
    report.changes = [
        Row(CHANGE_VI[name], {k[0]: f.value for k, f in changes[name].cells.items()}, name)
        for name in CHANGES
    ]
    report.subjects, report.subject_total = _subjects(unit, counted_on, today)
    report.ideas = ideas_and_plans(unit=unit, year=year)
    report.dossiers = dossiers_by_state(unit=unit, year=year)
    report.events = events(unit=unit, start=start, end=counted_on)
    report.inspections = _inspections(user=user, unit=unit, start=start, end=counted_on)
    report.ranking = _ranking(counted_on)
    if unit is not None:
        report.rank = next((r for r, u, _n in report.ranking if u.pk == unit.pk), None)
    report.sentences = sentences(report)
    return report


def _ranking(on: date) -> list[tuple[int, AdminUnit, int]]:
    """Provinces by products in force on ``on``, most first; equal counts
    share a rank ("đứng thứ 3 cả nước")."""
    counts = {
        k[0]: f.value for k, f in certified_products(as_of=on, by=("province",)).cells.items()
    }
    provinces = AdminUnit.objects.filter(era="2025", level=Level.PROVINCE).order_by("name")
    ordered = sorted(provinces, key=lambda p: (-counts.get(p.pk, 0), p.name))
    ranking = []
    for province in ordered:
        n = counts.get(province.pk, 0)
        rank = 1 + sum(1 for v in counts.values() if v > n)
        ranking.append((rank, province, n))
    return ranking


# Sentences -------------------------------------------------------------------------


def number(value) -> str:
    """1.234 (Vietnamese grouping)."""
    return f"{value:,}".replace(",", ".")


def percent(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}".replace(".", ",") + " %" if whole else "0 %"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " và " + items[-1]


def sentences(report: Report) -> list[str]:
    total = report.total
    where = "Toàn tỉnh" if report.unit is not None else "Cả nước"
    stars = [
        f"{number(total.stars[s])} sản phẩm {s} sao"
        + (f" ({percent(total.stars[s], total.total)})" if report.unit is None else "")
        for s in STARS
        if total.stars.get(s)
    ]
    first = f"{where} có {number(total.total)} sản phẩm OCOP"
    if stars:
        first += ", trong đó " + ", ".join(stars)
    out = [first + f" (tính đến ngày {report.counted_on:%d/%m/%Y})."]
    forms = [f"{number(n)} {label}" for label, n in report.subjects if n]
    if report.subject_total:
        line = f"Các sản phẩm OCOP thuộc {number(report.subject_total)} chủ thể"
        out.append(line + (", gồm " + _join(forms) if forms else "") + ".")
    c = {row.key: number(row.total) for row in report.changes}
    out.append(
        f"Trong {report.period_label}, {where.lower()} công nhận mới {c['new']} sản phẩm, "
        f"đánh giá lại {c['renewed']} sản phẩm, nâng hạng {c['upgraded']} sản phẩm; "
        f"{c['expired']} sản phẩm hết hạn giấy chứng nhận, "
        f"{c['revoked']} sản phẩm bị thu hồi giấy chứng nhận."
    )
    ideas = report.ideas
    out.append(
        f"Tiếp nhận {number(ideas['total'].value)} phiếu đăng ký ý tưởng sản phẩm, "
        f"{number(ideas['state']['accepted'].value)} ý tưởng được chấp thuận, "
        f"{number(ideas['with_plan'].value)} phương án, dự án sản xuất kinh doanh."
    )
    if report.rank is not None:
        out.append(f"Số sản phẩm OCOP của tỉnh đứng thứ {report.rank} cả nước.")
    if report.events is not None:
        with override("vi"):
            out.extend(report.events.report.sentences)
    visits = report.inspections
    if visits is not None and visits.visits:
        v = {
            k: number(getattr(visits, k)) for k in ("visits", "compliant", "warnings", "proposals")
        }
        out.append(
            f"Kiểm tra sau công nhận {v['visits']} sản phẩm: {v['compliant']} đạt yêu cầu, "
            f"{v['warnings']} nhắc nhở khắc phục, {v['proposals']} đề nghị thu hồi."
        )
    return out
