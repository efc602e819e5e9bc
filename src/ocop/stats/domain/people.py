"""Subjects (women-led, ethnic-minority, legal form), ideas and business
plans, and dossiers by state, each linked to its list with the same filters."""

from datetime import date

from django.db.models import Count, Q

from ocop.cycles.enums import DossierState, IdeaState
from ocop.cycles.models import Dossier, Idea
from ocop.geo.models import AdminUnit
from ocop.producers.domain.queries import registered_by_q
from ocop.producers.enums import LegalForm
from ocop.producers.models import Subject

from .figures import Figure, iso, unit_filter, unit_params

SUBJECTS = "producers:list"
IDEAS = "cycles:ideas"
DOSSIERS = "cycles:dossiers"


def subjects(*, unit: AdminUnit | None = None, as_of: date | None = None) -> dict:
    """Subjects registered by ``as_of`` (None = all, today): ``{"total",
    "led_by_woman", "ethnic_minority": Figure, "legal_form": {code: Figure}}``
    (every legal form, zero included). One query."""
    base = dict(unit_params(unit))
    queryset = Subject.objects.filter(**unit_filter(unit))
    if as_of is not None:
        queryset = queryset.filter(registered_by_q(as_of))
        base["on"] = iso(as_of)
    rows = (
        queryset.order_by()
        .values("legal_form")
        .annotate(
            n=Count("id"),
            women=Count("id", filter=Q(led_by_woman=True)),
            ethnic=Count("id", filter=Q(ethnic_minority=True)),
        )
    )
    by_form = {row["legal_form"]: row for row in rows}
    total = sum(r["n"] for r in by_form.values())
    return {
        "total": Figure(total, SUBJECTS, base),
        "led_by_woman": Figure(
            sum(r["women"] for r in by_form.values()), SUBJECTS, {**base, "led_by_woman": "on"}
        ),
        "ethnic_minority": Figure(
            sum(r["ethnic"] for r in by_form.values()), SUBJECTS, {**base, "ethnic_minority": "on"}
        ),
        "legal_form": {
            code: Figure(by_form.get(code, {}).get("n", 0), SUBJECTS, {**base, "legal_form": code})
            for code in LegalForm.values
        },
    }


def ideas_and_plans(*, unit: AdminUnit | None = None, year: int | None = None) -> dict:
    """Product ideas of the cycles of ``year`` (None = every year), now:
    ``{"total", "with_plan": Figure, "state": {state: Figure}}``. One query."""
    base = dict(unit_params(unit))
    queryset = Idea.objects.filter(**unit_filter(unit))
    if year is not None:
        queryset = queryset.filter(cycle__year=year)
        base["year"] = str(year)
    rows = (
        queryset.order_by()
        .values("state")
        .annotate(n=Count("id"), planned=Count("id", filter=Q(plan__isnull=False)))
    )
    by_state = {row["state"]: row for row in rows}
    return {
        "total": Figure(sum(r["n"] for r in by_state.values()), IDEAS, base),
        "with_plan": Figure(
            sum(r["planned"] for r in by_state.values()), IDEAS, {**base, "plan": "on"}
        ),
        "state": {
            state: Figure(by_state.get(state, {}).get("n", 0), IDEAS, {**base, "state": state})
            for state in IdeaState.values
        },
    }


def dossiers_by_state(*, unit: AdminUnit | None = None, year: int | None = None) -> dict:
    """Evaluation dossiers (of the cycles of ``year``; None = all) by their
    state now: ``{"total": Figure, "state": {state: Figure}}``. One query."""
    base = dict(unit_params(unit))
    queryset = Dossier.objects.filter(**unit_filter(unit))
    if year is not None:
        queryset = queryset.filter(cycle__year=year)
        base["year"] = str(year)
    counts = dict(queryset.order_by().values_list("state").annotate(n=Count("id")))
    return {
        "total": Figure(sum(counts.values()), DOSSIERS, base),
        "state": {
            state: Figure(counts.get(state, 0), DOSSIERS, {**base, "state": state})
            for state in DossierState.values
        },
    }
