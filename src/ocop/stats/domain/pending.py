"""What is waiting, for the dashboards: stamp requests, decisions to issue,
complaints and flagged stamps, dossiers, certificates and documents about to
expire, sheets to score, trainings coming, the 5★ pipeline.

These figures are counted **for the person who reads them**: each one is the
count of the list it links to, opened by that person (the list's own
``visible_to`` queryset and the same filter function), so the number and the
list cannot differ whatever the person's scope. One query per figure."""

from datetime import date, timedelta

from ocop.certification.domain.queries import (
    certificates_visible_to,
    decisions_visible_to,
    filter_certificates,
    filter_decisions,
)
from ocop.certification.enums import DecisionState
from ocop.cycles.domain.queries import dossiers_visible_to, filter_dossiers
from ocop.cycles.enums import DossierState
from ocop.evaluation.domain.queries import waiting_scoresheets
from ocop.events.domain.queries import upcoming_registrations
from ocop.inspections.domain.queries import feed_for
from ocop.inspections.enums import ComplaintState
from ocop.producers.domain.documents import expiring_documents
from ocop.producers.domain.queries import documents_visible_to
from ocop.stamps.domain.queries import batches_visible_to
from ocop.stamps.enums import RequestState

from .figures import Figure, iso, unit_params

CERTIFICATES = "certification:certificates"
DECISIONS = "certification:decisions"
DOSSIERS = "cycles:dossiers"
STAMPS = "stamps:list"
FEED = "inspections:list"
DOCUMENTS = "producers:documents_expiring"
SHEETS = "evaluation:home"
TRAININGS = "events:mine"

# The dossiers waiting for someone, by the level that acts next.
WAITING_AT_COMMUNE = (DossierState.SUBMITTED,)
WAITING_AT_PROVINCE = (
    DossierState.FORWARDED,
    DossierState.PRECHECKED,
    DossierState.SCHEDULED,
    DossierState.EVALUATED,
)
WAITING_AT_PRODUCER = (DossierState.DRAFT, DossierState.RETURNED)


def _province(province) -> dict[str, str]:
    return {} if province is None else {"province": str(province.pk)}


def stamp_requests(*, user, province=None) -> Figure:
    """Stamp requests waiting for approval (in ``province``)."""
    batches = batches_visible_to(user).filter(state=RequestState.REQUESTED)
    if province is not None:
        batches = batches.filter(product__province=province)
    return Figure(batches.count(), STAMPS, {"state": RequestState.REQUESTED, **_province(province)})


def decisions_to_issue(*, user, province=None) -> Figure:
    """Recognition decisions drafted and not yet issued (by ``province``)."""
    filters = {"state": DecisionState.DRAFT, "province": province}
    n = filter_decisions(decisions_visible_to(user), filters=filters).count()
    return Figure(n, DECISIONS, {"state": DecisionState.DRAFT, **_province(province)})


def complaints(*, user, province=None) -> dict[str, Figure]:
    """Consumer complaints new and being reviewed, and stamps flagged (clone
    detection) waiting for review (in ``province``)."""
    result = {}
    for key, kind, state in (
        ("new", "complaint", ComplaintState.NEW),
        ("in_review", "complaint", ComplaintState.IN_REVIEW),
        ("flagged", "flag", ComplaintState.NEW),
    ):
        n = feed_for(user, kind=kind, state=state, province=province).count()
        result[key] = Figure(n, FEED, {"kind": kind, "state": state, **_province(province)})
    return result


def dossiers(*, user, states, unit=None) -> dict[str, Figure]:
    """Dossiers in each of ``states`` (in ``unit``), as the dossier list shows
    them to ``user``."""
    params = unit_params(unit)
    filters = dict.fromkeys(params, unit)
    result = {}
    for state in states:
        n = filter_dossiers(dossiers_visible_to(user), filters={**filters, "state": state}).count()
        result[state] = Figure(n, DOSSIERS, {**params, "state": state})
    return result


def certificates_expiring(*, user, days: int, today: date, unit=None) -> Figure:
    """Certificates in force today whose validity ends within ``days`` days
    (in ``unit``), as the certificate list shows them to ``user``."""
    by = today + timedelta(days=days)
    params = unit_params(unit)
    filters = {"status": "in_force", "expires_by": by, **dict.fromkeys(params, unit)}
    n = filter_certificates(certificates_visible_to(user), filters=filters, today=today).count()
    return Figure(n, CERTIFICATES, {"status": "in_force", "expires_by": iso(by), **params})


def documents_expiring(*, user, today: date) -> Figure:
    """Evidence documents expired or expiring soon (the officer's or the
    producer's list of them)."""
    n = expiring_documents(documents_visible_to(user), today=today).count()
    return Figure(n, DOCUMENTS, {})


def sheets_to_score(*, user) -> Figure:
    """The council member's sheets of open sessions not yet submitted."""
    return Figure(waiting_scoresheets(user).count(), SHEETS, {"waiting": "1"})


def trainings_coming(*, user, today: date) -> Figure:
    """The person's registrations for activities that have not started."""
    return Figure(upcoming_registrations(user, today=today).count(), TRAININGS, {"upcoming": "1"})


def five_star_pipeline(*, user, year: int, today: date) -> dict[str, Figure]:
    """Proposed to the centre → on the central council's session → recognised
    5★ in ``year``."""
    visible = dossiers_visible_to(user)
    proposed = filter_dossiers(visible, filters={"state": DossierState.PROPOSED}).count()
    central = filter_dossiers(visible, filters={"stage": "central"}).count()
    filters = {"star": 5, "year": year}
    recognised = filter_certificates(
        certificates_visible_to(user), filters=filters, today=today
    ).count()
    return {
        "proposed": Figure(proposed, DOSSIERS, {"state": DossierState.PROPOSED}),
        "central": Figure(central, DOSSIERS, {"stage": "central"}),
        "recognised": Figure(recognised, CERTIFICATES, {"star": "5", "year": str(year)}),
    }


def certificates_in_force(*, user, today: date) -> Figure:
    """The certificates in force today that ``user`` sees (a producer: their
    own subjects')."""
    filters = {"status": "in_force"}
    n = filter_certificates(certificates_visible_to(user), filters=filters, today=today).count()
    return Figure(n, CERTIFICATES, {"status": "in_force"})


def own_certificates(*, user, today: date, limit: int = 50) -> list:
    """The certificates in force that ``user`` sees, soonest expiry first
    (the producer's table of their certificates)."""
    filters = {"status": "in_force"}
    return list(
        filter_certificates(certificates_visible_to(user), filters=filters, today=today)
        .select_related("product__subject")
        .order_by("valid_until", "pk")[:limit]
    )
