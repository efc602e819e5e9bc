"""Back-office API: evaluation dossiers, council sessions and their results,
certificates, stamp batches (and stamp requests), activities and their
participants (and adding one). Reads through the same ``visible_to`` queries
as the pages; writes through the same domain functions, under the same rules
(a refusal is 403 or 422 with the domain's message)."""

from datetime import date, datetime, time
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from ocop.certification.domain.queries import certificates_visible_to, with_live_status
from ocop.cycles.domain.queries import dossiers_visible_to
from ocop.evaluation.domain.queries import can_see_scores, sessions_visible_to
from ocop.events import rules as event_rules
from ocop.events.domain import registrations
from ocop.events.domain.queries import activities_of_scope, activities_visible_to
from ocop.events.enums import Audience, RegistrationChannel
from ocop.producers.domain.queries import subjects_visible_to
from ocop.products.domain.queries import products_visible_to
from ocop.stamps.domain.batches import request_stamps
from ocop.stamps.domain.queries import batches_visible_to

from .auth import token_read, token_write
from .common import NOT_FOUND, WRITE_ERRORS, Page, code_of, one
from .paging import PageQuery, page

router = Router(tags=["back office: cycle, evaluation, certificates, stamps, events"])


class DossierOut(Schema):
    id: int
    kind: str
    state: str
    product_id: int
    subject_id: int
    commune_code: str | None
    province_code: str | None
    cycle_id: int | None


class DossierPage(Page):
    items: list[DossierOut]


def _dossier_out(d) -> dict:
    return {
        "id": d.pk,
        "kind": d.kind,
        "state": d.state,
        "product_id": d.product_id,
        "subject_id": d.subject_id,
        "commune_code": code_of(d.commune),
        "province_code": code_of(d.province),
        "cycle_id": d.cycle_id,
    }


def _dossiers(user):
    return dossiers_visible_to(user).select_related("commune", "province")


@router.get("/dossiers", response=DossierPage, auth=token_read, summary="Evaluation dossiers")
def dossiers(request, params: PageQuery, state: str = Query("", max_length=30)):
    rows = _dossiers(request.user)
    if state:
        rows = rows.filter(state=state)
    return page(rows, params, _dossier_out)


@router.get(
    "/dossiers/{dossier_id}",
    response={200: DossierOut, **NOT_FOUND},
    auth=token_read,
    summary="One evaluation dossier (404 outside the token's scope)",
)
def dossier(request, dossier_id: int):
    return _dossier_out(one(_dossiers(request.user), dossier_id))


class ResultOut(Schema):
    product_id: int
    status: str
    round: int
    score: Decimal | None
    star: int | None
    recognised_star: int | None
    achieved: bool | None
    proposed: bool


class SessionOut(Schema):
    id: int
    title: str
    council_id: int
    date: date
    start_time: time | None
    place: str
    state: str
    results: list[ResultOut]


class SessionPage(Page):
    items: list[SessionOut]


def _session_out(s, user) -> dict:
    results = []
    for item in s.items.all():
        shown = can_see_scores(user, item)
        score = None
        if shown and item.score_sum is not None and item.score_count:
            score = round(item.score_sum / item.score_count, 2)
        results.append(
            {
                "product_id": item.product_id,
                "status": item.status,
                "round": item.round,
                "score": score,
                "star": item.star if shown else None,
                "recognised_star": item.recognised_star if shown else None,
                "achieved": item.achieved if shown else None,
                "proposed": item.proposed,
            }
        )
    return {
        "id": s.pk,
        "title": s.title,
        "council_id": s.council_id,
        "date": s.date,
        "start_time": s.start_time,
        "place": s.place,
        "state": s.state,
        "results": results,
    }


def _sessions(user):
    return sessions_visible_to(user).prefetch_related("items")


@router.get(
    "/sessions",
    response=SessionPage,
    auth=token_read,
    summary="Council sessions and their results (scores once the person may see them)",
)
def sessions(request, params: PageQuery):
    return page(_sessions(request.user), params, lambda s: _session_out(s, request.user))


@router.get(
    "/sessions/{session_id}",
    response={200: SessionOut, **NOT_FOUND},
    auth=token_read,
    summary="One council session with its results",
)
def session(request, session_id: int):
    return _session_out(one(_sessions(request.user), session_id), request.user)


class OfficeCertificate(Schema):
    id: int
    number: str
    product_id: int
    product_name: str
    subject_id: int
    star: int
    decision_number: str
    decision_date: date | None
    valid_until: date | None
    status: str
    live_status: str


class OfficeCertificatePage(Page):
    items: list[OfficeCertificate]


def _certificate_out(c) -> dict:
    return {
        "id": c.pk,
        "number": c.number,
        "product_id": c.product_id,
        "product_name": c.product.name,
        "subject_id": c.product.subject_id,
        "star": c.star,
        "decision_number": c.decision_number,
        "decision_date": c.decision_date,
        "valid_until": c.valid_until,
        "status": c.status,
        "live_status": str(c.live),
    }


@router.get(
    "/certificates", response=OfficeCertificatePage, auth=token_read, summary="Certificates"
)
def certificates(request, params: PageQuery, product_id: int | None = None):
    rows = certificates_visible_to(request.user)
    if product_id is not None:
        rows = rows.filter(product_id=product_id)
    result = page(rows, params, lambda c: c)
    judged = with_live_status(result["items"], today=timezone.localdate())
    result["items"] = [_certificate_out(c) for c in judged]
    return result


class BatchOut(Schema):
    id: int
    product_id: int
    quantity: int
    state: str
    gtin: str
    production_batch_id: int | None
    note: str


class BatchPage(Page):
    items: list[BatchOut]


class StampRequestIn(Schema):
    product_id: int
    quantity: int = Field(..., ge=1, le=1_000_000)
    note: str = Field("", max_length=1000)


def _batch_out(b) -> dict:
    return {
        "id": b.pk,
        "product_id": b.product_id,
        "quantity": b.quantity,
        "state": b.state,
        "gtin": b.gtin,
        "production_batch_id": b.production_batch_id,
        "note": b.note,
    }


@router.get("/stamp-batches", response=BatchPage, auth=token_read, summary="Stamp batches")
def stamp_batches(request, params: PageQuery, product_id: int | None = None):
    rows = batches_visible_to(request.user)
    if product_id is not None:
        rows = rows.filter(product_id=product_id)
    return page(rows, params, _batch_out)


@router.post(
    "/stamp-batches",
    response={201: BatchOut, **WRITE_ERRORS},
    auth=token_write,
    summary="Request stamps for a product in force (the subject's people, its commune officer)",
)
def stamp_request(request, payload: StampRequestIn):
    product = one(products_visible_to(request.user), payload.product_id)
    batch = request_stamps(
        product=product, quantity=payload.quantity, note=payload.note, by=request.user
    )
    return Status(201, _batch_out(batch))


class ActivityOut(Schema):
    id: int
    title: str
    kind: str
    level: str
    state: str
    province_code: str | None
    commune_code: str | None
    starts_on: date
    ends_on: date
    place: str
    is_public: bool
    capacity: int | None


class ActivityPage(Page):
    items: list[ActivityOut]


def _activity_out(a) -> dict:
    return {
        "id": a.pk,
        "title": a.title,
        "kind": a.kind,
        "level": a.level,
        "state": a.state,
        "province_code": code_of(a.province),
        "commune_code": code_of(a.commune),
        "starts_on": a.starts_on,
        "ends_on": a.ends_on,
        "place": a.place,
        "is_public": a.is_public,
        "capacity": a.capacity,
    }


@router.get("/activities", response=ActivityPage, auth=token_read, summary="Activities")
def activities(request, params: PageQuery):
    rows = activities_visible_to(request.user).select_related("province", "commune")
    return page(rows, params, _activity_out)


class ParticipantOut(Schema):
    id: int
    full_name: str
    phone: str
    email: str
    organisation: str
    audience: str
    subject_id: int | None
    channel: str
    state: str
    registered_at: datetime | None


class ParticipantPage(Page):
    items: list[ParticipantOut]


class ParticipantIn(Schema):
    full_name: str = Field(..., min_length=1, max_length=150)
    audience: Audience
    phone: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    organisation: str = Field("", max_length=300)
    subject_id: int | None = None


def _participant_out(r) -> dict:
    return {
        "id": r.pk,
        "full_name": r.full_name,
        "phone": r.phone,
        "email": r.email,
        "organisation": r.organisation,
        "audience": r.audience,
        "subject_id": r.subject_id,
        "channel": r.channel,
        "state": r.state,
        "registered_at": r.created_at,
    }


def _managed_activity(user, activity_id: int):
    """An activity the person runs (as the participants page); any other: 404."""
    activity = one(activities_of_scope(user), activity_id)
    if not event_rules.can_manage(user, activity):
        raise Http404
    return activity


@router.get(
    "/activities/{activity_id}/participants",
    response={200: ParticipantPage, **NOT_FOUND},
    auth=token_read,
    summary="Participants of an activity the person runs",
)
def participants(request, activity_id: int, params: PageQuery):
    activity = _managed_activity(request.user, activity_id)
    return page(activity.registrations.all(), params, _participant_out)


@router.post(
    "/activities/{activity_id}/participants",
    response={201: ParticipantOut, **WRITE_ERRORS},
    auth=token_write,
    summary="Register a participant (as an officer on the participants page)",
)
def participant_add(request, activity_id: int, payload: ParticipantIn):
    activity = _managed_activity(request.user, activity_id)
    subject = None
    if payload.subject_id is not None:
        subject = one(subjects_visible_to(request.user), payload.subject_id)
    added = registrations.register(
        activity=activity,
        by=request.user,
        full_name=payload.full_name,
        phone=payload.phone,
        email=payload.email,
        organisation=payload.organisation,
        audience=payload.audience,
        subject=subject,
        channel=RegistrationChannel.OFFICER,
    )
    return Status(201, _participant_out(added))
