"""Inspection visits: the checklist answers, notes and photos, the producer
representative's acknowledgment, corrective actions, and the close with its
outcome (``set_visit_state``): compliant; a warning with corrective actions
and deadlines (reminded once when a deadline passes, followed by a re-visit);
a proposal to revoke the certificate (``proposals.py``). Closing also closes
the complaints and clears the flags the visit resolved. Misused stamps are
voided through the stamps app."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.certification.domain.certificates import REVOCABLE
from ocop.certification.domain.decisions import producers_of
from ocop.certification.models import Certificate, RevocationGround
from ocop.core.domain.activity import log_action
from ocop.core.domain.notify import notify
from ocop.core.models import ActivityLog, SentReminder
from ocop.core.uploads import IMAGE_KINDS, check_upload
from ocop.core.workflow import Move, Transition, Workflow
from ocop.stamps.domain.batches import void_stamps
from ocop.stamps.domain.serials import normalise_serial
from ocop.stamps.enums import StampState
from ocop.stamps.models import Stamp

from ..enums import AnswerResult, ComplaintState, Outcome, ProposalState, VisitState
from ..models import Answer, Complaint, CorrectiveAction, Photo, RevocationProposal, Visit
from ..rules import may_manage_visit, may_record
from .complaints import set_complaint_state
from .flags import clear_stamp_flag

V = VisitState
NOTE_MAX = 4000


def _lock_for_recording(visit: Visit, by) -> Visit:
    visit = (
        Visit.objects.select_for_update(of=("self",)).select_related("province").get(pk=visit.pk)
    )
    if not may_record(by, visit):
        raise PermissionDenied(_("Only the assigned inspector records this visit."))
    return visit


def _check_open(visit: Visit) -> Visit:
    if visit.state != V.PLANNED:
        raise ValidationError(
            _("This visit is already %(state)s: it can no longer be changed.")
            % {"state": visit.get_state_display()},
            code="visit_closed",
        )
    return visit


def _open_for_recording(visit: Visit, by) -> Visit:
    return _check_open(_lock_for_recording(visit, by))


def received(*, visit: Visit, action: str, client_id: str) -> bool:
    """Whether the step ``action`` (a log action) made on the phone under
    ``client_id`` was already recorded for ``visit`` (a replay changes
    nothing, even once the visit is closed)."""
    return bool(client_id) and (
        ActivityLog.objects.filter(
            action=action, object_id=str(visit.pk), data__client_id=client_id[:64]
        ).exists()
    )


@transaction.atomic
def save_answers(
    *, visit: Visit, answers: dict, by, notes: str | None = None, client_id: str = ""
) -> tuple[Visit, bool]:
    """Record the checklist answers ``{item code: (result, note)}`` (and the
    visit's notes). With a ``client_id`` (an answer set made offline) the same
    set is recorded once: sent again, nothing changes. Returns the visit and
    whether anything was written."""
    visit = _lock_for_recording(visit, by)
    client_id = (client_id or "")[:64]
    if client_id and (
        client_id == visit.answers_client_id
        or received(visit=visit, action="ocop.inspection_visit.answered", client_id=client_id)
    ):
        return visit, False
    _check_open(visit)
    items = {item.code: item for item in visit.checklist.items.all()}
    errors = []
    rows = []
    for code, (result, note) in answers.items():
        item = items.get(str(code))
        if item is None:
            errors.append(_("“%(code)s” is not a question of this checklist.") % {"code": code})
        elif result not in AnswerResult.values:
            errors.append(_("Choose an answer for question %(code)s.") % {"code": code})
        elif len(note or "") > NOTE_MAX:
            errors.append(_("Keep the note of question %(code)s shorter.") % {"code": code})
        else:
            rows.append((item, result, (note or "").strip()))
    if errors:
        raise ValidationError(errors)
    for item, result, note in rows:
        Answer.objects.update_or_create(
            visit=visit, item=item, defaults={"result": result, "note": note}
        )
    fields = ["updated_at"]
    if notes is not None:
        visit.notes = notes.strip()
        fields.append("notes")
    if client_id:
        visit.answers_client_id = client_id[:64]
        fields.append("answers_client_id")
    visit.save(update_fields=fields)
    log_action(
        action="ocop.inspection_visit.answered",
        by=by,
        obj=visit,
        unit=visit.province,
        data={"answers": {i.code: r for i, r, _n in rows}, "client_id": client_id},
    )
    return visit, True


@transaction.atomic
def add_photo(
    *,
    visit: Visit,
    upload,
    by,
    caption: str = "",
    taken_at=None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    location_consent: bool = False,
    client_id: str = "",
) -> Photo:
    """Attach a photo (JPEG or PNG, checked by content) with its time (for a
    photo taken without a signal, ``taken_at`` from the phone, never later
    than now); its place is kept only when the producer's representative
    agreed to it. With a ``client_id`` (a photo taken without a signal) it is
    attached once."""
    visit = _lock_for_recording(visit, by)
    client_id = (client_id or "")[:64]
    if client_id:
        earlier = Photo.objects.filter(visit=visit, client_id=client_id).first()
        if earlier is not None:
            return earlier
    _check_open(visit)
    try:
        check_upload(upload, kinds=IMAGE_KINDS)
    except ValidationError as error:
        raise ValidationError({"photo": error.messages}) from error
    if not location_consent:
        latitude = longitude = None
    now = timezone.now()
    if taken_at is None or taken_at > now:  # a phone's clock ahead is not trusted
        taken_at = now
    photo = Photo.objects.create(
        visit=visit,
        file=upload,
        caption=(caption or "").strip()[:255],
        taken_at=taken_at,
        latitude=latitude,
        longitude=longitude,
        location_consent=bool(location_consent and latitude is not None),
        client_id=client_id,
        uploaded_by=by,
    )
    log_action(
        action="ocop.inspection_visit.photo_added",
        by=by,
        obj=visit,
        unit=visit.province,
        data={"photo": photo.pk, "located": photo.latitude is not None},
    )
    return photo


@transaction.atomic
def acknowledge(
    *, visit: Visit, name: str, title: str = "", confirmed: bool, by, client_id: str = ""
) -> Visit:
    """The producer's representative reads the record and acknowledges it.
    With a ``client_id`` (recorded without a signal) it is recorded once."""
    visit = _lock_for_recording(visit, by)
    client_id = (client_id or "")[:64]
    if received(visit=visit, action="ocop.inspection_visit.acknowledged", client_id=client_id):
        return visit
    _check_open(visit)
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Enter the name of the producer's representative.")
    if not confirmed:
        errors["confirmed"] = _("The representative must tick that they read the record.")
    if errors:
        raise ValidationError(errors)
    visit.representative_name, visit.representative_title = name[:200], (title or "").strip()[:200]
    visit.acknowledged, visit.acknowledged_at = True, timezone.now()
    visit.save(
        update_fields=[
            "representative_name",
            "representative_title",
            "acknowledged",
            "acknowledged_at",
            "updated_at",
        ]
    )
    log_action(
        action="ocop.inspection_visit.acknowledged",
        by=by,
        obj=visit,
        unit=visit.province,
        data={
            "name": visit.representative_name,
            "title": visit.representative_title,
            "client_id": client_id,
        },
    )
    return visit


@transaction.atomic
def add_corrective_action(
    *,
    visit: Visit,
    text: str,
    deadline: date,
    by,
    today: date | None = None,
    client_id: str = "",
) -> CorrectiveAction | None:
    """Require a corrective action with its deadline. With a ``client_id``
    (written without a signal) it is added once: sent again, nothing is
    added and None is returned."""
    visit = _lock_for_recording(visit, by)
    client_id = (client_id or "")[:64]
    if received(visit=visit, action="ocop.inspection_visit.action_added", client_id=client_id):
        return None
    _check_open(visit)
    today = today or timezone.localdate()
    text = (text or "").strip()
    errors = {}
    if not text:
        errors["text"] = _("Write what the producer must put right.")
    if deadline is None:
        errors["deadline"] = _("Enter the deadline.")
    elif deadline <= today:
        errors["deadline"] = _("The deadline must be after today.")
    if errors:
        raise ValidationError(errors)
    action = CorrectiveAction.objects.create(visit=visit, text=text, deadline=deadline)
    log_action(
        action="ocop.inspection_visit.action_added",
        by=by,
        obj=visit,
        unit=visit.province,
        data={"text": text, "deadline": deadline.isoformat(), "client_id": client_id},
    )
    return action


# The visit's workflow: planned → closed (with its outcome) or cancelled.


def revocable_certificate(product_id: int) -> Certificate | None:
    return (
        Certificate.objects.filter(product_id=product_id, status__in=REVOCABLE)
        .order_by("-decision_date", "-pk")
        .first()
    )


def _check_complete(visit: Visit, outcome: str) -> list[str]:
    problems = []
    answered = {a.item_id: a.result for a in visit.answers.all()}
    missing = [i.code for i in visit.checklist.items.all() if i.pk not in answered]
    if missing:
        problems.append(
            _("Answer every question first (missing: %(codes)s).") % {"codes": ", ".join(missing)}
        )
    if not visit.acknowledged:
        problems.append(_("The producer's representative has not acknowledged the record."))
    findings = sum(1 for r in answered.values() if r == AnswerResult.FINDING)
    if outcome == Outcome.COMPLIANT and findings:
        problems.append(_("A visit with findings cannot be closed as compliant."))
    if outcome in (Outcome.WARNING, Outcome.REVOKE) and not findings and not missing:
        problems.append(_("A warning or a revocation proposal needs at least one finding."))
    if outcome == Outcome.WARNING and not visit.actions.exists():
        problems.append(_("Add the corrective actions and their deadlines first."))
    return problems


def _next_number(visit: Visit, today: date) -> str:
    count = Visit.objects.filter(
        province=visit.province, state=V.CLOSED, visited_on__year=today.year
    ).count()
    return f"{count + 1:03d}/BB-KTSCN"


def _close(move: Move) -> None:
    visit, data = move.obj, move.data
    outcome = data.get("outcome", "")
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome of the visit.")})
    problems = _check_complete(visit, outcome)
    ground, evidence, certificate = data.get("ground"), (data.get("evidence") or "").strip(), None
    if outcome == Outcome.REVOKE:
        certificate = revocable_certificate(visit.product_id)
        if certificate is None:
            problems.append(_("The product has no certificate that could be revoked."))
        if not isinstance(ground, RevocationGround) or not ground.active:
            problems.append(_("Choose the ground for revocation."))
        if not evidence:
            problems.append(_("Describe the evidence for the revocation."))
    if problems:
        raise ValidationError(problems)
    visit.outcome = outcome
    visit.visited_on = data.get("visited_on") or move.today
    visit.number = visit.number or _next_number(visit, move.today)
    visit.closed_by, visit.closed_at = move.by, timezone.now()
    move.fields += ["outcome", "visited_on", "number", "closed_by", "closed_at", "updated_at"]
    move.log.update({"outcome": outcome, "number": visit.number})
    if data.get("client_id"):
        move.log["client_id"] = str(data["client_id"])[:64]
    if outcome == Outcome.REVOKE:
        proposal = RevocationProposal.objects.create(
            visit=visit,
            certificate=certificate,
            ground=ground,
            evidence=evidence,
            province=visit.province,
        )
        move.log.update({"proposal": proposal.pk, "certificate": certificate.pk})
        log_action(
            action="ocop.revocation_proposal.proposed",
            by=move.by,
            obj=proposal,
            unit=visit.province,
            data={"certificate": certificate.pk, "ground": ground.code, "visit": visit.pk},
        )
    if visit.follow_up_of_id and outcome == Outcome.COMPLIANT:
        resolved = CorrectiveAction.objects.filter(
            visit_id=visit.follow_up_of_id, resolved_by__isnull=True
        ).update(resolved_by=visit)
        move.log["actions_resolved"] = resolved
    move.log["complaints_closed"] = _close_complaints(visit, move, data.get("complaints") or ())
    move.log["flags_cleared"] = _clear_flags(visit, move, data.get("flags") or ())


def _resolution(visit: Visit) -> str:
    return _("Resolved by the inspection visit of %(day)s (record %(number)s).") % {
        "day": date_format(visit.visited_on, "SHORT_DATE_FORMAT"),
        "number": visit.number,
    }


def _close_complaints(visit: Visit, move: Move, ids) -> list[int]:
    closed = []
    for complaint in Complaint.objects.filter(
        pk__in=list(ids), product_id=visit.product_id
    ).exclude(state=ComplaintState.CLOSED):
        if complaint.state == ComplaintState.NEW:
            complaint = set_complaint_state(complaint=complaint, action="review", by=move.by)
        set_complaint_state(
            complaint=complaint, action="close", by=move.by, reason=_resolution(visit)
        )
        Complaint.objects.filter(pk=complaint.pk).update(closed_by_visit=visit)
        closed.append(complaint.pk)
    return closed


def _clear_flags(visit: Visit, move: Move, ids) -> list[int]:
    cleared = []
    for stamp in Stamp.objects.filter(
        pk__in=list(ids), batch__product_id=visit.product_id, flagged_at__isnull=False
    ):
        clear_stamp_flag(stamp=stamp, by=move.by, note=_resolution(visit), visit=visit)
        cleared.append(stamp.pk)
    return cleared


def _tell_producer(move: Move) -> None:
    visit = move.obj
    if move.action != "close":
        return
    notify(
        users=producers_of(visit.product.subject_id),
        text=_("The inspection of “%(product)s” is recorded: %(outcome)s.")
        % {"product": visit.product.name, "outcome": Outcome(visit.outcome).label},
        url="",
    )


VISIT_TRANSITIONS = (
    Transition(
        "close",
        gettext_lazy("Close the visit"),
        (V.PLANNED,),
        V.CLOSED,
        log="ocop.inspection_visit.closed",
        may=may_record,
        step=_close,
        notify=_tell_producer,
    ),
    Transition(
        "cancel",
        gettext_lazy("Cancel the visit"),
        (V.PLANNED,),
        V.CANCELLED,
        log="ocop.inspection_visit.cancelled",
        may=may_manage_visit,
        needs_reason=True,
    ),
)
VISIT_WORKFLOW = Workflow(
    model=Visit,
    states=VisitState,
    transitions=VISIT_TRANSITIONS,
    unit=lambda visit: visit.province,
    illegal=gettext_lazy("A visit that is “%(state)s” cannot be “%(action)s”."),
    forbidden=gettext_lazy("Only the assigned inspector closes this visit."),
    reason_missing=gettext_lazy("Say why the visit is cancelled."),
    reason_field="reason",
    related=("province", "product__subject", "checklist"),
)
visit_actions = VISIT_WORKFLOW.available


def set_visit_state(*, visit: Visit, action: str, by, reason: str = "", **data) -> Visit:
    """Close a visit with its outcome (``outcome``; ``ground`` and ``evidence``
    for a revocation proposal; the ``complaints`` and ``flags`` it resolved;
    ``visited_on``; ``client_id`` when closed without a signal), or cancel it
    with a reason; nothing is half-saved."""
    return VISIT_WORKFLOW.apply(obj=visit, action=action, by=by, reason=reason, **data)


CLOSED_LOG = "ocop.inspection_visit.closed"


def close_once(*, visit: Visit, by, client_id: str, **data) -> tuple[Visit, bool]:
    """Close a visit closed on the phone without a signal (``client_id``),
    through ``set_visit_state``: the same close sent again changes nothing
    (returns the visit and False); a visit closed or cancelled by someone
    else meanwhile is refused (``ValidationError`` code ``visit_closed``)."""
    client_id = (client_id or "")[:64]
    if not client_id:
        raise ValidationError(_("The answers carry no client id."))
    if received(visit=visit, action=CLOSED_LOG, client_id=client_id):
        return Visit.objects.get(pk=visit.pk), False
    try:
        return (
            set_visit_state(visit=visit, action="close", by=by, client_id=client_id, **data),
            True,
        )
    except ValidationError as error:
        if getattr(error, "code", None) != "illegal_transition":
            raise
        if received(visit=visit, action=CLOSED_LOG, client_id=client_id):  # sent twice at once
            return Visit.objects.get(pk=visit.pk), False
        raise ValidationError(" ".join(error.messages), code="visit_closed") from error


# Follow-up ------------------------------------------------------------------------------


def remind_overdue_actions(*, today: date) -> int:
    """Tell the inspector and the producer, once per corrective action and
    deadline, that a deadline passed and the re-visit is due. Returns how
    many reminders were sent."""
    sent = 0
    overdue = (
        CorrectiveAction.objects.filter(
            deadline__lt=today,
            resolved_by__isnull=True,
            visit__state=V.CLOSED,
            visit__outcome=Outcome.WARNING,
        )
        .select_related("visit__product__subject", "visit__inspector", "visit__province")
        .order_by("deadline", "pk")
    )
    for action in overdue:
        with transaction.atomic():
            _row, created = SentReminder.objects.get_or_create(
                key=f"inspection_action:{action.pk}:{action.deadline.isoformat()}"
            )
            if not created:
                continue
            visit = action.visit
            notify(
                users=[visit.inspector, *producers_of(visit.product.subject_id)],
                text=_(
                    "The deadline of %(deadline)s for “%(product)s” has passed: %(action)s. "
                    "A re-visit is due."
                )
                % {
                    "deadline": date_format(action.deadline, "SHORT_DATE_FORMAT"),
                    "product": visit.product.name,
                    "action": action.text[:200],
                },
                url=reverse("inspections:visit", args=[visit.pk]),
            )
            log_action(
                action="ocop.inspection_visit.action_overdue",
                obj=visit,
                unit=visit.province,
                data={"action": action.pk, "deadline": action.deadline.isoformat()},
            )
            sent += 1
    return sent


@transaction.atomic
def void_misused_stamps(*, visit: Visit, serials: str, by) -> int:
    """Void the product's stamps the visit found on other goods (serials one a
    line), through the stamps app (its permission: the province's officers)."""
    visit = Visit.objects.select_related("product").get(pk=visit.pk)
    if visit.state != V.CLOSED:
        raise ValidationError(_("Stamps are voided after the visit is closed."))
    listed = [normalise_serial(line) for line in (serials or "").splitlines() if line.strip()]
    if not listed:
        raise ValidationError({"serials": _("List the serials of the misused stamps.")})
    stamps = list(
        Stamp.objects.filter(
            serial__in=listed, batch__product=visit.product, state=StampState.ACTIVE
        ).select_related("batch")
    )
    unknown = sorted(set(listed) - {s.serial for s in stamps})
    if unknown:
        raise ValidationError(
            {
                "serials": _("Not an active stamp of this product: %(serials)s.")
                % {"serials": ", ".join(unknown[:20])}
            }
        )
    by_batch: dict = {}
    for stamp in stamps:
        by_batch.setdefault(stamp.batch, []).append(stamp.serial)
    reason = _("Misused stamps found by the inspection (record %(number)s).") % {
        "number": visit.number
    }
    count = sum(
        void_stamps(batch=batch, serials=serials_, reason=reason, by=by)
        for batch, serials_ in by_batch.items()
    )
    log_action(
        action="ocop.inspection_visit.stamps_voided",
        by=by,
        obj=visit,
        unit=visit.province,
        data={"serials": listed[:50], "count": count},
    )
    return count


def open_proposals_of(visit: Visit):
    return RevocationProposal.objects.filter(visit=visit, state=ProposalState.PROPOSED)
