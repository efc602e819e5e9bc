"""The report of a unit for a period: capacity building, publicity and support,
computed from the records in the terms provinces use in their annual reports.

* Activities: those **held** whose first day lies in the period (planned,
  open and cancelled ones are not counted), by kind and level, with their
  days, cost and attendances.
* Attendances: named ones (a registration standing and checked in: checking
  in twice sets one field, so it counts once) plus the head counts, by
  audience category; and the number of distinct subjects that attended.
* Materials distributed in the unit in the period, by kind.
* Support to subjects of the unit given in the period, by kind.

The unit is None for the whole country; a province covers its own
activities and its communes'; a commune only its own. The report costs a
fixed number of queries whatever the number of records (aggregates only).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

from ocop.geo.enums import Level

from ..enums import (
    ActivityKind,
    ActivityLevel,
    ActivityState,
    Audience,
    MaterialKind,
    RegistrationState,
    SupportKind,
)
from ..models import Activity, HeadCount, MaterialDistribution, Registration, Support


def unit_q(unit, *, province: str = "province", commune: str = "commune") -> Q:
    """Records of ``unit`` (None: the whole country; a province: its own and
    its communes'; a commune: its own)."""
    if unit is None:
        return Q()
    if unit.level == Level.PROVINCE:
        return Q(**{province: unit})
    return Q(**{commune: unit})


def _order(choices, value) -> int:
    values = list(choices.values)
    return values.index(value) if value in values else len(values)


def _n(value) -> str:
    """A number with the locale's grouping (1.300 in Vietnamese, 1,300 in English)."""
    if isinstance(value, Decimal):
        return number_format(value, decimal_pos=0, force_grouping=True)
    return number_format(value or 0, force_grouping=True)


# Rows ----------------------------------------------------------------------------------


@dataclass
class ActivityRow:
    kind: str
    level: str
    count: int = 0
    days: int = 0
    cost: Decimal = Decimal(0)
    named: int = 0
    counted: int = 0

    @property
    def attendances(self) -> int:
        return self.named + self.counted

    @property
    def kind_label(self):
        return ActivityKind(self.kind).label

    @property
    def level_label(self):
        return ActivityLevel(self.level).label


@dataclass
class AudienceRow:
    audience: str
    named: int = 0
    counted: int = 0

    @property
    def total(self) -> int:
        return self.named + self.counted

    @property
    def label(self):
        return Audience(self.audience).label


@dataclass
class MaterialRow:
    kind: str
    quantity: int = 0
    records: int = 0
    value: Decimal = Decimal(0)

    @property
    def label(self):
        return MaterialKind(self.kind).label


@dataclass
class SupportRow:
    kind: str
    subjects: int = 0
    products: int = 0
    records: int = 0
    value: Decimal = Decimal(0)

    @property
    def label(self):
        return SupportKind(self.kind).label


@dataclass
class Report:
    unit: object
    date_from: date
    date_to: date
    activities: list[ActivityRow] = field(default_factory=list)
    audiences: list[AudienceRow] = field(default_factory=list)
    subjects_attended: int = 0
    materials: list[MaterialRow] = field(default_factory=list)
    supports: list[SupportRow] = field(default_factory=list)
    subjects_supported: int = 0

    # Totals
    @property
    def activity_count(self) -> int:
        return sum(r.count for r in self.activities)

    @property
    def activity_days(self) -> int:
        return sum(r.days for r in self.activities)

    @property
    def activity_cost(self) -> Decimal:
        return sum((r.cost for r in self.activities), Decimal(0))

    @property
    def named(self) -> int:
        return sum(r.named for r in self.audiences)

    @property
    def counted(self) -> int:
        return sum(r.counted for r in self.audiences)

    @property
    def attendances(self) -> int:
        return self.named + self.counted

    @property
    def support_records(self) -> int:
        return sum(r.records for r in self.supports)

    @property
    def support_value(self) -> Decimal:
        return sum((r.value for r in self.supports), Decimal(0))

    def activity_row(self, kind: str, level: str) -> ActivityRow | None:
        return next((r for r in self.activities if r.kind == kind and r.level == level), None)

    def audience_row(self, audience: str) -> AudienceRow | None:
        return next((r for r in self.audiences if r.audience == audience), None)

    def material_row(self, kind: str) -> MaterialRow | None:
        return next((r for r in self.materials if r.kind == kind), None)

    def support_row(self, kind: str) -> SupportRow | None:
        return next((r for r in self.supports if r.kind == kind), None)

    @property
    def sentences(self) -> list[str]:
        """The summary in the wording of the provinces' reports, in the active language."""
        return summary_sentences(self)


# Building the report ------------------------------------------------------------------


def build_report(*, unit, date_from: date, date_to: date) -> Report:
    """The figures of ``unit`` (None: the whole country) from ``date_from`` to
    ``date_to`` (both included). Seven queries."""
    report = Report(unit=unit, date_from=date_from, date_to=date_to)
    held = Q(
        activity__state=ActivityState.HELD,
        activity__starts_on__gte=date_from,
        activity__starts_on__lte=date_to,
    ) & unit_q(unit, province="activity__province", commune="activity__commune")

    # 1. Activities by kind and level (days and cost summed in the database).
    rows: dict[tuple[str, str], ActivityRow] = {}
    activities = (
        Activity.objects.filter(
            unit_q(unit),
            state=ActivityState.HELD,
            starts_on__gte=date_from,
            starts_on__lte=date_to,
        )
        .order_by()
        .values("kind", "level")
        .annotate(
            n=Count("id"),
            span=Sum(
                ExpressionWrapper(F("ends_on") - F("starts_on"), output_field=DurationField())
            ),
            total_cost=Sum("cost"),
        )
    )
    for row in activities:
        span = row["span"]
        rows[row["kind"], row["level"]] = ActivityRow(
            kind=row["kind"],
            level=row["level"],
            count=row["n"],
            days=(span.days if span is not None else 0) + row["n"],
            cost=row["total_cost"] or Decimal(0),
        )

    # 2. Named attendances (checked in, registration standing) and 3. head counts.
    audiences: dict[str, AudienceRow] = {}
    named = (
        Registration.objects.filter(
            held, state=RegistrationState.REGISTERED, checked_in_at__isnull=False
        )
        .order_by()
        .values("activity__kind", "activity__level", "audience")
        .annotate(n=Count("id"))
    )
    for row in named:
        key = (row["activity__kind"], row["activity__level"])
        if key in rows:
            rows[key].named += row["n"]
        audiences.setdefault(row["audience"], AudienceRow(row["audience"])).named += row["n"]
    counted = (
        HeadCount.objects.filter(held)
        .order_by()
        .values("activity__kind", "activity__level", "audience")
        .annotate(n=Sum("count"))
    )
    for row in counted:
        key = (row["activity__kind"], row["activity__level"])
        n = row["n"] or 0
        if key in rows:
            rows[key].counted += n
        audiences.setdefault(row["audience"], AudienceRow(row["audience"])).counted += n

    # 4. Distinct subjects that attended.
    report.subjects_attended = Registration.objects.filter(
        held,
        state=RegistrationState.REGISTERED,
        checked_in_at__isnull=False,
        subject__isnull=False,
    ).aggregate(n=Count("subject", distinct=True))["n"]

    report.activities = sorted(
        rows.values(),
        key=lambda r: (_order(ActivityKind, r.kind), _order(ActivityLevel, r.level)),
    )
    report.audiences = sorted(
        (r for r in audiences.values() if r.total),
        key=lambda r: _order(Audience, r.audience),
    )

    # 5. Materials distributed.
    materials = (
        MaterialDistribution.objects.filter(
            unit_q(unit), distributed_on__gte=date_from, distributed_on__lte=date_to
        )
        .order_by()
        .values("kind")
        .annotate(quantity=Sum("quantity"), records=Count("id"), total=Sum("value"))
    )
    report.materials = sorted(
        (
            MaterialRow(
                kind=r["kind"],
                quantity=r["quantity"] or 0,
                records=r["records"],
                value=r["total"] or Decimal(0),
            )
            for r in materials
        ),
        key=lambda r: _order(MaterialKind, r.kind),
    )

    # 6. Support by kind and 7. the distinct subjects supported.
    supports = Support.objects.filter(
        unit_q(unit, province="subject__province", commune="subject__commune"),
        given_on__gte=date_from,
        given_on__lte=date_to,
    )
    by_kind = (
        supports.order_by()
        .values("kind")
        .annotate(
            subjects=Count("subject", distinct=True),
            products=Count("product", distinct=True),
            records=Count("id"),
            total=Sum("value"),
        )
    )
    report.supports = sorted(
        (
            SupportRow(
                kind=r["kind"],
                subjects=r["subjects"],
                products=r["products"],
                records=r["records"],
                value=r["total"] or Decimal(0),
            )
            for r in by_kind
        ),
        key=lambda r: _order(SupportKind, r.kind),
    )
    report.subjects_supported = supports.aggregate(n=Count("subject", distinct=True))["n"]
    return report


# The summary sentences -----------------------------------------------------------------

# "cấp tỉnh", "cấp xã"… in "Tổ chức 3 hội nghị tuyên truyền cấp tỉnh".
LEVEL_PHRASES = {
    ActivityLevel.CENTRAL: pgettext_lazy("report sentence", "at central level"),
    ActivityLevel.PROVINCE: pgettext_lazy("report sentence", "at provincial level"),
    ActivityLevel.DISTRICT: pgettext_lazy("report sentence", "at district level"),
    ActivityLevel.COMMUNE: pgettext_lazy("report sentence", "at commune level"),
}


def _activity_sentence(row: ActivityRow) -> str:
    values = {
        "count": _n(row.count),
        "level": LEVEL_PHRASES.get(row.level, ""),
        # Translators: "1.300 lượt người tham dự".
        "attendances": ngettext("%(n)s attendance", "%(n)s attendances", row.attendances)
        % {"n": _n(row.attendances)},
    }
    n = row.count
    if row.kind == ActivityKind.TRAINING:
        # Translators: "Mở 31 lớp tập huấn cấp tỉnh với 1.300 lượt người tham dự".
        return (
            ngettext(
                "Opened %(count)s training class %(level)s with %(attendances)s",
                "Opened %(count)s training classes %(level)s with %(attendances)s",
                n,
            )
            % values
        )
    if row.kind == ActivityKind.CONFERENCE:
        # Translators: "Tổ chức 2 hội nghị tập huấn cấp tỉnh với 247 lượt người tham dự".
        return (
            ngettext(
                "Held %(count)s training conference %(level)s with %(attendances)s",
                "Held %(count)s training conferences %(level)s with %(attendances)s",
                n,
            )
            % values
        )
    if row.kind == ActivityKind.PUBLICITY:
        # Translators: "Tổ chức 3 hội nghị tuyên truyền cấp tỉnh với 290 lượt người tham dự".
        return (
            ngettext(
                "Held %(count)s publicity conference %(level)s with %(attendances)s",
                "Held %(count)s publicity conferences %(level)s with %(attendances)s",
                n,
            )
            % values
        )
    if row.kind == ActivityKind.FAIR:
        # Translators: "Tổ chức 14 hội chợ, triển lãm cấp tỉnh với 5.000 lượt người tham dự".
        return (
            ngettext(
                "Organised %(count)s trade fair or exhibition %(level)s with %(attendances)s",
                "Organised %(count)s trade fairs and exhibitions %(level)s with %(attendances)s",
                n,
            )
            % values
        )
    if row.kind == ActivityKind.CONNECTION:
        # Translators: "Tổ chức 2 hội nghị kết nối cung cầu cấp tỉnh với 300 lượt người tham dự".
        return (
            ngettext(
                "Organised %(count)s supply–demand connection event %(level)s with %(attendances)s",
                "Organised %(count)s supply–demand connection events %(level)s with "
                "%(attendances)s",
                n,
            )
            % values
        )
    if row.kind == ActivityKind.STUDY_TOUR:
        # Translators: "Tổ chức 2 đoàn tham quan, học tập kinh nghiệm cấp tỉnh với 60 lượt người
        # tham dự".
        return (
            ngettext(
                "Organised %(count)s study tour %(level)s with %(attendances)s",
                "Organised %(count)s study tours %(level)s with %(attendances)s",
                n,
            )
            % values
        )
    # Translators: "Tổ chức 4 hoạt động khác cấp tỉnh với 120 lượt người tham dự".
    return (
        ngettext(
            "Organised %(count)s other activity %(level)s with %(attendances)s",
            "Organised %(count)s other activities %(level)s with %(attendances)s",
            n,
        )
        % values
    )


def _material_item(row: MaterialRow) -> str:
    q = row.quantity
    values = {"n": _n(q)}
    if row.kind == MaterialKind.PANEL:
        return ngettext("%(n)s panel", "%(n)s panels", q) % values  # "18 pano"
    if row.kind == MaterialKind.HANDBOOK:
        return ngettext("%(n)s handbook", "%(n)s handbooks", q) % values  # "5.000 sổ tay"
    if row.kind == MaterialKind.LEAFLET:
        return ngettext("%(n)s leaflet", "%(n)s leaflets", q) % values  # "tờ rơi"
    if row.kind == MaterialKind.STAMPS:
        return ngettext("%(n)s OCOP stamp", "%(n)s OCOP stamps", q) % values  # "tem OCOP"
    if row.kind == MaterialKind.CLIP:
        return ngettext("%(n)s report or clip", "%(n)s reports and clips", q) % values
    return ngettext("%(n)s other item", "%(n)s other items", q) % values


def _support_sentence(row: SupportRow) -> str:
    n = row.subjects
    values = {"subjects": _n(n), "products": _n(row.products), "value": _n(row.value)}
    if row.kind == SupportKind.CONNECTION:
        # Translators: "Hỗ trợ 81 chủ thể tham gia kết nối cung cầu".
        return (
            ngettext(
                "Supported %(subjects)s subject to take part in supply–demand connection",
                "Supported %(subjects)s subjects to take part in supply–demand connection",
                n,
            )
            % values
        )
    if row.kind == SupportKind.CLIP:
        # Translators: "Xây dựng clip quảng bá cho 27 chủ thể".
        return (
            ngettext(
                "Made promotion clips for %(subjects)s subject",
                "Made promotion clips for %(subjects)s subjects",
                n,
            )
            % values
        )
    if row.kind == SupportKind.TRACEABILITY:
        # Translators: "Tài khoản truy xuất nguồn gốc cho 34 chủ thể".
        return (
            ngettext(
                "Traceability accounts for %(subjects)s subject",
                "Traceability accounts for %(subjects)s subjects",
                n,
            )
            % values
        )
    if row.kind == SupportKind.ECOMMERCE:
        if row.products:
            # Translators: "153 sản phẩm của 84 chủ thể được đưa lên sàn thương mại điện tử".
            return _("%(products)s of %(subjects)s listed on e-commerce platforms") % {
                # Translators: "153 sản phẩm".
                "products": ngettext("%(n)s product", "%(n)s products", row.products)
                % {"n": _n(row.products)},
                # Translators: "84 chủ thể".
                "subjects": ngettext("%(n)s subject", "%(n)s subjects", n) % {"n": _n(n)},
            }
        # Translators: "84 chủ thể được đưa lên sàn thương mại điện tử".
        return (
            ngettext(
                "%(subjects)s subject listed on e-commerce platforms",
                "%(subjects)s subjects listed on e-commerce platforms",
                n,
            )
            % values
        )
    if row.kind == SupportKind.BOOTH:
        # Translators: "Hỗ trợ gian hàng hội chợ cho 12 chủ thể".
        return (
            ngettext(
                "Fair booths for %(subjects)s subject",
                "Fair booths for %(subjects)s subjects",
                n,
            )
            % values
        )
    if row.kind == SupportKind.CONSULTING:
        # Translators: "Tư vấn cho 20 chủ thể".
        return (
            ngettext(
                "Consulting for %(subjects)s subject",
                "Consulting for %(subjects)s subjects",
                n,
            )
            % values
        )
    if row.kind == SupportKind.FUNDING:
        if row.value:
            # Translators: "Hỗ trợ kinh phí 500.000.000 đồng cho 10 chủ thể".
            return (
                ngettext(
                    "Funding of %(value)s VND for %(subjects)s subject",
                    "Funding of %(value)s VND for %(subjects)s subjects",
                    n,
                )
                % values
            )
        # Translators: "Hỗ trợ kinh phí cho 10 chủ thể".
        return (
            ngettext(
                "Funding for %(subjects)s subject",
                "Funding for %(subjects)s subjects",
                n,
            )
            % values
        )
    # Translators: "Hỗ trợ khác cho 5 chủ thể".
    return (
        ngettext(
            "Other support for %(subjects)s subject",
            "Other support for %(subjects)s subjects",
            n,
        )
        % values
    )


def summary_sentences(report: Report) -> list[str]:
    sentences = [_activity_sentence(row) for row in report.activities]
    if report.subjects_attended:
        # Translators: "45 chủ thể OCOP tham dự các hoạt động".
        sentences.append(
            ngettext(
                "%(n)s OCOP subject attended these activities",
                "%(n)s OCOP subjects attended these activities",
                report.subjects_attended,
            )
            % {"n": _n(report.subjects_attended)}
        )
    items = [_material_item(row) for row in report.materials if row.quantity]
    if items:
        # Translators: "Cấp phát 18 pano, 5.000 sổ tay, 40.000 tem OCOP".
        sentences.append(_("Distributed %(items)s") % {"items": ", ".join(items)})
    sentences.extend(_support_sentence(row) for row in report.supports)
    return sentences
