"""Recording production batches and their traceability events.

Rules checked here (each with its own message, and nothing is saved when one
fails):

* The lot code is what is printed on the pack and, when the product has a
  GTIN, encoded in GS1 barcodes and links as AI (10) "batch/lot". It is
  therefore 1 to 20 characters, letters without accents, digits and
  ``- . / _`` (a subset of the GS1 AI character set 82 that needs no escaping
  on a label), and unique per product (ignoring case: "lo1" and "LO1" would be
  the same lot to a reader).
* The production date is not in the future; the use-by date, when given, is
  after it; the quantity is positive.
* An event's time is not in the future, and not more than
  ``EARLIEST_EVENT_BEFORE_PRODUCTION`` before the batch's production date:
  raw material is harvested and processed before the lot is made, sometimes
  long before (fish sauce ferments 12–24 months, rice wine and tea are aged),
  so three years are allowed; anything earlier is almost certainly a typing
  mistake in the year.
* A GLN has 13 digits with a correct GS1 check digit. An event's quantity,
  when given, is in the batch's unit, positive and at most the batch quantity.

History: batch changes are logged with old and new values. Events are
append-only. A wrong event is never edited or deleted: as in EPCIS 2.0
(errorDeclaration) it is *declared* wrong — either corrected, by a new event
that points to it (``correct_event``), or withdrawn because it did not take
place (``withdraw_event``). Both keep the original as it was recorded.
"""

import datetime
import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from ocop.core.domain.activity import changed_fields, log_action
from ocop.products.validators import gtin_check_digit
from ocop.traceability.enums import BizStep, ErrorReason
from ocop.traceability.models import ProductionBatch, TraceEvent
from ocop.traceability.rules import can_record

LOT_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9./_-]{0,19}")
EARLIEST_EVENT_BEFORE_PRODUCTION = datetime.timedelta(days=3 * 365 + 1)
BATCH_FIELDS = (
    "lot_code",
    "production_date",
    "expiry_date",
    "quantity",
    "unit",
    "standards",
    "note",
)
EVENT_FIELDS = ("biz_step", "event_time", "place", "gln", "quantity", "description")

# An event that is still in force may be declared wrong once, for one of these
# reasons; a declared event is final (a correction is corrected in its turn).
ERROR_TRANSITIONS = {
    "in_force": {ErrorReason.INCORRECT_DATA, ErrorReason.DID_NOT_OCCUR},
}


def normalise_gln(value) -> str:
    return "".join(str(value or "").split())


def validate_gln(value: str) -> None:
    """A Global Location Number: 13 digits, the last one a GS1 check digit."""
    if not value.isdigit() or len(value) != 13:
        raise ValidationError(_("A location code (GLN) has exactly 13 digits."), code="gln_format")
    expected = gtin_check_digit(value[:-1])
    if expected != int(value[-1]):
        raise ValidationError(
            _("The check digit of this GLN is wrong: the last digit should be %(digit)s.")
            % {"digit": expected},
            code="gln_check",
        )


def amount(value: Decimal) -> str:
    """A quantity for a message: no useless decimals, grouped, localised."""
    whole = value == value.to_integral_value()
    return number_format(
        value.quantize(Decimal(1)) if whole else value.normalize(), force_grouping=True
    )


def _refuse_unless_recorder(by, product) -> None:
    if not can_record(by, product):
        raise PermissionDenied(
            _(
                "Only the producer of this product, or a commune officer acting for them, "
                "can record its production batches."
            )
        )


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _check_batch(batch: ProductionBatch) -> None:
    errors: dict[str, list] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if not batch.lot_code:
        add("lot_code", _("Enter the lot code printed on the pack."))
    elif not LOT_CODE.fullmatch(batch.lot_code):
        add(
            "lot_code",
            _(
                "A lot code has 1 to 20 characters: letters without accents, digits and "
                "- . / _ (it must fit in a GS1 barcode)."
            ),
        )
    elif (
        ProductionBatch.objects.filter(product=batch.product, lot_code__iexact=batch.lot_code)
        .exclude(pk=batch.pk)
        .exists()
    ):
        add(
            "lot_code",
            _("This product already has a batch with the lot code “%(code)s”.")
            % {"code": batch.lot_code},
        )
    today = timezone.localdate()
    if batch.production_date is None:
        add("production_date", _("Enter the production date."))
    elif batch.production_date > today:
        add("production_date", _("The production date cannot be in the future."))
    if (
        batch.expiry_date is not None
        and batch.production_date is not None
        and batch.expiry_date <= batch.production_date
    ):
        add("expiry_date", _("The use-by date must be after the production date."))
    if batch.quantity is None or batch.quantity <= 0:
        add("quantity", _("The quantity must be greater than zero."))
    if not batch.unit:
        add("unit", _("Enter the unit (bottle, box, kg…)."))
    if batch.pk and not errors:
        _check_batch_against_events(batch, add)
    if errors:
        raise ValidationError(errors)


def _check_batch_against_events(batch: ProductionBatch, add) -> None:
    """A changed batch must stay consistent with the events already recorded."""
    events = batch.events.filter(error_declared_at__isnull=True)
    earliest = events.order_by("event_time").values_list("event_time", flat=True).first()
    if earliest is not None and earliest < (
        _start_of_day(batch.production_date) - EARLIEST_EVENT_BEFORE_PRODUCTION
    ):
        add(
            "production_date",
            _("Events recorded on %(date)s would be too long before this production date.")
            % {"date": date_format(timezone.localtime(earliest), "SHORT_DATE_FORMAT")},
        )
    largest = events.exclude(quantity=None).order_by("-quantity").first()
    if largest is not None and largest.quantity > batch.quantity:
        add(
            "quantity",
            _("A recorded event already concerns %(quantity)s; the batch cannot be smaller.")
            % {"quantity": amount(largest.quantity)},
        )
    before = ProductionBatch.objects.filter(pk=batch.pk).values_list("lot_code", flat=True).first()
    if before is not None and before != batch.lot_code and batch.stamp_batches.exists():
        add(
            "lot_code",
            _("Stamps have been requested for this batch: its lot code can no longer change."),
        )


def _save_batch(batch: ProductionBatch, **kwargs) -> None:
    try:
        with transaction.atomic():
            batch.save(**kwargs)
    except IntegrityError as exc:  # two people saving the same lot code at once
        raise ValidationError(
            {
                "lot_code": _("This product already has a batch with the lot code “%(code)s”.")
                % {"code": batch.lot_code}
            }
        ) from exc


def _clean_text(value) -> str:
    return str(value or "").strip()


def _batch_log_data(batch: ProductionBatch) -> dict:
    return {
        "lot_code": batch.lot_code,
        "production_date": batch.production_date.isoformat(),
        "expiry_date": batch.expiry_date.isoformat() if batch.expiry_date else None,
        "quantity": str(batch.quantity),
        "unit": batch.unit,
        "standards": batch.standards,
    }


@transaction.atomic
def record_batch(
    *,
    product,
    lot_code: str,
    production_date: datetime.date,
    expiry_date: datetime.date | None = None,
    quantity: Decimal,
    unit: str,
    standards: str = "",
    note: str = "",
    by,
) -> ProductionBatch:
    """Record a production batch (lot) of ``product``."""
    _refuse_unless_recorder(by, product)
    batch = ProductionBatch(
        product=product,
        lot_code=_clean_text(lot_code),
        production_date=production_date,
        expiry_date=expiry_date,
        quantity=quantity,
        unit=_clean_text(unit),
        standards=_clean_text(standards),
        note=_clean_text(note),
        created_by=by,
    )
    _check_batch(batch)
    _save_batch(batch)
    log_action(
        action="ocop.batch.recorded",
        by=by,
        obj=batch,
        unit=product.commune,
        data={"product": product.pk, **_batch_log_data(batch)},
    )
    return batch


@transaction.atomic
def update_batch(*, batch: ProductionBatch, by, **changes) -> ProductionBatch:
    """Change a batch's fields (any of ``BATCH_FIELDS``); the old and new values
    are logged."""
    unknown = set(changes) - set(BATCH_FIELDS)
    if unknown:
        raise TypeError(f"update_batch() got unknown fields: {sorted(unknown)}")
    _refuse_unless_recorder(by, batch.product)
    batch = ProductionBatch.objects.select_for_update().select_related("product").get(pk=batch.pk)
    before = {f: getattr(batch, f) for f in BATCH_FIELDS}
    for field, value in changes.items():
        if field in ("lot_code", "unit", "standards", "note"):
            value = _clean_text(value)
        setattr(batch, field, value)
    _check_batch(batch)
    changes_made = changed_fields(before, batch)
    if changes_made:
        _save_batch(batch, update_fields=list(changes_made))
        log_action(
            action="ocop.batch.changed",
            by=by,
            obj=batch,
            unit=batch.product.commune,
            data=changes_made,
        )
    return batch


def _check_event(event: TraceEvent, batch: ProductionBatch) -> None:
    errors: dict[str, list] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if event.biz_step not in BizStep.values:
        add("biz_step", _("Choose the step from the list."))
    if event.event_time is None:
        add("event_time", _("Enter the date and time of this step."))
    else:
        if timezone.is_naive(event.event_time):
            event.event_time = timezone.make_aware(event.event_time)
        earliest = _start_of_day(batch.production_date) - EARLIEST_EVENT_BEFORE_PRODUCTION
        if event.event_time > timezone.now():
            add("event_time", _("The time of a step cannot be in the future."))
        elif event.event_time < earliest:
            add(
                "event_time",
                _(
                    "This is more than three years before the batch's production date "
                    "(%(date)s): check the year."
                )
                % {"date": date_format(batch.production_date, "SHORT_DATE_FORMAT")},
            )
    if not event.place:
        add("place", _("Say where this step took place."))
    if event.gln:
        try:
            validate_gln(event.gln)
        except ValidationError as exc:
            errors.setdefault("gln", []).extend(exc.messages)
    if event.quantity is not None:
        if event.quantity <= 0:
            add("quantity", _("The quantity must be greater than zero."))
        elif event.quantity > batch.quantity:
            add(
                "quantity",
                _("The quantity cannot be more than the batch's %(quantity)s %(unit)s.")
                % {"quantity": amount(batch.quantity), "unit": batch.unit},
            )
    if errors:
        raise ValidationError(errors)


def _new_event(*, batch, by, corrects=None, **fields) -> TraceEvent:
    event = TraceEvent(
        batch=batch,
        biz_step=fields["biz_step"],
        event_time=fields["event_time"],
        place=_clean_text(fields.get("place")),
        gln=normalise_gln(fields.get("gln")),
        quantity=fields.get("quantity"),
        description=_clean_text(fields.get("description")),
        recorded_by=by,
        corrects=corrects,
    )
    _check_event(event, batch)
    event.save()
    return event


def _event_log_data(event: TraceEvent) -> dict:
    return {
        "event": str(event.public_id),
        "step": event.biz_step,
        "time": event.event_time.isoformat(),
        "place": event.place,
        "gln": event.gln,
        "quantity": None if event.quantity is None else str(event.quantity),
        "description": event.description,
    }


@transaction.atomic
def record_event(
    *,
    batch: ProductionBatch,
    biz_step: str,
    event_time: datetime.datetime,
    place: str,
    gln: str = "",
    quantity: Decimal | None = None,
    description: str = "",
    by,
) -> TraceEvent:
    """Record what happened to the batch, when, where and why."""
    _refuse_unless_recorder(by, batch.product)
    event = _new_event(
        batch=batch,
        by=by,
        biz_step=biz_step,
        event_time=event_time,
        place=place,
        gln=gln,
        quantity=quantity,
        description=description,
    )
    log_action(
        action="ocop.trace_event.recorded",
        by=by,
        obj=batch,
        unit=batch.product.commune,
        data=_event_log_data(event),
    )
    return event


def _check_declarable(event: TraceEvent, reason: str) -> None:
    state = "in_force" if event.error_declared_at is None else event.error_reason
    if reason not in ERROR_TRANSITIONS.get(state, set()):
        raise ValidationError(
            _("This event has already been corrected or withdrawn; nothing was changed.")
        )


def _declare_error(event: TraceEvent, *, reason: str, note: str) -> None:
    """The one place that marks an event wrong (on a locked row, by the table)."""
    _check_declarable(event, reason)
    event.error_declared_at = timezone.now()
    event.error_reason = reason
    event.error_note = note
    event.save(update_fields=["error_declared_at", "error_reason", "error_note"])


def _locked_event(event: TraceEvent) -> TraceEvent:
    return TraceEvent.objects.select_for_update().select_related("batch__product").get(pk=event.pk)


def _require_note(note: str) -> str:
    note = _clean_text(note)
    if not note:
        raise ValidationError({"note": _("Say what was wrong with the recorded event.")})
    return note


@transaction.atomic
def correct_event(
    *,
    event: TraceEvent,
    note: str,
    biz_step: str,
    event_time: datetime.datetime,
    place: str,
    gln: str = "",
    quantity: Decimal | None = None,
    description: str = "",
    by,
) -> TraceEvent:
    """Replace a wrongly recorded event by a corrective one. The original stays
    as recorded, declared "incorrect data" and linked from the correction."""
    _refuse_unless_recorder(by, event.batch.product)
    note = _require_note(note)
    original = _locked_event(event)
    _check_declarable(original, ErrorReason.INCORRECT_DATA)
    fields = {
        "biz_step": biz_step,
        "event_time": event_time,
        "place": _clean_text(place),
        "gln": normalise_gln(gln),
        "quantity": quantity,
        "description": _clean_text(description),
    }
    if all(fields[f] == getattr(original, f) for f in EVENT_FIELDS):
        raise ValidationError(
            _("The correction is the same as the recorded event: change what was wrong.")
        )
    correction = _new_event(batch=original.batch, by=by, corrects=original, **fields)
    _declare_error(original, reason=ErrorReason.INCORRECT_DATA, note=note)
    log_action(
        action="ocop.trace_event.corrected",
        by=by,
        obj=original.batch,
        unit=original.batch.product.commune,
        data={
            "corrected": _event_log_data(original),
            "correction": _event_log_data(correction),
            "note": note,
        },
    )
    return correction


@transaction.atomic
def withdraw_event(*, event: TraceEvent, note: str, by) -> TraceEvent:
    """Declare that a recorded event did not take place. It stays on record,
    marked withdrawn, and is no longer shown to the public."""
    _refuse_unless_recorder(by, event.batch.product)
    note = _require_note(note)
    original = _locked_event(event)
    _declare_error(original, reason=ErrorReason.DID_NOT_OCCUR, note=note)
    log_action(
        action="ocop.trace_event.withdrawn",
        by=by,
        obj=original.batch,
        unit=original.batch.product.commune,
        data={"withdrawn": _event_log_data(original), "note": note},
    )
    return original
