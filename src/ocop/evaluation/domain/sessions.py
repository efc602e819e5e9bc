"""Sessions: planning and rescheduling, agenda, attendance, conflicts of
interest, and the session's one state-transition function
``set_session_state``.

A session follows the calendar: while it is planned its title, date, start
time and place can change (``update_session``, logged old → new); scoring
opens on the session's date, and when it opens on another day the session's
date becomes the day it actually met, the planned date kept in the log entry
of the opening (``planned_date`` → ``date``), with the reason given if any."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.accounts.enums import Role
from ocop.accounts.models import RoleAssignment
from ocop.core.domain.activity import log_action
from ocop.core.domain.notify import notify
from ocop.core.workflow import Move, Transition, Workflow
from ocop.criteria.domain.queries import sheets_for_product_set
from ocop.criteria.domain.sheets import scoring_refusal

from ..enums import Body, ConflictKind, ConflictSource, ItemStatus, SessionState
from ..models import RECOGNISED, AgendaItem, Attendance, Conflict, Scoresheet, Session
from ..rules import can_manage_session, is_chair
from ..signals import item_withdrawn
from . import queries
from .scoring import compute_if_complete


@transaction.atomic
def create_session(*, council, by, title: str, date, place: str = "", start_time=None) -> Session:
    if not can_manage_session(by, Session(council=council)):
        raise PermissionDenied(_("You cannot plan sessions of this council."))
    if not council.active:
        raise ValidationError(_("This council is no longer active."))
    session = Session.objects.create(
        council=council,
        title=title,
        date=date,
        start_time=start_time,
        place=place,
        created_by=by,
    )
    Attendance.objects.bulk_create(
        [
            Attendance(session=session, member=m, present=False)
            for m in council.members.filter(active=True, body=Body.COUNCIL)
        ]
    )
    log_action(action="ocop.session.created", by=by, obj=session, unit=council.unit)
    return session


SCHEDULE_FIELDS = ("title", "date", "start_time", "place")
NOT_PLANNED = gettext_lazy(
    "Only a planned session can be edited or rescheduled: scoring of this session has "
    "already opened (it is “%(state)s”)."
)


def not_planned_message(session: Session) -> str:
    return str(NOT_PLANNED) % {"state": session.get_state_display()}


def _log_value(value) -> str:
    """A date as 2026-12-10, a time as 08:30, text as it is."""
    if value is None:
        return ""
    if isinstance(value, dt.time):
        return value.isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@transaction.atomic
def update_session(*, session: Session, by, **fields) -> Session:
    """Edit or reschedule a planned session: its title, date, start time and
    place. Refused once scoring has opened. Logs each change old → new
    (``ocop.session.rescheduled``); when the date, time or place changes, the
    council's members and advisory team are told the new schedule."""
    session = (
        Session.objects.select_for_update(of=("self",))
        .select_related("council__unit")
        .get(pk=session.pk)
    )
    if not can_manage_session(by, session):
        raise PermissionDenied(_("You cannot change this session."))
    if session.state != SessionState.PLANNED:
        raise ValidationError(not_planned_message(session), code="not_planned")
    unknown = set(fields) - set(SCHEDULE_FIELDS)
    if unknown:
        raise ValueError(f"Not a session field: {sorted(unknown)}")
    if "date" in fields and fields["date"] is None:
        raise ValidationError({"date": _("Enter the date of the session.")})
    changes = {}
    for name, value in fields.items():
        old = getattr(session, name)
        if isinstance(value, str):
            value = value.strip()
        if old != value:
            changes[name] = [_log_value(old), _log_value(value)]
            setattr(session, name, value)
    if changes:
        session.save(update_fields=list(changes))
        log_action(
            action="ocop.session.rescheduled",
            by=by,
            obj=session,
            unit=session.council.unit,
            data=changes,
        )
        if set(changes) & {"date", "start_time", "place"}:
            _tell_members(session)
    return session


def _tell_members(session: Session) -> None:
    when = date_format(session.date, "SHORT_DATE_FORMAT")
    if session.start_time is not None:
        when = f"{time_format(session.start_time, 'H:i')} {when}"
    members = session.council.members.filter(active=True).select_related("user")
    notify(
        users=[m.user for m in members],
        text=_("The session “%(title)s” is rescheduled: %(when)s, %(place)s.")
        % {"title": session.title, "when": when, "place": session.place or "—"},
        url=reverse("evaluation:session", args=[session.pk]),
    )


def _shown(name: str, value: str) -> str:
    if not value:
        return "—"
    if name in ("date", "planned_date"):
        return date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT")
    return value


def schedule_changes(entries) -> list[dict]:
    """The changes of date, time, place and title in a session's log
    ``entries`` (newest first, as ``history_for`` gives them), as lines
    "field: old → new", and the day scoring opened if it was not the
    planned one."""
    changes = []
    for entry in entries:
        data = entry.data or {}
        if entry.action == "ocop.session.rescheduled":
            lines = [
                f"{Session._meta.get_field(name).verbose_name}: "
                f"{_shown(name, old)} → {_shown(name, new)}"
                for name, (old, new) in data.items()
                if name in SCHEDULE_FIELDS
            ]
        elif entry.action == "ocop.session.open" and data.get("planned_date"):
            lines = [
                _("Scoring opened on %(date)s instead of the planned %(planned)s.")
                % {
                    "date": _shown("date", data["date"]),
                    "planned": _shown("date", data["planned_date"]),
                }
                + (f" {data['reason']}" if data.get("reason") else "")
            ]
        else:
            continue
        changes.append({"entry": entry, "lines": lines})
    return changes


def _require_planned(session, message=None):
    if session.state != SessionState.PLANNED:
        raise ValidationError(
            message or _("The agenda and attendance can only change before scoring opens.")
        )


@transaction.atomic
def add_item(
    *, session: Session, product, by, sheet=None, dossier=None, exception_reason: str = ""
) -> AgendaItem:
    """Put a product on the agenda, scored on ``sheet`` (by default the current
    sheet of its product set in force on the session date).

    A product comes onto an agenda through its evaluation ``dossier`` once the
    advisory team has pre-checked it (the cycles app schedules it and passes
    the dossier), or by an exception an officer records with its reason (e.g.
    re-evaluating a record kept on paper): logged and printed in the minutes."""
    if not can_manage_session(by, session):
        raise PermissionDenied(_("You cannot change this session's agenda."))
    _require_planned(session)
    exception_reason = (exception_reason or "").strip()
    if dossier is None and not exception_reason:
        raise ValidationError(
            _(
                "“%(product)s” has no dossier pre-checked by the advisory team for this "
                "session. Put it on the agenda from its dossier page, or record the reason "
                "for an exception (e.g. re-evaluation of a record kept on paper)."
            )
            % {"product": product}
        )
    if dossier is not None and getattr(dossier, "product_id", None) != product.pk:
        raise ValidationError(_("The dossier is about another product."))
    if session.items.filter(product=product).exists():
        raise ValidationError(_("This product is already on the agenda."))
    if sheet is None:
        if product.category_id is None:
            raise ValidationError(
                _("The product has no product set, so no criteria sheet can be chosen.")
            )
        sheet = sheets_for_product_set(product.category, on=session.date).first()
        if sheet is None:
            raise ValidationError(
                _("No criteria sheet of the product set “%(set)s” is in force on %(date)s.")
                % {"set": product.category, "date": date_format(session.date, "SHORT_DATE_FORMAT")}
            )
    order = (session.items.aggregate(m=Max("order"))["m"] or 0) + 1
    item = AgendaItem.objects.create(
        session=session,
        product=product,
        sheet=sheet,
        order=order,
        admission_exception="" if dossier is not None else exception_reason,
        exception_by=None if dossier is not None else by,
    )
    detect_conflicts(item=item)
    data = {"product": str(product), "sheet": str(sheet)}
    if dossier is not None:
        data["dossier"] = dossier.pk
    else:
        data["exception"] = exception_reason
    log_action(
        action="ocop.session.item_added" if dossier is not None else "ocop.session.item_exception",
        by=by,
        obj=session,
        unit=session.council.unit,
        data=data,
    )
    return item


@transaction.atomic
def remove_item(*, item: AgendaItem, by) -> None:
    session = item.session
    if not can_manage_session(by, session):
        raise PermissionDenied(_("You cannot change this session's agenda."))
    _require_planned(session)
    product = str(item.product)
    item.delete()
    log_action(
        action="ocop.session.item_removed",
        by=by,
        obj=session,
        unit=session.council.unit,
        data={"product": product},
    )


@transaction.atomic
def withdraw_item(*, item: AgendaItem, by, reason: str) -> AgendaItem:
    """Take a product off an open session (e.g. samples missing); the chair decides."""
    item = AgendaItem.objects.select_for_update().select_related("session").get(pk=item.pk)
    session = item.session
    if not is_chair(by, session):
        raise PermissionDenied(_("Only the chair can withdraw a product during the session."))
    if session.state != SessionState.OPEN:
        raise ValidationError(_("Products are withdrawn only while the session is scoring."))
    if item.status == ItemStatus.DECIDED:
        raise ValidationError(_("This product already has a result."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for withdrawing the product."))
    item.status = ItemStatus.WITHDRAWN
    item.withdrawal_reason = reason.strip()
    item.save(update_fields=["status", "withdrawal_reason"])
    item_withdrawn.send(sender=AgendaItem, item=item)
    log_action(
        action="ocop.session.item_withdrawn",
        by=by,
        obj=session,
        unit=session.council.unit,
        data={"product": str(item.product), "reason": reason},
    )
    return item


@transaction.atomic
def set_attendance(*, session: Session, present_member_ids, by) -> None:
    if not can_manage_session(by, session):
        raise PermissionDenied(_("You cannot record attendance for this session."))
    _require_planned(session)
    present = {int(i) for i in present_member_ids}
    members = session.council.members.filter(active=True, body=Body.COUNCIL)
    for member in members:
        Attendance.objects.update_or_create(
            session=session, member=member, defaults={"present": member.pk in present}
        )
    log_action(
        action="ocop.session.attendance",
        by=by,
        obj=session,
        unit=session.council.unit,
        data={"present": sorted(m.name for m in members if m.pk in present)},
    )


def detect_conflicts(*, item: AgendaItem) -> list[Conflict]:
    """Flag links the data shows between council members and the item's
    subject: the member is its consultant or producer account, or lives or
    works in the same commune. Flags are not recusals; the chair decides."""
    subject = item.product.subject
    found = []
    members = item.session.council.members.filter(active=True, body=Body.COUNCIL)
    linked_users = set(
        RoleAssignment.objects.active()
        .filter(subject=subject, role__in=[Role.CONSULTANT, Role.PRODUCER])
        .values_list("user_id", flat=True)
    )
    for member in members:
        kinds = []
        if member.user_id in linked_users:
            kinds.append((ConflictKind.CONSULTANT, _("The member's account acts for the subject.")))
        if member.commune_id and member.commune_id in (subject.commune_id, item.product.commune_id):
            kinds.append(
                (ConflictKind.SAME_COMMUNE, _("The member is from the subject's commune."))
            )
        for kind, note in kinds:
            conflict, created = Conflict.objects.get_or_create(
                item=item,
                member=member,
                kind=kind,
                defaults={"source": ConflictSource.DETECTED, "note": note},
            )
            if created:
                found.append(conflict)
    return found


@transaction.atomic
def declare_conflict(
    *, item: AgendaItem, member, kind: str, by, note: str = "", recuse: bool = True
) -> Conflict:
    """A member declares a conflict (or an officer/chair records one); with
    ``recuse`` the member does not score the product."""
    session = item.session
    is_self = member.user_id == getattr(by, "pk", None)
    if not (is_self or can_manage_session(by, session)):
        raise PermissionDenied(_("You cannot record conflicts for this session."))
    if session.state == SessionState.CLOSED:
        raise ValidationError(_("The session is closed."))
    conflict, _created = Conflict.objects.update_or_create(
        item=item,
        member=member,
        kind=kind,
        defaults={"source": ConflictSource.DECLARED, "note": note, "recorded_by": by},
    )
    log_action(
        action="ocop.session.conflict_declared",
        by=by,
        obj=session,
        unit=session.council.unit,
        data={"member": member.name, "product": str(item.product), "kind": kind, "note": note},
    )
    if recuse:
        set_recusal(conflict=conflict, recused=True, by=by)
    return conflict


@transaction.atomic
def set_recusal(*, conflict: Conflict, recused: bool, by) -> Conflict:
    item = AgendaItem.objects.select_for_update().get(pk=conflict.item_id)
    session = item.session
    is_self = conflict.member.user_id == getattr(by, "pk", None)
    if not (is_chair(by, session) or can_manage_session(by, session) or (is_self and recused)):
        raise PermissionDenied(_("Only the chair or the officer decides recusals."))
    if item.status == ItemStatus.DECIDED:
        raise ValidationError(_("This product already has a result; recusal can no longer change."))
    conflict.recused = recused
    conflict.save(update_fields=["recused"])
    if session.state == SessionState.OPEN:
        sheets = Scoresheet.objects.filter(item=item, member=conflict.member, round=item.round)
        if recused:
            sheets.delete()
        elif not sheets.exists():
            Scoresheet.objects.create(item=item, member=conflict.member, round=item.round)
    log_action(
        action="ocop.session.recusal",
        by=by,
        obj=session,
        unit=session.council.unit,
        data={"member": conflict.member.name, "product": str(item.product), "recused": recused},
    )
    if recused and session.state == SessionState.OPEN:
        compute_if_complete(item=item)
    return conflict


# The session's state machine --------------------------------------------------


def _open(move: Move) -> None:
    """Quorum reached and agenda set: the sheets of the expected scorers are
    created and scoring begins."""
    session = move.obj
    items = list(queries.agenda(session))
    if not items:
        raise ValidationError(_("The agenda is empty: add the products to evaluate."))
    refusals = sorted({r for r in (scoring_refusal(i.sheet) for i in items) if r})
    if refusals:
        raise ValidationError(refusals)
    q = queries.quorum(session)
    if not q["reached"]:
        message = _("No quorum: %(present)s of %(members)s members present, %(needed)s needed.") % q
        if session.council.quorum_requires_chair and not q["chair_present"]:
            message += " " + _("The chair must be present.")
        raise ValidationError(message)
    present = queries.present_members(session)
    recused = queries.recused_pairs(session)
    sheets = []
    for item in items:
        for member in queries.expected_scorers(item, present=present, recused=recused):
            sheets.append(Scoresheet(item=item, member=member, round=item.round))
    Scoresheet.objects.bulk_create(sheets, ignore_conflicts=True)
    session.items.filter(status=ItemStatus.WAITING).update(status=ItemStatus.SCORING)
    session.opened_at = timezone.now()
    move.fields.append("opened_at")
    held_on = move.today
    if session.date != held_on:
        # The council meets today, not on the planned day: the session's date
        # becomes the actual one (minutes, decision), the planned one is logged.
        move.log["planned_date"] = session.date.isoformat()
        move.log["date"] = held_on.isoformat()
        session.date = held_on
        move.fields.append("date")


def _close(move: Move) -> None:
    """Every product has its result; the reason given is the session's closing note."""
    session = move.obj
    pending = [
        str(i.product)
        for i in session.items.select_related("product")
        if i.status not in (ItemStatus.DECIDED, ItemStatus.WITHDRAWN)
    ]
    if pending:
        raise ValidationError(
            _("These products have no result yet: %(products)s.") % {"products": "; ".join(pending)}
        )
    session.closed_at = timezone.now()
    move.fields.append("closed_at")
    # Every recognised product waits for a recognition decision (none can be
    # drafted before the session closes); the certification app keeps it.
    session.awaiting_decision = session.items.filter(RECOGNISED).count()
    move.fields.append("awaiting_decision")
    if move.reason:
        session.note = move.reason
        move.fields.append("note")


TRANSITIONS = (
    Transition(
        "open",
        gettext_lazy("Open scoring"),
        (SessionState.PLANNED,),
        SessionState.OPEN,
        log="ocop.session.open",
        may=can_manage_session,
        step=_open,
        forbidden=gettext_lazy("Only the chair, the secretary or the office opens scoring."),
    ),
    Transition(
        "close",
        gettext_lazy("Close the session"),
        (SessionState.OPEN,),
        SessionState.CLOSED,
        log="ocop.session.closed",
        may=is_chair,
        step=_close,
        forbidden=gettext_lazy("Only the chair closes the session."),
    ),
)
WORKFLOW = Workflow(
    model=Session,
    states=SessionState,
    transitions=TRANSITIONS,
    unit=lambda session: session.council.unit,
    illegal=gettext_lazy("A session that is “%(state)s” cannot be “%(action)s”."),
    forbidden=gettext_lazy("You cannot change this session."),
    related=("council__unit",),
)
available = WORKFLOW.available  # (session, user) -> the buttons on the session page


def set_session_state(
    *, session: Session, action: str, by, reason: str = "", today=None
) -> Session:
    """Open scoring (planned → open) or close the session (open → closed, the
    reason being the closing note), or refuse with a reason. Opening on a day
    other than the session's date moves the date to that day (the reason, if
    given, says why; both dates are logged). ``today`` is the day the council
    meets, by default today (a meeting recorded afterwards gives its day)."""
    return WORKFLOW.apply(obj=session, action=action, by=by, reason=reason, today=today)


def can_open(user, session) -> bool:
    return session.state == SessionState.PLANNED and can_manage_session(user, session)


def can_close(user, session) -> bool:
    return session.state == SessionState.OPEN and is_chair(user, session)
