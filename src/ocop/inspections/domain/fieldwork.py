"""Reads of the post-certification inspection (plans, visits, proposals),
scoped by province, and its figures."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone

from ocop.accounts.rules import scope_for
from ocop.certification.domain.status import live_status
from ocop.certification.enums import LiveStatus
from ocop.certification.models import Certificate, CertificationRule
from ocop.geo.models import AdminUnit
from ocop.stamps.enums import RequestState
from ocop.stamps.models import Stamp, StampBatch

from ..enums import (
    AnswerResult,
    ComplaintState,
    FindingType,
    Outcome,
    ProposalState,
    VisitState,
)
from ..models import Answer, Complaint, InspectionPlan, RevocationProposal, Visit
from ..rules import PLAN_VIEWER_ROLES


def _q(user, path: str) -> Q:
    return scope_for(user).q(province=path, roles=PLAN_VIEWER_ROLES)


def plans_visible_to(user):
    return InspectionPlan.objects.filter(_q(user, "province")).select_related(
        "province", "rules", "created_by", "approved_by"
    )


def visits_visible_to(user):
    return Visit.objects.filter(_q(user, "province")).select_related(
        "province", "product__subject", "product__commune", "inspector", "plan", "checklist"
    )


def proposals_visible_to(user):
    return RevocationProposal.objects.filter(_q(user, "province")).select_related(
        "province", "certificate", "ground", "visit__product", "revocation"
    )


def provinces_for_plans(user):
    """The 2025 provinces whose plans ``user`` may see (for filters)."""
    return AdminUnit.objects.filter(_q(user, "pk"), era="2025", level="province").order_by("name")


@dataclass
class UnitFigures:
    province: AdminUnit
    visits: int = 0
    compliant: int = 0
    warnings: int = 0
    proposals: int = 0
    revoked: int = 0
    findings: dict = field(default_factory=dict)


def figures(*, user, start: date, end: date) -> tuple[list[UnitFigures], dict]:
    """Per province in ``user``'s scope, the visits closed between ``start``
    and ``end`` (inclusive), their outcomes and findings by type, and the
    certificates revoked following them; plus the findings by type overall.
    A fixed number of queries."""
    return _figures(_q(user, "province"), start=start, end=end)


def figures_for(*, provinces, start: date, end: date) -> tuple[list[UnitFigures], dict]:
    """The same figures for the given 2025 provinces (ids or units), without
    a user's scope: for a province's periodic report, whose caller checked
    the reader's right to it. A fixed number of queries."""
    ids = [getattr(p, "pk", p) for p in provinces]
    return _figures(Q(province_id__in=ids), start=start, end=end)


def _figures(where: Q, *, start: date, end: date) -> tuple[list[UnitFigures], dict]:
    closed = Visit.objects.filter(where, state=VisitState.CLOSED, visited_on__range=(start, end))
    rows: dict[int, UnitFigures] = {}

    def row(pk):
        if pk not in rows:
            rows[pk] = UnitFigures(province=None)
        return rows[pk]

    for item in closed.values("province_id", "outcome").annotate(n=Count("id")):
        figures_ = row(item["province_id"])
        figures_.visits += item["n"]
        if item["outcome"] == Outcome.COMPLIANT:
            figures_.compliant += item["n"]
        elif item["outcome"] == Outcome.WARNING:
            figures_.warnings += item["n"]
        elif item["outcome"] == Outcome.REVOKE:
            figures_.proposals += item["n"]
    totals = dict.fromkeys(FindingType.values, 0)
    for item in (
        Answer.objects.filter(visit__in=closed, result=AnswerResult.FINDING)
        .values("visit__province_id", "item__finding_type")
        .annotate(n=Count("id"))
    ):
        kind = item["item__finding_type"]
        findings = row(item["visit__province_id"]).findings
        findings[kind] = findings.get(kind, 0) + item["n"]
        totals[kind] += item["n"]
    for item in (
        RevocationProposal.objects.filter(visit__in=closed, state=ProposalState.REVOKED)
        .values("province_id")
        .annotate(n=Count("id"))
    ):
        row(item["province_id"]).revoked += item["n"]
    units = AdminUnit.objects.in_bulk(list(rows))
    for pk, figures_ in rows.items():
        figures_.province = units[pk]
    ordered = sorted(rows.values(), key=lambda f: f.province.name)
    return ordered, {k: v for k, v in totals.items() if v}


@dataclass
class ProductReference:
    """What an inspector checks the product against, shown on the visit page
    (and so kept on the phone with it for work without a signal)."""

    certificates: list = field(default_factory=list)  # (certificate, live status label)
    annual_capacity: int | None = None
    stamps_year: int = 0  # stamps approved over the last 365 days
    documents: list = field(default_factory=list)  # (document, validity)
    open_complaints: int = 0
    flagged_stamps: int = 0


def product_reference(*, product, today: date) -> ProductReference:
    """The product's certificates with their live status, declared capacity,
    stamps approved over the last year, the subject's evidence documents
    with their validity, open complaints and flagged stamps. A fixed number
    of queries."""
    since = timezone.now() - timedelta(days=365)
    table = list(CertificationRule.objects.all())
    certificates = [
        (c, LiveStatus(live_status(c, today=today, table=table)).label)
        for c in Certificate.objects.filter(product=product).order_by("-decision_date", "-pk")[:3]
    ]
    documents = [
        (d, d.validity(today))
        for d in product.subject.documents.filter(
            Q(product__isnull=True) | Q(product=product)
        ).order_by("doc_type")
    ]
    return ProductReference(
        certificates=certificates,
        annual_capacity=product.annual_capacity,
        stamps_year=StampBatch.objects.filter(
            product=product, state=RequestState.APPROVED, decided_at__gte=since
        ).aggregate(n=Sum("quantity"))["n"]
        or 0,
        documents=documents,
        open_complaints=Complaint.objects.filter(product=product)
        .exclude(state=ComplaintState.CLOSED)
        .count(),
        flagged_stamps=Stamp.objects.filter(
            batch__product=product, flagged_at__isnull=False
        ).count(),
    )
