"""Council sessions and their results."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q

from ocop.evaluation.enums import ItemStatus, SessionState
from ocop.evaluation.models import AgendaItem, Session
from ocop.geo.enums import Level
from ocop.geo.models import AdminUnit

from .figures import Figure, iso

SESSIONS = "evaluation:sessions"


@dataclass
class SessionFigures:
    """``total`` and ``state``: sessions dated in the period (the sessions
    list with the same filters); ``results``: the products the councils
    decided in those sessions, by recognised star (``None``: no star
    reached) — counts of agenda items, which have no list of their own."""

    total: Figure
    state: dict[str, Figure]
    results: dict[int | None, int]


def sessions_and_results(
    *, unit: AdminUnit | None = None, start: date, end: date
) -> SessionFigures:
    """Sessions of the councils of a province (None: every council, central
    ones included) dated from ``start`` to ``end``. Two queries."""
    if unit is not None and unit.level != Level.PROVINCE:
        raise ValueError("Councils are provincial or central: give a province or None.")
    base = {"start": iso(start), "end": iso(end)}
    sessions = Session.objects.filter(date__gte=start, date__lte=end)
    if unit is not None:
        sessions = sessions.filter(council__unit=unit)
        base["province"] = str(unit.pk)
    counts = dict(sessions.order_by().values_list("state").annotate(n=Count("id")))
    decided = (
        AgendaItem.objects.filter(session__in=sessions, status=ItemStatus.DECIDED)
        .order_by()
        .values_list("recognised_star")
        .annotate(n=Count("id", filter=Q(status=ItemStatus.DECIDED)))
    )
    return SessionFigures(
        total=Figure(sum(counts.values()), SESSIONS, base),
        state={
            state: Figure(counts.get(state, 0), SESSIONS, {**base, "state": state})
            for state in SessionState.values
        },
        results=dict(decided),
    )
