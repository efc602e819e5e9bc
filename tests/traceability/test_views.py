"""Pages of production batches: the producer records, officers in scope read,
everyone else gets 404; forms keep what was typed and show the domain's
messages; the list has a fixed number of queries; the EPCIS download."""

import datetime
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from ocop.core.models import ActivityLog
from ocop.traceability.domain import batches as domain
from ocop.traceability.enums import BizStep
from ocop.traceability.models import ProductionBatch, TraceEvent
from tests.traceability.conftest import at

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"traceability:{name}", args=args)


BATCH_POST = {
    "lot_code": "MO-2025-07",
    "production_date": "2025-07-01",
    "expiry_date": "2026-07-01",
    "quantity": "300",
    "unit": "hũ",
    "standards": "VietGAP",
    "note": "",
}


def test_producer_records_a_batch_and_its_steps(client, producer_x, product_x):
    client.force_login(producer_x)
    page = client.get(url("batch_list", product_x.pk))
    assert page.status_code == 200
    assert url("batch_create", product_x.pk) in page.content.decode()

    response = client.post(url("batch_create", product_x.pk), BATCH_POST)
    batch = ProductionBatch.objects.get(lot_code="MO-2025-07")
    assert response.status_code == 302
    assert response.url == url("batch_detail", batch.pk)

    response = client.post(
        url("event_add", batch.pk),
        {
            "biz_step": BizStep.PACKING,
            "event_time": "2025-07-02T08:15",
            "place": "Xưởng Làng X",
            "gln": "8931234567897",
            "quantity": "300",
            "description": "Đóng hũ",
        },
    )
    assert response.status_code == 302
    event = TraceEvent.objects.get(batch=batch)
    assert event.event_time == at(2025, 7, 2, 8, 15)
    detail = client.get(url("batch_detail", batch.pk)).content.decode()
    assert "Xưởng Làng X" in detail
    assert "02/07/2025 08:15" in detail
    assert url("batch_epcis", batch.pk) in detail
    assert url("event_correct", batch.pk, event.pk) in detail


def test_bad_batch_form_keeps_input_and_shows_messages(client, producer_x, product_x, batch):
    client.force_login(producer_x)
    response = client.post(
        url("batch_create", product_x.pk),
        {**BATCH_POST, "lot_code": "nm-2025-03", "expiry_date": "2025-06-01"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "already has a batch with the lot code “nm-2025-03”" in html
    assert "The use-by date must be after the production date." in html
    assert 'value="nm-2025-03"' in html
    assert ProductionBatch.objects.count() == 1


def test_bad_event_form_shows_the_field_message(client, producer_x, batch):
    client.force_login(producer_x)
    response = client.post(
        url("event_add", batch.pk),
        {
            "biz_step": BizStep.SHIPPING,
            "event_time": "2025-07-02T08:15",
            "place": "Kho",
            "gln": "8931234567890",
        },
    )
    assert response.status_code == 200
    assert "the last digit should be 7" in response.content.decode()
    assert not TraceEvent.objects.exists()


def test_correct_and_withdraw_pages(client, producer_x, batch):
    event = domain.record_event(
        batch=batch,
        biz_step=BizStep.PACKING,
        event_time=at(2025, 3, 12, 9, 0),
        place="Xưởng cũ",
        by=producer_x,
    )
    client.force_login(producer_x)
    form = client.get(url("event_correct", batch.pk, event.pk)).content.decode()
    assert 'value="Xưởng cũ"' in form  # the form starts from what was recorded
    assert 'value="2025-03-12T09:00"' in form
    response = client.post(
        url("event_correct", batch.pk, event.pk),
        {
            "biz_step": BizStep.PACKING,
            "event_time": "2025-03-12T09:00",
            "place": "Xưởng mới",
            "note": "Sai xưởng",
        },
    )
    assert response.status_code == 302
    fixed = TraceEvent.objects.get(corrects=event)
    response = client.post(url("event_withdraw", batch.pk, fixed.pk), {"note": "Không đóng gói"})
    assert response.status_code == 302
    detail = client.get(url("batch_detail", batch.pk)).content.decode()
    assert "Sai xưởng" in detail
    assert "Không đóng gói" in detail
    # Nothing left to correct: no more links, and a second withdrawal is refused.
    assert url("event_correct", batch.pk, event.pk) not in detail
    response = client.post(url("event_withdraw", batch.pk, event.pk), {"note": "x"})
    assert "already been corrected or withdrawn" in response.content.decode()


def test_officers_in_scope_read_only(client, batch, officer_x, province_officer, inspector):
    for officer in (province_officer, inspector):
        client.force_login(officer)
        assert client.get(url("batch_list", batch.product_id)).status_code == 200
        detail = client.get(url("batch_detail", batch.pk))
        assert detail.status_code == 200
        assert url("event_add", batch.pk) not in detail.content.decode()
        assert client.get(url("batch_epcis", batch.pk)).status_code == 200
        assert client.get(url("event_add", batch.pk)).status_code == 403
        assert client.post(url("batch_edit", batch.pk), BATCH_POST).status_code == 403
        assert client.get(url("batch_create", batch.product_id)).status_code == 403
    assert ProductionBatch.objects.count() == 1
    # The commune officer may act for the producer.
    client.force_login(officer_x)
    assert client.get(url("event_add", batch.pk)).status_code == 200


@pytest.mark.parametrize("who", ["producer_y", "officer_y", "hanoi_officer"])
def test_out_of_scope_gets_404(client, batch, who, request):
    client.force_login(request.getfixturevalue(who))
    for target in (
        url("batch_list", batch.product_id),
        url("batch_create", batch.product_id),
        url("batch_detail", batch.pk),
        url("batch_edit", batch.pk),
        url("event_add", batch.pk),
        url("batch_epcis", batch.pk),
    ):
        assert client.get(target).status_code == 404, target
    assert client.post(url("batch_create", batch.product_id), BATCH_POST).status_code == 404
    assert ProductionBatch.objects.count() == 1


def test_anonymous_is_sent_to_login(client, batch):
    response = client.get(url("batch_detail", batch.pk))
    assert response.status_code == 302
    assert "login" in response.url


def test_edit_batch_is_logged(client, producer_x, batch):
    client.force_login(producer_x)
    form = client.get(url("batch_edit", batch.pk)).content.decode()
    assert 'value="NM-2025-03"' in form
    response = client.post(
        url("batch_edit", batch.pk),
        {
            **BATCH_POST,
            "lot_code": "NM-2025-03",
            "production_date": "2025-03-10",
            "quantity": "1400",
        },
    )
    assert response.status_code == 302
    entry = ActivityLog.objects.get(action="ocop.batch.changed")
    assert entry.data["quantity"] == ["1500.00", "1400"]
    detail = client.get(url("batch_detail", batch.pk)).content.decode()
    assert "production batch changed" in detail  # the history shows the label


def test_epcis_download(client, producer_x, batch):
    domain.record_event(
        batch=batch,
        biz_step=BizStep.HARVESTING,
        event_time=at(2025, 1, 5, 6, 0),
        place="Bến cá",
        by=producer_x,
    )
    client.force_login(producer_x)
    response = client.get(url("batch_epcis", batch.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    assert (
        response["Content-Disposition"] == f'attachment; filename="epcis-{batch.public_id}.jsonld"'
    )
    doc = json.loads(response.content)
    assert doc["type"] == "EPCISDocument"
    (event,) = doc["epcisBody"]["eventList"]
    assert event["ocop:placeName"] == "Bến cá"  # UTF-8, not escaped away
    assert "Bến cá".encode() in response.content


def test_batch_list_has_a_fixed_number_of_queries(
    client, producer_x, product_x, django_assert_max_num_queries
):
    def add(n):
        for i in range(n):
            batch = domain.record_batch(
                product=product_x,
                lot_code=f"L{ProductionBatch.objects.count():03d}",
                production_date=datetime.date(2025, 1, 1),
                quantity=Decimal(10),
                unit="kg",
                by=producer_x,
            )
            for day in (2, 3):
                domain.record_event(
                    batch=batch,
                    biz_step=BizStep.PACKING,
                    event_time=at(2025, 1, day, 8, i),
                    place="Xưởng",
                    by=producer_x,
                )

    client.force_login(producer_x)
    add(2)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url("batch_list", product_x.pk)).status_code == 200
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url("batch_list", product_x.pk))
    assert page.content.decode().count("traceability/batches/") >= 12


def test_batch_detail_has_a_fixed_number_of_queries(
    client, producer_x, batch, django_assert_max_num_queries
):
    def add(n, hour):
        for i in range(n):
            event = domain.record_event(
                batch=batch,
                biz_step=BizStep.STORING,
                event_time=at(2025, 3, 15, hour, i),
                place="Kho",
                by=producer_x,
            )
            domain.correct_event(
                event=event,
                note="Sai kho",
                biz_step=BizStep.STORING,
                event_time=event.event_time,
                place="Kho 2",
                by=producer_x,
            )

    client.force_login(producer_x)
    add(1, 8)
    with django_assert_max_num_queries(40) as few:
        assert client.get(url("batch_detail", batch.pk)).status_code == 200
    add(8, 9)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url("batch_detail", batch.pk)).status_code == 200


def test_product_page_links_to_its_batches(client, producer_x, product_x):
    client.force_login(producer_x)
    html = client.get(reverse("products:detail", args=[product_x.pk])).content.decode()
    assert url("batch_list", product_x.pk) in html
