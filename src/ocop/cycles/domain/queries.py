"""Reads: what each person may see, their tasks, overdue items."""

from django.db.models import Count, Q
from django.db.models.functions import Coalesce

from ocop.accounts.rules import scope_for
from ocop.criteria.domain.queries import answers_by_code, bands_for, compiled_sheet
from ocop.criteria.enums import EvaluationLevel
from ocop.criteria.models import Sheet
from ocop.criteria.stars import StarGap, star_gap
from ocop.cycles import rules
from ocop.cycles.enums import DossierState, IdeaState
from ocop.cycles.models import Cycle, Dossier, DossierAnswer, Idea
from ocop.geo.models import AdminUnit
from ocop.producers.models import Subject


def cycles_visible_to(user):
    scope = scope_for(user)
    if scope.is_national():
        return Cycle.objects.all().select_related("province")
    provinces = set(scope.province_ids())
    provinces |= set(
        AdminUnit.objects.filter(pk__in=scope.commune_ids()).values_list("province_id", flat=True)
    )
    provinces |= set(
        Subject.objects.filter(pk__in=scope.subject_ids()).values_list("province_id", flat=True)
    )
    return Cycle.objects.filter(province_id__in=provinces).select_related("province")


def dossiers_visible_to(user):
    if user is None or not user.is_authenticated:
        return Dossier.objects.none()
    return Dossier.objects.filter(rules.visible_q(user)).select_related(
        "product", "subject", "commune", "province", "cycle"
    )


# The dossier list's ``stage`` filter: dossiers on a central council's session
# (the 5★ pipeline between "proposed to the centre" and "recognised").
STAGE_CENTRAL = "central"


def filter_dossiers(queryset, *, filters: dict):
    """The dossier list's filters (state, commune, kind, overdue, province,
    year of the cycle, stage); the dashboards count with the same function."""
    if filters.get("state"):
        queryset = queryset.filter(state=filters["state"])
    if filters.get("commune"):
        queryset = queryset.filter(commune=filters["commune"])
    if filters.get("kind"):
        queryset = queryset.filter(kind=filters["kind"])
    if filters.get("overdue"):
        queryset = queryset.filter(overdue=True)
    if filters.get("province"):
        queryset = queryset.filter(province=filters["province"])
    if filters.get("year"):
        queryset = queryset.filter(cycle__year=filters["year"])
    if filters.get("stage") == STAGE_CENTRAL:
        queryset = queryset.filter(
            state=DossierState.SCHEDULED,
            agenda_item__session__council__level=EvaluationLevel.CENTRAL,
        )
    return queryset


def ideas_visible_to(user):
    if user is None or not user.is_authenticated:
        return Idea.objects.none()
    return Idea.objects.filter(rules.visible_q(user)).select_related(
        "subject", "commune", "cycle", "plan"
    )


# What waits for whom: (state, the side that acts next).
WAITING_ON = {
    DossierState.DRAFT: "producer",
    DossierState.RETURNED: "producer",
    DossierState.SUBMITTED: "commune",
    DossierState.DISTRICT: "scheduler",
    DossierState.FORWARDED: "province",
    DossierState.PRECHECKED: "scheduler",
    DossierState.EVALUATED: "scheduler",
}

# The roles that act for each side, as the predicates in ``rules`` define them.
SIDE_ROLES = {
    "producer": rules.PRODUCER_ROLES,
    "commune": rules.COMMUNE_ROLES,
    "province": rules.PROVINCE_ROLES,
    "scheduler": rules.SCHEDULER_ROLES,
}


def _side_q(user, side: str, **paths) -> Q:
    """Objects whose unit (or subject) the user covers with the roles of ``side``."""
    scope = scope_for(user)
    roles = SIDE_ROLES[side]
    if not scope.roles.intersection(roles):
        return Q(pk__in=[])
    if side == "producer":
        # Only the subject's own people: a commune officer may act on their
        # behalf, but drafts are not the commune's task.
        return scope.q(subject=paths["subject"], roles=roles)
    if side == "commune":
        return scope.q(commune=paths["commune"], roles=roles)
    return scope.q(province=paths["province"], commune=paths["commune"], roles=roles)


def my_tasks(user) -> dict:
    """Dossiers and ideas waiting for this user, oldest first (two querysets:
    ``waiting_dossiers`` and ``waiting_ideas``)."""
    return {"dossiers": waiting_dossiers(user), "ideas": waiting_ideas(user)}


PATHS = {"subject": "subject", "commune": "commune", "province": "province"}


def waiting_dossiers(user):
    """Dossiers waiting for this user, oldest first.

    A dossier waits for the side ``WAITING_ON`` names for its state; an
    evaluated one waits for the office only when the council proposed it to
    the centre.
    """
    if user is None or not user.is_authenticated:
        return Dossier.objects.none()
    waiting = Q(pk__in=[])
    # One branch per distinct scope with all its states (a provincial office
    # acts for the "province" and the "scheduler" sides on the same scope):
    # a single "scope AND state IN (…)" lets PostgreSQL read the first page
    # from the waiting-list index (Dossier.Meta) instead of sorting every task.
    branches: dict[str, tuple[Q, list]] = {}
    for side in SIDE_ROLES:
        states = [s for s, who in WAITING_ON.items() if who == side]
        scope = _side_q(user, side, **PATHS)
        if DossierState.EVALUATED in states:
            states.remove(DossierState.EVALUATED)
            waiting |= Q(pk__in=_proposed_waiting(scope))
        branches.setdefault(str(scope), (scope, []))[1].extend(states)
    for scope, states in branches.values():
        waiting |= Q(state__in=states) & scope
    return (
        dossiers_visible_to(user)
        .filter(waiting)
        .annotate(waiting_since=Coalesce("state_changed_at", "created_at"))
        .order_by("waiting_since", "pk")
    )


def waiting_ideas(user):
    """Ideas waiting for this user, oldest first: for the commune
    (registered), the province (received) or its producer (accepted, no
    business plan yet)."""
    if user is None or not user.is_authenticated:
        return Idea.objects.none()
    ideas_waiting = (
        (Q(state=IdeaState.SUBMITTED) & _side_q(user, "commune", **PATHS))
        | (Q(state=IdeaState.RECEIVED) & _side_q(user, "scheduler", **PATHS))
        | (Q(state=IdeaState.ACCEPTED, plan__isnull=True) & _side_q(user, "producer", **PATHS))
    )
    return (
        ideas_visible_to(user)
        .filter(ideas_waiting)
        .annotate(waiting_since=Coalesce("decided_at", "registered_at"))
        .order_by("waiting_since", "pk")
    )


def _proposed_waiting(scope: Q) -> list[int]:
    """Evaluated dossiers whose council proposed them to the centre (the office
    proposes them next). Read first, as a short list of keys: evaluated
    dossiers pile up year after year, and as a branch of the tasks' OR the
    join to their agenda items would read every one of them; proposed items
    are few and have their own partial index."""
    return list(
        Dossier.objects.filter(scope, state=DossierState.EVALUATED, agenda_item__proposed=True)
        .order_by()
        .values_list("pk", flat=True)
    )


def overdue_by_commune(user):
    """Overdue dossiers per commune in the user's scope (officers)."""
    return (
        dossiers_visible_to(user)
        .filter(overdue=True)
        .values("commune__name", "commune_id")
        .annotate(n=Count("id"), returned=Count("id", filter=Q(state=DossierState.RETURNED)))
        .order_by("-n", "commune__name")
    )


def self_assessment_gap(dossier: Dossier, *, answers=None) -> StarGap | None:
    """Where the producer's self-assessment stands on the dossier's sheet: the
    star its answers reach and, for the next star, the points missing and the
    mandatory criteria not met (bands and the lowest recognised star are those
    of the sheet's legal basis). ``answers`` (by criterion code) saves a query."""
    if dossier.sheet_id is None:
        return None
    spec = compiled_sheet(dossier.sheet_id).spec
    if answers is None:
        answers = answers_by_code(dossier.answers.filter(by=DossierAnswer.SELF), dossier.sheet_id)
    legal_basis = Sheet.objects.select_related("legal_basis").get(pk=dossier.sheet_id).legal_basis
    return star_gap(
        spec,
        answers,
        bands_for(legal_basis),
        min_recognised_star=legal_basis.min_recognised_star,
        branches=dossier.branches,
    )
