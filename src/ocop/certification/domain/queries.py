"""Reads for certification: what each user may see, list filters, live status.

* Decisions: province officers and administrators see every decision of
  their province (drafts too), central officers every decision; anyone else
  sees the issued decisions that recognise a product they can see.
* Certificates: the same scope as the products (a producer their subjects'
  products, a commune officer their commune, a province its province, the
  centre everything).
"""

from datetime import date, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from ocop.accounts.rules import scope_for
from ocop.core.search import search
from ocop.evaluation.enums import SessionState
from ocop.evaluation.models import RECOGNISED, AgendaItem, Session

from ..enums import AuthorityLevel, CertificateStatus, DecisionState, LiveStatus
from ..models import Certificate, CertificationRule, Decision, DecisionItem
from ..rules import CENTRAL_ROLES, PROVINCE_ROLES, READER_ROLES
from .figures import IN_FORCE, filter_figures
from .rules import NoRuleInForce, rule_on, rules_table
from .status import live_status


def _product_scope(user, prefix: str) -> Q:
    return scope_for(user).q(
        province=f"{prefix}province",
        commune=f"{prefix}commune",
        subject=f"{prefix}subject",
        roles=READER_ROLES,
    )


def managed_units_q(user, field: str = "unit") -> Q:
    """Decisions (or councils) of the provinces the user acts for."""
    ids = sorted(scope_for(user).province_ids(PROVINCE_ROLES))
    if not ids:
        return Q(pk__in=[])
    return Q(**{f"{field}__province__in": ids}) | Q(**{f"{field}__successor_province__in": ids})


def decisions_visible_to(user):
    if user is None or not user.is_authenticated:
        return Decision.objects.none()
    scope = scope_for(user)
    base = Decision.objects.select_related("unit", "session__council")
    if scope.is_national(READER_ROLES):
        return base
    managed = managed_units_q(user) & ~Q(level=AuthorityLevel.CENTRAL)
    readable = Exists(
        DecisionItem.objects.filter(_product_scope(user, "product__"), decision=OuterRef("pk"))
    )
    return base.filter(managed | (Q(state=DecisionState.ISSUED) & readable))


def filter_decisions(queryset, *, filters: dict):
    if filters.get("state"):
        queryset = queryset.filter(state=filters["state"])
    if filters.get("province"):
        queryset = queryset.filter(unit=filters["province"])
    if filters.get("year"):
        queryset = queryset.filter(
            Q(date__year=filters["year"]) | Q(date__isnull=True, created_at__year=filters["year"])
        )
    return queryset.annotate(item_count=Count("items")).order_by("-date", "-created_at", "-pk")


def certificates_visible_to(user):
    if user is None or not user.is_authenticated:
        return Certificate.objects.none()
    return Certificate.objects.filter(_product_scope(user, "product__")).select_related(
        "product__subject", "product__commune", "product__province", "decision"
    )


def expiring_q(*, today: date, table: list[CertificationRule] | None = None) -> Q:
    """Certificates in force that expire within the window of the rule in force
    on their decision date (``status.live_status`` says the same per row)."""
    table = rules_table() if table is None else table
    window = Q(pk__in=[])
    for rule in table:
        dated = Q(decision_date__gte=rule.effective_from)
        if rule.effective_to is not None:
            dated &= Q(decision_date__lte=rule.effective_to)
        window |= dated & Q(valid_until__lte=today + timedelta(days=rule.expiring_days))
    try:
        undated = rule_on(today, table=table).expiring_days
    except NoRuleInForce:
        undated = None
    if undated is not None:
        window |= Q(decision_date__isnull=True, valid_until__lte=today + timedelta(days=undated))
    return Q(status=CertificateStatus.VALID, valid_until__gte=today) & window


def live_status_q(status: str, *, today: date, table=None) -> Q:
    """A filter on the live status (what people are shown) on ``today``."""
    if status == LiveStatus.EXPIRING:
        return expiring_q(today=today, table=table)
    if status == LiveStatus.VALID:
        in_force = Q(status=CertificateStatus.VALID, valid_until__gte=today)
        return in_force & ~expiring_q(today=today, table=table)
    if status == LiveStatus.UNDETERMINED:
        return Q(status=CertificateStatus.VALID, valid_until__isnull=True)
    if status == LiveStatus.EXPIRED:
        return Q(status=CertificateStatus.EXPIRED) | Q(
            status=CertificateStatus.VALID, valid_until__lt=today
        )
    return Q(status=status)


def filter_certificates(queryset, *, filters: dict, today: date):
    queryset = filter_figures(queryset, filters=filters, today=today)
    if filters.get("status") and filters["status"] != IN_FORCE:
        queryset = queryset.filter(live_status_q(filters["status"], today=today))
    if filters.get("star"):
        queryset = queryset.filter(star=filters["star"])
    if filters.get("year"):
        queryset = queryset.filter(decision_date__year=filters["year"])
    if filters.get("expires_by"):
        # The dashboards' "certificates expiring within N days".
        queryset = queryset.filter(valid_until__lte=filters["expires_by"])
    query = (filters.get("q") or "").strip()
    if query:
        numbered = queryset.filter(Q(number=query) | Q(decision_number=query))
        queryset = (
            numbered if numbered.exists() else search(queryset, query, field="product__search_text")
        )
    return queryset.order_by("-decision_date", "-pk")


def with_live_status(certificates, *, today: date) -> list[Certificate]:
    """The certificates with ``.live`` (a LiveStatus) set, judging all of them
    with one read of the rules."""
    table = rules_table()
    rows = list(certificates)
    for certificate in rows:
        certificate.live = live_status(certificate, today=today, table=table)
    return rows


def sessions_awaiting_decision(user):
    """Closed sessions of the authorities the user acts for that still have
    recognised products on no issued or draft decision."""
    scope = scope_for(user)
    councils = managed_units_q(user, "council__unit") & ~Q(council__level=AuthorityLevel.CENTRAL)
    if scope.is_national(CENTRAL_ROLES):
        councils |= Q(council__level=AuthorityLevel.CENTRAL)
    recognised = AgendaItem.objects.filter(RECOGNISED, session=OuterRef("pk"))
    # Counted by a sub-select per session shown (the partial index
    # ``evaluation_item_recognised``), not by joining every item of every
    # session and grouping. Which sessions wait: their kept number
    # (``awaiting.py``), not a look through every product they recognised.
    counted = recognised.order_by().values("session").annotate(n=Count("pk")).values("n")
    return (
        Session.objects.filter(councils, state=SessionState.CLOSED, awaiting_decision__gt=0)
        .select_related("council__unit")
        .annotate(recognised=Coalesce(Subquery(counted), 0))
        .order_by("-date", "-pk")
    )


def current_certificate(product) -> Certificate | None:
    """The product's newest certificate that no later one has superseded
    (whatever its status: the caller judges whether it is in force)."""
    return (
        Certificate.objects.filter(product=product, superseded_by__isnull=True)
        .exclude(status=CertificateStatus.SUPERSEDED)
        .order_by(F("decision_date").desc(nulls_last=True), "-id")
        .first()
    )


def decision_items(decision):
    """The annex with what it prints, in one query."""
    return decision.items.select_related(
        "product__subject", "product__commune", "product__province", "agenda_item"
    ).order_by("order", "id")


def certificate_rows_of_products(*, product_ids):
    """The certificates of some products as dicts (id, product, decision
    number, star, decision date): what a registry list is matched on."""
    return Certificate.objects.filter(product_id__in=product_ids).values(
        "id", "product_id", "decision_number", "star", "decision_date"
    )
