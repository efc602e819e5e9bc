"""Reads: what each person may see, their tasks, overdue items."""

from django.db.models import Count, Q

from ocop.cycles import rules
from ocop.cycles.enums import DossierState, IdeaState
from ocop.cycles.models import Cycle, Dossier, Idea


def cycles_visible_to(user):
    from ocop.accounts.rules import scope_for  # noqa: PLC0415

    scope = scope_for(user)
    if scope.is_national():
        return Cycle.objects.all().select_related("province")
    provinces = set(scope.province_ids())
    from ocop.geo.models import AdminUnit  # noqa: PLC0415

    provinces |= set(
        AdminUnit.objects.filter(pk__in=scope.commune_ids()).values_list("province_id", flat=True)
    )
    from ocop.producers.models import Subject  # noqa: PLC0415

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
CHECKS = {
    "producer": rules.producer_side,
    "commune": rules.commune_side,
    "province": rules.province_side,
    "scheduler": rules.scheduler,
}


def my_tasks(user) -> dict:
    """Dossiers and ideas waiting for this user, oldest first."""
    dossiers = [
        d
        for d in dossiers_visible_to(user)
        .filter(state__in=list(WAITING_ON))
        .order_by("state_changed_at", "created_at")
        if _waits_for(user, d)
    ]
    ideas = [
        i
        for i in ideas_visible_to(user)
        .filter(state__in=[IdeaState.SUBMITTED, IdeaState.RECEIVED, IdeaState.ACCEPTED])
        .order_by("registered_at")
        if _idea_waits_for(user, i)
    ]
    return {"dossiers": dossiers, "ideas": ideas}


def _waits_for(user, dossier) -> bool:
    side = WAITING_ON.get(dossier.state)
    if side == "producer":
        return rules.acts_for_subject(user, dossier.subject)
    if side == "commune":
        return rules.is_commune_officer_for(user, dossier.commune)
    if side == "evaluated" or (side == "scheduler" and dossier.state == DossierState.EVALUATED):
        return bool(dossier.agenda_item and dossier.agenda_item.proposed) and rules.scheduler(
            user, dossier
        )
    return side in CHECKS and CHECKS[side](user, dossier)


def _idea_waits_for(user, idea) -> bool:
    if idea.state == IdeaState.SUBMITTED:
        return rules.is_commune_officer_for(user, idea.commune)
    if idea.state == IdeaState.RECEIVED:
        return rules.scheduler(user, idea)
    return rules.acts_for_subject(user, idea.subject) and not hasattr(idea, "plan")


def overdue_by_commune(user):
    """Overdue dossiers per commune in the user's scope (officers)."""
    return (
        dossiers_visible_to(user)
        .filter(overdue=True)
        .values("commune__name", "commune_id")
        .annotate(n=Count("id"), returned=Count("id", filter=Q(state=DossierState.RETURNED)))
        .order_by("-n", "commune__name")
    )
