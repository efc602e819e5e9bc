"""Stamp batches: a subject requests stamps for a certified product, an
officer approves (the serials are allocated and the stamps created) or
rejects, the requester may cancel while it waits; stamps are voided one by
one, several at once, or the whole batch.

``set_batch_state`` is the batch's one state-transition function, with its
explicit table. A large batch's stamps are created afterwards by a
background task (``making.py``). Allocation is safe when two batches are approved at the same
moment: the series' counter row is locked (``select_for_update``) for the
whole transaction that creates the stamps, so two batches never share a
serial and a failed approval leaves no stamps and no gap.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.accounts.models import RoleAssignment
from ocop.certification.domain.queries import current_certificate
from ocop.certification.domain.status import is_in_force, live_status
from ocop.certification.enums import AuthorityLevel, LiveStatus
from ocop.core.domain.activity import log_action
from ocop.core.domain.notify import notify
from ocop.core.workflow import Move, Transition, Workflow

from .. import rules
from ..enums import RequestState, StampState
from ..models import SerialCounter, Stamp, StampBatch
from . import labels, making
from .links import new_stamp_token
from .serials import MAX_NUMBER, format_serial, parse_serial, series_for

BULK_SIZE = 2000
LOGGED_SERIALS = 200  # at most this many voided serials are listed in the log entry


def max_per_request() -> int:
    return settings.OCOP_STAMPS_MAX_PER_REQUEST


# The certificate ------------------------------------------------------------------


def certificate_in_force(product, *, today):
    """The certificate that allows stamps for the product today, or a
    ``ValidationError`` saying why there is none."""
    certificate = current_certificate(product)
    if certificate is None:
        raise ValidationError(
            _("This product has no OCOP certificate, so no stamps can be issued for it."),
            code="no_certificate",
        )
    status = live_status(certificate, today=today)
    if is_in_force(status):
        return certificate
    if status == LiveStatus.REVOKED:
        raise ValidationError(
            _(
                "The product's OCOP certificate has been revoked, so no stamps can be issued "
                "for it."
            ),
            code="revoked",
        )
    if status == LiveStatus.EXPIRED and certificate.valid_until:
        raise ValidationError(
            _(
                "The product's OCOP certificate expired on %(date)s: stamps are issued only "
                "while a certificate is in force."
            )
            % {"date": date_format(certificate.valid_until, "SHORT_DATE_FORMAT")},
            code="expired",
        )
    raise ValidationError(
        _(
            "The product's OCOP certificate is not in force (%(status)s), so no stamps can be "
            "issued."
        )
        % {"status": status.label},
        code="not_in_force",
    )


# Request ---------------------------------------------------------------------------


@transaction.atomic
def request_stamps(*, product, quantity, production_batch=None, note: str = "", by) -> StampBatch:
    """The producer side asks for ``quantity`` stamps for a product whose
    certificate is in force, optionally for one of its production batches."""
    if not rules.can_request(by, product):
        raise PermissionDenied(
            _("Only the subject's own people (or its commune officer) can request its stamps.")
        )
    errors: dict[str, list[str]] = {}
    limit = max_per_request()
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        errors["quantity"] = [_("Give the number of stamps as a whole number.")]
    elif not 1 <= quantity <= limit:
        errors["quantity"] = [
            _("Request between 1 and %(max)s stamps at a time.") % {"max": _number(limit)}
        ]
    if production_batch is not None and production_batch.product_id != product.pk:
        errors["production_batch"] = [_("This production batch is not a batch of this product.")]
    if errors:
        raise ValidationError(errors)
    certificate = certificate_in_force(product, today=timezone.localdate())
    batch = StampBatch.objects.create(
        product=product,
        certificate=certificate,
        production_batch=production_batch,
        gtin=product.gtin or "",
        quantity=quantity,
        note=note.strip(),
        requested_by=by,
    )
    log_action(
        action="ocop.stamp_batch.requested",
        by=by,
        obj=batch,
        unit=product.commune,
        data={
            "product": product.name,
            "quantity": quantity,
            "production_batch": production_batch.lot_code if production_batch else "",
            "certificate": certificate.number or certificate.decision_number,
            "note": batch.note,
        },
    )
    notify(
        users=issuers_of(product),
        text=_("%(subject)s requests %(quantity)s OCOP stamps for “%(product)s”.")
        % {
            "subject": product.subject.name,
            "quantity": _number(quantity),
            "product": product.name,
        },
        url=reverse("stamps:batch", args=[batch.pk]),
    )
    return batch


def _number(value: int) -> str:
    """A whole number with the locale's thousands separator (100.000 in Vietnamese)."""
    return number_format(value, force_grouping=True)


def issuers_of(product) -> list:
    """Provincial officers of the product's province: they approve requests."""
    rows = (
        RoleAssignment.objects.active()
        .filter(unit=product.province, role__in=rules.ISSUER_ROLES)
        .select_related("user")
    )
    return [a.user for a in rows]


# The batch's transitions -------------------------------------------------------------


def _approve(move: Move) -> None:
    """Allocate the serials and create the stamps (a large batch's label
    sheets are queued too)."""
    batch = move.obj
    certificate = certificate_in_force(batch.product, today=move.today)
    _allocate(batch, certificate=certificate)
    move.fields += ["certificate", "series", "first_number", "last_number"]
    move.log.update(
        first=format_serial(batch.series, batch.first_number),
        last=format_serial(batch.series, batch.last_number),
        certificate=certificate.number or certificate.decision_number,
    )
    if making.in_background(batch):
        # A large batch's stamps are created by a task, chunk by chunk; its
        # label sheets are queued when the last chunk is made.
        move.fields += making.queue_making(batch)
    elif batch.quantity > labels.direct_limit():
        labels.prepare_label_sheet(batch=batch, by=move.by)


def _decided(move: Move) -> None:
    """Every transition records who decided, when and why."""
    batch = move.obj
    batch.decided_by = move.by
    batch.decided_at = timezone.now()
    batch.reason = move.reason
    move.fields += ["decided_by", "decided_at", "reason"]


def _tell_requester(move: Move) -> None:
    _notify_requester(move.obj, reason=move.reason)


TRANSITIONS = (
    Transition(
        "approve",
        gettext_lazy("Approve and issue the stamps"),
        (RequestState.REQUESTED,),
        RequestState.APPROVED,
        log="ocop.stamp_batch.approved",
        may=rules.can_decide,
        step=_approve,
        notify=_tell_requester,
    ),
    Transition(
        "reject",
        gettext_lazy("Reject the request"),
        (RequestState.REQUESTED,),
        RequestState.REJECTED,
        log="ocop.stamp_batch.rejected",
        may=rules.can_decide,
        needs_reason=True,
        notify=_tell_requester,
    ),
    Transition(
        "cancel",
        gettext_lazy("Cancel the request"),
        (RequestState.REQUESTED,),
        RequestState.CANCELLED,
        log="ocop.stamp_batch.cancelled",
        may=rules.can_cancel,
    ),
)
WORKFLOW = Workflow(
    model=StampBatch,
    states=RequestState,
    transitions=TRANSITIONS,
    unit=lambda batch: batch.product.commune,
    illegal=gettext_lazy("A stamp request that is “%(state)s” cannot be “%(action)s”."),
    forbidden=gettext_lazy("You cannot do this on this stamp request."),
    reason_missing=gettext_lazy("Say why the request is rejected."),
    related=("product__subject", "product__commune", "product__province"),
    step=_decided,
)
available = WORKFLOW.available  # (batch, user) -> the buttons on the batch page


def set_batch_state(*, batch: StampBatch, action: str, by, reason: str = "") -> StampBatch:
    """Approve, reject or cancel a request, or refuse with a reason; nothing
    is half-saved. Approval allocates the serials and creates the stamps."""
    return WORKFLOW.apply(obj=batch, action=action, by=by, reason=reason)


def _ensure_counter(series: str) -> None:
    """Create the series' counter row if it is the first batch of the series.
    In its own savepoint: when two first-ever approvals race, the loser's
    insert fails on the unique series and it simply locks the winner's row."""
    if SerialCounter.objects.filter(series=series).exists():
        return
    try:
        with transaction.atomic():
            SerialCounter.objects.create(series=series)
    except IntegrityError:
        pass


def _allocate(batch: StampBatch, *, certificate) -> None:
    """Take ``batch.quantity`` consecutive numbers of the series and create
    the stamps. The counter row stays locked until the transaction ends."""
    series = series_for(
        province_code=batch.product.province.code,
        central=certificate.authority_level == AuthorityLevel.CENTRAL,
    )
    _ensure_counter(series)
    counter = SerialCounter.objects.select_for_update().get(series=series)
    first = counter.next_number
    last = first + batch.quantity - 1
    if last > MAX_NUMBER:
        raise ValidationError(
            _("The serial numbers of series %(series)s are used up; ask the administrator.")
            % {"series": series}
        )
    counter.next_number = last + 1
    counter.save(update_fields=["next_number"])
    batch.certificate = certificate
    batch.series = series
    batch.first_number = first
    batch.last_number = last
    if making.in_background(batch):
        return  # the stamps are created by the task
    Stamp.objects.bulk_create(
        (
            Stamp(batch=batch, serial=format_serial(series, number), token=new_stamp_token())
            for number in range(first, last + 1)
        ),
        batch_size=BULK_SIZE,
    )


def _notify_requester(batch: StampBatch, *, reason: str) -> None:
    product = batch.product
    if batch.state == RequestState.APPROVED:
        text = _(
            "Your request for %(quantity)s OCOP stamps for “%(product)s” is approved: "
            "serials %(first)s to %(last)s."
        ) % {
            "quantity": _number(batch.quantity),
            "product": product.name,
            "first": format_serial(batch.series, batch.first_number),
            "last": format_serial(batch.series, batch.last_number),
        }
    else:
        text = _(
            "Your request for %(quantity)s OCOP stamps for “%(product)s” is rejected: %(reason)s"
        ) % {
            "quantity": _number(batch.quantity),
            "product": product.name,
            "reason": reason[:300],
        }
    notify(users=[batch.requested_by], text=text, url=reverse("stamps:batch", args=[batch.pk]))


# Voiding -------------------------------------------------------------------------


@transaction.atomic
def _void_target(batch: StampBatch, serials):
    """The active stamps ``serials`` names (all when None) and the parsed
    serials; refuses a malformed, foreign or already voided serial."""
    active = Stamp.objects.filter(batch=batch, state=StampState.ACTIVE)
    if serials is None:
        return active, []
    listed = _parse_serials(serials)
    found = set(active.filter(serial__in=listed).values_list("serial", flat=True))
    missing = [s for s in listed if s not in found]
    if missing:
        raise ValidationError(
            _("Not an active stamp of this batch: %(serials)s.")
            % {"serials": ", ".join(missing[:20]) + (" …" if len(missing) > 20 else "")}
        )
    return active.filter(serial__in=listed), listed


def void_preview(*, batch: StampBatch, serials=None) -> tuple[int, list[str]]:
    """What ``void_stamps`` would void (for its confirmation step): how many
    stamps and the serials listed; refuses as it would, changing nothing."""
    if batch.state != RequestState.APPROVED:
        raise ValidationError(_("Only stamps of an approved batch can be voided."))
    target, listed = _void_target(batch, serials)
    return target.count(), listed


@transaction.atomic
def void_stamps(*, batch: StampBatch, serials=None, reason: str, by) -> int:
    """Void active stamps of an approved batch: the ``serials`` listed (as
    typed: any case, spaces or dashes), or the whole batch when ``serials``
    is None. The public page then says the stamp is voided. Returns how many
    stamps were voided; refuses (changing nothing) if any listed serial is
    malformed, not in this batch, or already voided."""
    batch = (
        StampBatch.objects.select_for_update(of=("self",))
        .select_related("product__subject", "product__commune")
        .get(pk=batch.pk)
    )
    if not rules.can_void(by, batch):
        raise PermissionDenied(_("You cannot void the stamps of this batch."))
    if batch.state != RequestState.APPROVED:
        raise ValidationError(_("Only stamps of an approved batch can be voided."))
    making.check_made(batch)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the stamps are voided."))
    target, listed = _void_target(batch, serials)
    now = timezone.now()
    count = target.update(state=StampState.VOIDED, voided_at=now, voided_by=by, void_reason=reason)
    if count == 0:
        raise ValidationError(_("This batch has no active stamp left to void."))
    log_action(
        action="ocop.stamp.voided",
        by=by,
        obj=batch,
        unit=batch.product.commune,
        data={
            "count": count,
            "whole_batch": serials is None,
            "serials": listed[:LOGGED_SERIALS],
            "reason": reason,
        },
    )
    labels.discard_label_sheet(batch=batch)
    return count


def _parse_serials(serials) -> list[str]:
    """Distinct canonical serials, in the order given; every bad one is reported."""
    if isinstance(serials, str):
        serials = serials.splitlines()
    canonical: list[str] = []
    problems: list[str] = []
    for text in serials:
        if not str(text).strip():
            continue
        try:
            serial = str(parse_serial(text))
        except ValidationError as error:
            problems.extend(error.messages)
            continue
        if serial not in canonical:
            canonical.append(serial)
    if problems:
        raise ValidationError(problems)
    if not canonical:
        raise ValidationError(_("List the serials of the stamps to void."))
    return canonical
