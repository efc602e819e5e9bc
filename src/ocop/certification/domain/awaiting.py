"""How many recognised products of a closed council session wait for a
recognition decision: ``Session.awaiting_decision``.

A product recognised by a closed session waits until it is on a draft or an
issued decision (a discarded draft gives it back). The work queue's "results
waiting for a decision" and the list of sessions to decide read that number,
one per session, instead of looking for such a product among every product
the province's councils ever recognised (an anti-join that grew with the
years of history: 10–13 ms of a provincial officer's page at 10× national
data, on every page through the queue's badge).

The number is set when the session closes (``evaluation.domain.sessions``:
no decision can exist before) and counted again here, with the session's row
locked, whenever a decision of the session changes what it holds: a draft
made from the session, a product taken off a draft, a draft issued or
discarded (``decisions.py``). ``refresh_all`` counts every closed session
again in one statement (a database loaded in bulk; the migration did the
same).
"""

from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce

from ocop.evaluation.enums import SessionState
from ocop.evaluation.models import RECOGNISED, AgendaItem, Session

from ..enums import DecisionState
from ..models import DecisionItem

HOLDING = (DecisionState.DRAFT, DecisionState.ISSUED)


def _waiting(session):
    """The session's recognised products on no draft or issued decision
    (``session``: a session id or an ``OuterRef``)."""
    on_decision = DecisionItem.objects.filter(
        agenda_item=OuterRef("pk"), decision__state__in=HOLDING
    )
    return AgendaItem.objects.filter(RECOGNISED, session=session).exclude(Exists(on_decision))


def refresh(*, session_id: int) -> int:
    """Count the session's waiting products again and keep the number; the
    session's row is locked first, so that two changes to its decisions
    count one after the other. Call it inside the change's transaction."""
    Session.objects.select_for_update().filter(pk=session_id).values_list("pk").first()
    waiting = _waiting(session_id).count()
    Session.objects.filter(pk=session_id).update(awaiting_decision=waiting)
    return waiting


def refresh_all() -> int:
    """Every closed session's number counted again, in one statement; the
    number of sessions updated."""
    counted = (
        _waiting(OuterRef("pk")).order_by().values("session").annotate(n=Count("pk")).values("n")
    )
    return Session.objects.filter(state=SessionState.CLOSED).update(
        awaiting_decision=Coalesce(Subquery(counted), 0)
    )
