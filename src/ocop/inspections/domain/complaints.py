"""Consumer complaints ("report a suspected fake"): filed without an account
from the verification page, routed to the product's province (the central
office when the code is unknown), then handled by officers through one
state-transition function, ``set_complaint_state``."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.core.domain.activity import log_action
from ocop.core.domain.notify import notify
from ocop.core.locks import serialize_on
from ocop.core.workflow import Move, Transition, Workflow
from ocop.stamps.domain.verify import clean_code, lookup

from ..enums import ComplaintKind, ComplaintState
from ..models import Complaint
from ..rules import can_handle
from .queries import handlers_of

S = ComplaintState
MESSAGE_MIN = 10
MESSAGE_MAX = 2000
PLACE_MAX = 300
CONTACT_MAX = 200
RATE_WINDOW_SECONDS = 3600


class TooManyComplaints(Exception):
    """A client filed more complaints than allowed within the hour."""

    def __init__(self):
        super().__init__(
            _(
                "You have sent several reports in the last hour. Thank you: please wait "
                "an hour before sending another one, or contact the provincial OCOP office."
            )
        )


def _check_rate(fingerprint: str) -> None:
    """At most ``OCOP_COMPLAINTS_PER_HOUR`` reports per client in any hour,
    counted from the reports themselves (exact, shared by every web process,
    not reset by a cache). Reports from one client are taken one at a time, so
    parallel posts cannot all slip under the limit."""
    if not fingerprint:
        return
    serialize_on(f"complaints:{fingerprint}")
    since = timezone.now() - timedelta(seconds=RATE_WINDOW_SECONDS)
    recent = Complaint.objects.filter(fingerprint=fingerprint, created_at__gte=since)
    if recent.count() >= settings.OCOP_COMPLAINTS_PER_HOUR:
        raise TooManyComplaints


def _validate(message: str, place: str, contact: str) -> None:
    errors = {}
    if len(message) < MESSAGE_MIN:
        errors["message"] = _("Describe what you saw in at least %(n)s characters.") % {
            "n": MESSAGE_MIN
        }
    elif len(message) > MESSAGE_MAX:
        errors["message"] = _("Keep the description under %(n)s characters.") % {"n": MESSAGE_MAX}
    if len(place) > PLACE_MAX:
        errors["place"] = _("Keep this under %(n)s characters.") % {"n": PLACE_MAX}
    if len(contact) > CONTACT_MAX:
        errors["contact"] = _("Keep this under %(n)s characters.") % {"n": CONTACT_MAX}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def file_complaint(
    *,
    code: str,
    message: str,
    place: str = "",
    contact: str = "",
    fingerprint: str = "",
    kind: str = ComplaintKind.SUSPECTED_FAKE,
) -> Complaint:
    """File a consumer's report about the scanned ``code`` (a path such as
    ``s/{token}``; anything else is kept as typed). Raises ValidationError
    for bad input and TooManyComplaints beyond the hourly limit per client."""
    message, place, contact = message.strip(), place.strip(), contact.strip()
    _validate(message, place, contact)
    _check_rate(fingerprint)
    code = clean_code(code)
    stamp, product = lookup(code)
    province = product.province if product is not None else None
    complaint = Complaint.objects.create(
        kind=kind,
        code=code,
        stamp=stamp,
        product=product,
        province=province,
        message=message,
        place=place,
        contact=contact,
        fingerprint=fingerprint,
    )
    log_action(
        action="ocop.complaint.filed",
        obj=complaint,
        unit=province,
        data={
            "code": code,
            "stamp": stamp.serial if stamp else None,
            "product": product.pk if product else None,
        },
    )
    with translation.override(settings.LANGUAGE_CODE):
        if product is not None:
            text = _("A consumer reported a suspected fake of “%(product)s”.") % {
                "product": product.name
            }
        else:
            text = _("A consumer reported a suspected fake OCOP code: %(code)s") % {"code": code}
    notify(
        users=handlers_of(province),
        text=text,
        url=reverse("inspections:complaint", args=[complaint.pk]),
    )
    return complaint


def may_handle(user, complaint: Complaint) -> bool:
    return can_handle(user, complaint.province)


def _handled(move: Move) -> None:
    """Every transition records who handled the complaint and when."""
    complaint = move.obj
    complaint.handled_by = move.by
    complaint.handled_at = timezone.now()
    move.fields += ["handled_by", "handled_at"]


def _close(move: Move) -> None:
    move.obj.resolution = move.reason
    move.fields.append("resolution")


TRANSITIONS = (
    Transition(
        "review",
        gettext_lazy("Start reviewing"),
        (S.NEW,),
        S.IN_REVIEW,
        log="ocop.complaint.transition",
        may=may_handle,
    ),
    Transition(
        "close",
        gettext_lazy("Close"),
        (S.IN_REVIEW,),
        S.CLOSED,
        log="ocop.complaint.transition",
        may=may_handle,
        needs_reason=True,
        step=_close,
    ),
    Transition(
        "reopen",
        gettext_lazy("Reopen"),
        (S.CLOSED,),
        S.IN_REVIEW,
        log="ocop.complaint.transition",
        may=may_handle,
    ),
)
WORKFLOW = Workflow(
    model=Complaint,
    states=ComplaintState,
    transitions=TRANSITIONS,
    unit=lambda complaint: complaint.province,
    illegal=gettext_lazy("A complaint that is “%(state)s” cannot be “%(action)s”."),
    forbidden=gettext_lazy("You cannot handle complaints of this province."),
    reason_missing=gettext_lazy("Write what was found and done."),
    reason_field="resolution",
    step=_handled,
)
available = WORKFLOW.available  # (complaint, user) -> the actions on the complaint page


def set_complaint_state(*, complaint: Complaint, action: str, by, reason: str = "") -> Complaint:
    """Take ``action`` on a complaint (new → in review → closed, closing with
    what was found and done as the reason) or refuse; nothing is half-saved."""
    return WORKFLOW.apply(obj=complaint, action=action, by=by, reason=reason)
