"""Recording batches and events: validations with their messages (nothing
saved on bad input), permissions, the activity log and append-only history."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ocop.core.models import ActivityLog
from ocop.traceability.domain import batches as domain
from ocop.traceability.enums import BizStep, ErrorReason
from ocop.traceability.models import ProductionBatch, TraceEvent
from tests.factories.traceability import StampRequestFor
from tests.traceability.conftest import at

pytestmark = pytest.mark.django_db

GOOD = {
    "lot_code": "LO-01",
    "production_date": datetime.date(2025, 5, 1),
    "expiry_date": datetime.date(2026, 5, 1),
    "quantity": Decimal(200),
    "unit": "hộp",
    "standards": "VietGAP",
}


def messages(exc: ValidationError) -> dict:
    return exc.message_dict


def test_record_batch_saves_and_logs(product_x, producer_x):
    batch = domain.record_batch(product=product_x, by=producer_x, note="  lô đầu  ", **GOOD)
    assert batch.created_by == producer_x
    assert batch.note == "lô đầu"
    assert batch.public_id is not None
    entry = ActivityLog.objects.get(action="ocop.batch.recorded")
    assert entry.actor == producer_x
    assert entry.unit == product_x.commune
    assert entry.data["lot_code"] == "LO-01"
    assert entry.data["production_date"] == "2025-05-01"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"lot_code": ""}, "lot_code", "Enter the lot code"),
        ({"lot_code": "Lô-01"}, "lot_code", "letters without accents"),
        ({"lot_code": "A" * 21}, "lot_code", "1 to 20 characters"),
        ({"lot_code": "LO 01"}, "lot_code", "1 to 20 characters"),
        ({"production_date": datetime.date(2999, 1, 1)}, "production_date", "future"),
        ({"expiry_date": datetime.date(2025, 5, 1)}, "expiry_date", "after the production"),
        ({"expiry_date": datetime.date(2025, 4, 1)}, "expiry_date", "after the production"),
        ({"quantity": Decimal(0)}, "quantity", "greater than zero"),
        ({"quantity": Decimal(-3)}, "quantity", "greater than zero"),
        ({"unit": "  "}, "unit", "Enter the unit"),
    ],
)
def test_bad_batch_is_refused_with_its_message(product_x, producer_x, changes, field, message):
    with pytest.raises(ValidationError) as caught:
        domain.record_batch(product=product_x, by=producer_x, **{**GOOD, **changes})
    assert message in " ".join(messages(caught.value)[field])
    assert not ProductionBatch.objects.exists()
    assert not ActivityLog.objects.filter(action="ocop.batch.recorded").exists()


def test_lot_code_is_unique_per_product_ignoring_case(product_x, product_y, producer_x):
    domain.record_batch(product=product_x, by=producer_x, **GOOD)
    with pytest.raises(ValidationError) as caught:
        domain.record_batch(product=product_x, by=producer_x, **{**GOOD, "lot_code": "lo-01"})
    assert "already has a batch with the lot code “lo-01”" in messages(caught.value)["lot_code"][0]
    assert ProductionBatch.objects.count() == 1
    # The same lot code on another product is another lot.
    from tests.factories.accounts import user_with_role

    producer_y = user_with_role("producer", subject=product_y.subject)
    domain.record_batch(product=product_y, by=producer_y, **GOOD)
    assert ProductionBatch.objects.count() == 2


def test_several_errors_are_reported_together(product_x, producer_x):
    with pytest.raises(ValidationError) as caught:
        domain.record_batch(
            product=product_x,
            by=producer_x,
            **{
                **GOOD,
                "lot_code": "?",
                "quantity": Decimal(0),
                "expiry_date": GOOD["production_date"],
            },
        )
    assert set(messages(caught.value)) == {"lot_code", "quantity", "expiry_date"}


def test_who_may_record(
    product_x,
    producer_x,
    producer_y,
    officer_x,
    officer_y,
    province_officer,
    hanoi_officer,
    inspector,
):
    # The producer side: the subject's own producer and its commune officer.
    domain.record_batch(product=product_x, by=producer_x, **GOOD)
    domain.record_batch(product=product_x, by=officer_x, **{**GOOD, "lot_code": "LO-02"})
    # Everyone else is refused, and nothing is saved.
    for user in (producer_y, officer_y, province_officer, hanoi_officer, inspector):
        with pytest.raises(PermissionDenied):
            domain.record_batch(product=product_x, by=user, **{**GOOD, "lot_code": "LO-09"})
    assert sorted(ProductionBatch.objects.values_list("lot_code", flat=True)) == ["LO-01", "LO-02"]


def test_update_batch_logs_old_and_new_values(batch, producer_x):
    domain.update_batch(batch=batch, by=producer_x, quantity=Decimal(1400), note="đếm lại")
    batch.refresh_from_db()
    assert batch.quantity == Decimal(1400)
    entry = ActivityLog.objects.get(action="ocop.batch.changed")
    assert entry.data["quantity"] == ["1500.00", "1400"]
    assert entry.data["note"] == ["", "đếm lại"]
    # Nothing changed: nothing logged.
    domain.update_batch(batch=batch, by=producer_x, quantity=Decimal(1400))
    assert ActivityLog.objects.filter(action="ocop.batch.changed").count() == 1


def test_update_batch_refuses_bad_values_and_strangers(batch, producer_x, producer_y):
    with pytest.raises(ValidationError) as caught:
        domain.update_batch(batch=batch, by=producer_x, expiry_date=datetime.date(2024, 1, 1))
    assert "after the production date" in messages(caught.value)["expiry_date"][0]
    with pytest.raises(PermissionDenied):
        domain.update_batch(batch=batch, by=producer_y, note="x")
    with pytest.raises(TypeError):
        domain.update_batch(batch=batch, by=producer_x, product=None)
    batch.refresh_from_db()
    assert batch.expiry_date == datetime.date(2027, 3, 9)
    assert batch.note == ""


def test_batch_cannot_shrink_below_an_event_nor_move_away_from_its_events(batch, producer_x):
    domain.record_event(
        batch=batch,
        biz_step=BizStep.HARVESTING,
        event_time=at(2022, 6, 1, 5, 0),
        place="Bến cá",
        quantity=Decimal(1000),
        by=producer_x,
    )
    with pytest.raises(ValidationError) as caught:
        domain.update_batch(batch=batch, by=producer_x, quantity=Decimal(999))
    assert "cannot be smaller" in messages(caught.value)["quantity"][0]
    with pytest.raises(ValidationError) as caught:
        domain.update_batch(batch=batch, by=producer_x, production_date=datetime.date(2025, 12, 1))
    assert "too long before" in messages(caught.value)["production_date"][0]


def test_lot_code_is_fixed_once_stamps_are_requested(batch, producer_x):
    StampRequestFor(batch, by=producer_x)
    with pytest.raises(ValidationError) as caught:
        domain.update_batch(batch=batch, by=producer_x, lot_code="NM-2025-04")
    assert "Stamps have been requested" in messages(caught.value)["lot_code"][0]
    domain.update_batch(batch=batch, by=producer_x, standards="TCVN 5107:2018; HACCP")


# Events ---------------------------------------------------------------------


def record(batch, by, **kwargs):
    fields = {
        "biz_step": BizStep.PACKING,
        "event_time": at(2025, 3, 12, 9, 30),
        "place": "Xưởng đóng chai",
        **kwargs,
    }
    return domain.record_event(batch=batch, by=by, **fields)


def test_record_event_saves_and_logs(batch, producer_x):
    event = record(batch, producer_x, gln=" 893 1234 567897 ", quantity=Decimal(1500))
    assert event.gln == "8931234567897"
    assert event.recorded_by == producer_x
    entry = ActivityLog.objects.get(action="ocop.trace_event.recorded")
    assert entry.object_id == str(batch.pk)
    assert entry.data["step"] == "packing"
    assert entry.data["event"] == str(event.public_id)
    assert entry.data["gln"] == "8931234567897"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"biz_step": "dancing"}, "biz_step", "Choose the step"),
        ({"event_time": None}, "event_time", "Enter the date and time"),
        ({"place": "   "}, "place", "where this step took place"),
        ({"gln": "893123456789"}, "gln", "exactly 13 digits"),
        ({"gln": "89312345678AB"}, "gln", "exactly 13 digits"),
        ({"gln": "8931234567890"}, "gln", "the last digit should be 7"),
        ({"quantity": Decimal(0)}, "quantity", "greater than zero"),
        ({"quantity": Decimal(1501)}, "quantity", "more than the batch's 1,500 chai 500 ml"),
        # More than three years before the production date (10/03/2025).
        ({"event_time": at(2022, 3, 9, 12, 0)}, "event_time", "check the year"),
    ],
)
def test_bad_event_is_refused_with_its_message(batch, producer_x, changes, field, message):
    with pytest.raises(ValidationError) as caught:
        record(batch, producer_x, **changes)
    assert message in " ".join(messages(caught.value)[field])
    assert not TraceEvent.objects.exists()
    assert not ActivityLog.objects.filter(action="ocop.trace_event.recorded").exists()


def test_event_time_in_the_future_is_refused(batch, producer_x):
    soon = timezone.now() + datetime.timedelta(minutes=5)
    with pytest.raises(ValidationError) as caught:
        record(batch, producer_x, event_time=soon)
    assert "cannot be in the future" in messages(caught.value)["event_time"][0]
    assert not TraceEvent.objects.exists()


def test_raw_material_may_come_up_to_three_years_before_production(batch, producer_x):
    # Fish sauce ferments for a long time: anchovies caught two years before bottling.
    event = record(batch, producer_x, biz_step=BizStep.HARVESTING, event_time=at(2023, 3, 15, 4, 0))
    assert event.pk


def test_event_recorders(batch, producer_x, officer_x, producer_y, province_officer, hanoi_officer):
    record(batch, producer_x)
    record(batch, officer_x)
    for user in (producer_y, province_officer, hanoi_officer):
        with pytest.raises(PermissionDenied):
            record(batch, user)
    assert TraceEvent.objects.count() == 2


# Corrections ------------------------------------------------------------------


def test_correction_keeps_the_original_and_links_to_it(batch, producer_x):
    wrong = record(batch, producer_x, place="Xưởng cũ")
    fixed = domain.correct_event(
        event=wrong,
        by=producer_x,
        note="Sai địa điểm",
        biz_step=BizStep.PACKING,
        event_time=wrong.event_time,
        place="Xưởng mới",
    )
    wrong.refresh_from_db()
    assert wrong.place == "Xưởng cũ"  # what was recorded is not changed
    assert wrong.error_reason == ErrorReason.INCORRECT_DATA
    assert wrong.error_declared_at is not None
    assert wrong.error_note == "Sai địa điểm"
    assert fixed.corrects == wrong
    assert fixed.place == "Xưởng mới"
    entry = ActivityLog.objects.get(action="ocop.trace_event.corrected")
    assert entry.data["corrected"]["place"] == "Xưởng cũ"
    assert entry.data["correction"]["place"] == "Xưởng mới"
    # The original cannot be corrected or withdrawn a second time.
    with pytest.raises(ValidationError, match="already been corrected or withdrawn"):
        domain.withdraw_event(event=wrong, by=producer_x, note="x")
    with pytest.raises(ValidationError, match="already been corrected or withdrawn"):
        domain.correct_event(
            event=wrong,
            by=producer_x,
            note="x",
            biz_step=BizStep.PACKING,
            event_time=wrong.event_time,
            place="Xưởng khác",
        )
    assert TraceEvent.objects.count() == 2


def test_correction_must_change_something_and_be_valid(batch, producer_x):
    event = record(batch, producer_x, gln="8931234567897")
    same = {
        "biz_step": event.biz_step,
        "event_time": event.event_time,
        "place": event.place,
        "gln": "8931234567897",
    }
    with pytest.raises(ValidationError, match="same as the recorded event"):
        domain.correct_event(event=event, by=producer_x, note="?", **same)
    with pytest.raises(ValidationError) as caught:
        domain.correct_event(event=event, by=producer_x, note="", **{**same, "place": "Kho"})
    assert "what was wrong" in messages(caught.value)["note"][0]
    with pytest.raises(ValidationError) as caught:
        domain.correct_event(event=event, by=producer_x, note="GLN", **{**same, "gln": "123"})
    assert "13 digits" in messages(caught.value)["gln"][0]
    event.refresh_from_db()
    assert event.error_declared_at is None
    assert TraceEvent.objects.count() == 1


def test_withdraw_marks_did_not_occur(batch, producer_x, producer_y):
    event = record(batch, producer_x)
    with pytest.raises(PermissionDenied):
        domain.withdraw_event(event=event, by=producer_y, note="x")
    domain.withdraw_event(event=event, by=producer_x, note="Nhập nhầm lô")
    event.refresh_from_db()
    assert event.error_reason == ErrorReason.DID_NOT_OCCUR
    assert (
        ActivityLog.objects.get(action="ocop.trace_event.withdrawn").data["note"] == "Nhập nhầm lô"
    )


def test_gln_validator():
    domain.validate_gln("8931234567897")
    with pytest.raises(ValidationError):
        domain.validate_gln("8931234567895")
