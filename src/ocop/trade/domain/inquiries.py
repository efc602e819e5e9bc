"""Buyers' inquiries (kết nối cung – cầu): filed without an account from a
product's or producer's public page, delivered to the subject's producers and
consultants and to its province's officers (inbox and e-mail, never showing
the producer's address to the buyer), then moved new → answered → closed
through one state-transition function, ``set_inquiry_state``."""

import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.core.domain.activity import log_action
from ocop.core.domain.notify import notify
from ocop.core.locks import serialize_on
from ocop.core.workflow import Move, Transition, Workflow

from ..enums import InquiryState
from ..models import Inquiry
from ..rules import can_handle_inquiry
from .queries import inquiry_recipients

S = InquiryState
NAME_MAX = 150
ORGANISATION_MAX = 255
CONTACT_MAX = 200
QUANTITY_MAX = 150
MESSAGE_MIN = 10
MESSAGE_MAX = 2000
NOTE_MAX = 2000
RATE_WINDOW_SECONDS = 3600
PHONE = re.compile(r"^\+?[0-9][0-9 .\-()]{7,18}$")


class TooManyInquiries(Exception):
    """A client sent more inquiries than allowed within the hour."""

    def __init__(self):
        super().__init__(
            _(
                "You have sent several inquiries in the last hour. Please wait an hour "
                "before sending another one, or contact the provincial OCOP office."
            )
        )


def _check_rate(fingerprint: str) -> None:
    """At most ``OCOP_INQUIRIES_PER_HOUR`` per client in any hour, counted from
    the inquiries themselves, one client's posts taken one at a time."""
    if not fingerprint:
        return
    serialize_on(f"inquiries:{fingerprint}")
    since = timezone.now() - timedelta(seconds=RATE_WINDOW_SECONDS)
    recent = Inquiry.objects.filter(fingerprint=fingerprint, created_at__gte=since)
    if recent.count() >= settings.OCOP_INQUIRIES_PER_HOUR:
        raise TooManyInquiries


def _valid_contact(contact: str) -> bool:
    if "@" in contact:
        try:
            validate_email(contact)
        except ValidationError:
            return False
        return True
    return bool(PHONE.match(contact)) and sum(c.isdigit() for c in contact) >= 8


def _validate(*, name, organisation, contact, quantity, message) -> None:
    errors = {}
    if not name:
        errors["name"] = _("Give your name.")
    elif len(name) > NAME_MAX:
        errors["name"] = _("Keep this under %(n)s characters.") % {"n": NAME_MAX}
    if len(organisation) > ORGANISATION_MAX:
        errors["organisation"] = _("Keep this under %(n)s characters.") % {"n": ORGANISATION_MAX}
    if not contact:
        errors["contact"] = _("Give a phone number or an e-mail address to answer you.")
    elif len(contact) > CONTACT_MAX or not _valid_contact(contact):
        errors["contact"] = _("Give a phone number (e.g. 0912 345 678) or an e-mail address.")
    if len(quantity) > QUANTITY_MAX:
        errors["quantity"] = _("Keep this under %(n)s characters.") % {"n": QUANTITY_MAX}
    if len(message) < MESSAGE_MIN:
        errors["message"] = _("Write your request in at least %(n)s characters.") % {
            "n": MESSAGE_MIN
        }
    elif len(message) > MESSAGE_MAX:
        errors["message"] = _("Keep the message under %(n)s characters.") % {"n": MESSAGE_MAX}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def file_inquiry(
    *,
    subject,
    product=None,
    name: str,
    contact: str,
    message: str,
    organisation: str = "",
    quantity: str = "",
    fingerprint: str = "",
) -> Inquiry:
    """File a buyer's inquiry to ``subject`` (about ``product``, one of its
    products, when given). Raises ValidationError for bad input and
    TooManyInquiries beyond the hourly limit per client."""
    name, organisation, contact, quantity = (
        " ".join((value or "").split()) for value in (name, organisation, contact, quantity)
    )
    message = (message or "").strip()
    _validate(
        name=name, organisation=organisation, contact=contact, quantity=quantity, message=message
    )
    if product is not None and product.subject_id != subject.pk:
        raise ValidationError(_("This product is not one of the producer's."))
    _check_rate(fingerprint)
    inquiry = Inquiry.objects.create(
        subject=subject,
        product=product,
        province_id=subject.province_id,
        commune_id=subject.commune_id,
        name=name,
        organisation=organisation,
        contact=contact,
        quantity=quantity,
        message=message,
        fingerprint=fingerprint,
    )
    log_action(
        action="ocop.inquiry.filed",
        obj=inquiry,
        unit=subject.commune,
        data={"subject": subject.pk, "product": product.pk if product else None},
    )
    with translation.override(settings.LANGUAGE_CODE):
        if product is not None:
            text = _("A buyer asks about “%(product)s” (%(subject)s).") % {
                "product": product.name,
                "subject": subject.name,
            }
        else:
            text = _("A buyer asks about the products of %(subject)s.") % {"subject": subject.name}
    notify(
        users=inquiry_recipients(inquiry),
        text=text,
        url=reverse("trade:inquiry", args=[inquiry.pk]),
    )
    return inquiry


def _handled(move: Move) -> None:
    inquiry = move.obj
    inquiry.handled_by = move.by
    move.fields.append("handled_by")
    if move.reason:
        inquiry.note = move.reason[:NOTE_MAX]
        move.fields.append("note")


def _answered(move: Move) -> None:
    move.obj.answered_at = timezone.now()
    move.fields.append("answered_at")


def _closed(move: Move) -> None:
    move.obj.closed_at = timezone.now()
    move.fields.append("closed_at")


TRANSITIONS = (
    Transition(
        "answer",
        gettext_lazy("Mark as answered"),
        (S.NEW,),
        S.ANSWERED,
        log="ocop.inquiry.answered",
        may=can_handle_inquiry,
        step=_answered,
    ),
    Transition(
        "close",
        gettext_lazy("Close"),
        (S.NEW, S.ANSWERED),
        S.CLOSED,
        log="ocop.inquiry.closed",
        may=can_handle_inquiry,
        step=_closed,
    ),
)
WORKFLOW = Workflow(
    model=Inquiry,
    states=InquiryState,
    transitions=TRANSITIONS,
    unit=lambda inquiry: inquiry.commune,
    illegal=gettext_lazy("An inquiry that is “%(state)s” cannot be “%(action)s”."),
    forbidden=gettext_lazy("You cannot handle the inquiries of this producer."),
    reason_field="note",
    related=("commune",),
    step=_handled,
)
available = WORKFLOW.available  # (inquiry, user) -> the buttons on its page


def set_inquiry_state(*, inquiry: Inquiry, action: str, by, reason: str = "") -> Inquiry:
    """Take ``action`` on an inquiry (answer, close; the reason is the note
    of what was answered or why it was closed) or refuse."""
    return WORKFLOW.apply(obj=inquiry, action=action, by=by, reason=reason)
