"""The stamp pages: the producer's request, the officers' list and the batch
page with its actions, label downloads and voiding; scope both ways."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from ocop.accounts.enums import Role
from ocop.products.models import Product
from ocop.stamps.domain import making
from ocop.stamps.domain.batches import request_stamps
from ocop.stamps.domain.serials import format_serial
from ocop.stamps.enums import LabelState
from ocop.stamps.models import LabelSheet, Stamp, StampBatch
from tests.factories.accounts import user_with_role
from tests.factories.registry import ProductFactory
from tests.factories.stamps import approved_batch, certify, province_officer_of
from tests.factories.traceability import ProductionBatchFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_producer_requests_stamps_from_the_form(client, certified_x, producer_x):
    lot = ProductionBatchFactory(product=certified_x, lot_code="NM-07")
    ProductionBatchFactory(product=ProductFactory(subject=certified_x.subject), lot_code="OTHER")
    client.force_login(producer_x)
    page = client.get(f"/stamps/request/{certified_x.pk}/")
    assert page.status_code == 200
    options = page.context["form"].fields["production_batch"].queryset
    assert list(options) == [lot]
    response = client.post(
        f"/stamps/request/{certified_x.pk}/",
        {"quantity": "300", "production_batch": str(lot.pk), "note": "chai 500ml"},
    )
    batch = StampBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/stamps/{batch.pk}/"
    assert (batch.quantity, batch.production_batch, batch.note, batch.requested_by) == (
        300,
        lot,
        "chai 500ml",
        producer_x,
    )


def test_a_refused_request_keeps_what_was_typed_and_says_why(client, certified_x, producer_x):
    client.force_login(producer_x)
    response = client.post(f"/stamps/request/{certified_x.pk}/", {"quantity": "0", "note": "x y"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "quantity": ["Request between 1 and 100,000 stamps at a time."]
    }
    assert 'value="0"' in response.content.decode()
    assert "x y</textarea>" in response.content.decode()
    assert StampBatch.objects.count() == 0


def test_a_product_without_certificate_is_explained_on_the_form(client, product_x, producer_x):
    client.force_login(producer_x)
    page = client.get(f"/stamps/request/{product_x.pk}/")
    assert page.context["certificate_problem"] == (
        "This product has no OCOP certificate, so no stamps can be issued for it."
    )
    response = client.post(f"/stamps/request/{product_x.pk}/", {"quantity": "10"})
    assert response.context["form"].non_field_errors() == [
        "This product has no OCOP certificate, so no stamps can be issued for it."
    ]
    assert StampBatch.objects.count() == 0


def test_request_page_scope(client, certified_x, product_y, producer_x, province_officer):
    client.force_login(producer_x)
    assert client.get(f"/stamps/request/{product_y.pk}/").status_code == 404
    client.force_login(province_officer)  # sees the product, is not its producer side
    assert client.get(f"/stamps/request/{certified_x.pk}/").status_code == 403


@pytest.fixture
def requested(certified_x, producer_x):
    return request_stamps(product=certified_x, quantity=12, by=producer_x)


def test_the_officer_approves_from_the_batch_page(client, requested, province_officer):
    client.force_login(province_officer)
    page = client.get(f"/stamps/{requested.pk}/")
    assert [t.action for t in page.context["actions"]] == ["approve", "reject"]
    asked = client.post(f"/stamps/{requested.pk}/act/", {"action": "approve"})
    assert 'id="confirm-action"' in asked.content.decode()
    assert Stamp.objects.count() == 0
    response = client.post(f"/stamps/{requested.pk}/act/", {"action": "approve", "confirm": "1"})
    assert response["Location"] == f"/stamps/{requested.pk}/"
    assert _messages(response) == ["The request is now “approved — stamps issued”."]
    page = client.get(f"/stamps/{requested.pk}/").content.decode()
    assert f'{format_serial("38", 1)}</span> – <span class="font-monospace">' in page
    assert format_serial("38", 12) in page


def test_a_refused_action_is_shown_and_changes_nothing(client, requested, province_officer):
    client.force_login(province_officer)
    response = client.post(f"/stamps/{requested.pk}/act/", {"action": "reject", "reason": ""})
    assert _messages(response) == ["Say why the request is rejected."]
    assert StampBatch.objects.get(pk=requested.pk).state == "requested"


def test_the_producer_cannot_approve_its_own_request(client, requested, producer_x):
    client.force_login(producer_x)
    response = client.post(f"/stamps/{requested.pk}/act/", {"action": "approve", "confirm": "1"})
    assert _messages(response) == ["You cannot do this on this stamp request."]
    assert Stamp.objects.count() == 0


def test_lists_and_pages_are_scoped(client, requested, product_y, province_officer):
    certify(product_y)
    producer_y = user_with_role(Role.PRODUCER, subject=product_y.subject)
    other = request_stamps(product=product_y, quantity=3, by=producer_y)
    client.force_login(producer_y)
    assert list(client.get("/stamps/").context["page"]) == [other]
    assert client.get(f"/stamps/{requested.pk}/").status_code == 404
    assert client.post(f"/stamps/{requested.pk}/act/", {"action": "cancel"}).status_code == 404
    client.force_login(province_officer)
    assert list(client.get("/stamps/").context["page"]) == [other, requested]
    assert list(client.get("/stamps/?state=approved").context["page"]) == []
    client.force_login(province_officer_of("01"))
    assert list(client.get("/stamps/").context["page"]) == []
    assert client.get(f"/stamps/{requested.pk}/").status_code == 404


def test_the_list_has_no_n_plus_one(client, django_assert_max_num_queries, province_officer):
    from tests.factories.geo import communes
    from tests.factories.registry import SubjectFactory

    commune = communes("38", 3)[2]

    def make(count):
        for _ in range(count):
            product = ProductFactory(subject=SubjectFactory(commune=commune))
            certify(product)
            producer = user_with_role(Role.PRODUCER, subject=product.subject)
            lot = ProductionBatchFactory(product=product)
            request_stamps(product=product, quantity=2, production_batch=lot, by=producer)

    client.force_login(province_officer)
    make(3)
    with django_assert_max_num_queries(12) as few:
        assert len(client.get("/stamps/").context["page"]) == 3
    make(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/stamps/").context["page"]) == 23


def test_the_producer_sees_its_certified_products_to_request_stamps(
    client, certified_x, producer_x
):
    client.force_login(producer_x)
    assert client.get("/stamps/").context["requestable"] == [certified_x]
    # Lapsed yesterday, before the daily job has marked it expired: not offered.
    Product.objects.filter(pk=certified_x.pk).update(
        certified_until=timezone.localdate() - timedelta(days=1)
    )
    assert client.get("/stamps/").context["requestable"] == []


@pytest.fixture
def issued(certified_x, producer_x, province_officer):
    return approved_batch(
        product=certified_x, producer=producer_x, officer=province_officer, quantity=6
    )


def test_labels_of_a_small_batch_download_at_once(client, issued, producer_x, subject_y):
    client.force_login(producer_x)
    response = client.get(f"/stamps/{issued.pk}/labels/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert (
        f"tem-ocop-lo-{issued.pk}-{format_serial('38', 1)}.pdf" in response["Content-Disposition"]
    )
    client.force_login(user_with_role(Role.COMMUNE_OFFICER, unit=issued.product.commune))
    assert client.get(f"/stamps/{issued.pk}/labels/").status_code == 200  # acts for the subject
    client.force_login(user_with_role(Role.ADVISORY_TEAM, unit=issued.product.province))
    assert client.get(f"/stamps/{issued.pk}/labels/").status_code == 403


def test_no_labels_before_approval(client, requested, producer_x):
    client.force_login(producer_x)
    assert client.get(f"/stamps/{requested.pk}/labels/").status_code == 404


def test_a_large_batch_shows_progress_then_downloads(
    client, certified_x, producer_x, province_officer, settings, django_capture_on_commit_callbacks
):
    settings.OCOP_STAMPS_LABELS_DIRECT_MAX = 3
    batch = approved_batch(
        product=certified_x, producer=producer_x, officer=province_officer, quantity=5
    )
    sheet = LabelSheet.objects.get(batch=batch)  # queued on approval (not yet committed here)
    assert sheet.state == LabelState.PENDING
    client.force_login(producer_x)
    status = client.get(f"/stamps/{batch.pk}/labels/status/").content.decode()
    assert 'hx-trigger="every 2s"' in status
    assert "0 of 5 labels" in status
    response = client.get(f"/stamps/{batch.pk}/labels/")
    assert response["Location"] == f"/stamps/{batch.pk}/"
    assert _messages(response) == ["The label sheets of this batch are being prepared."]
    # The worker renders it (here at once, when the preparation is asked again).
    LabelSheet.objects.filter(pk=sheet.pk).update(state=LabelState.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/stamps/{batch.pk}/labels/prepare/")
    sheet = LabelSheet.objects.get(batch=batch)
    assert (sheet.state, sheet.done) == (LabelState.READY, 5)
    status = client.get(f"/stamps/{batch.pk}/labels/status/").content.decode()
    assert "hx-trigger" not in status
    assert f'href="/stamps/{batch.pk}/labels/"' in status
    download = client.get(f"/stamps/{batch.pk}/labels/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_voiding_from_the_batch_page(client, issued, producer_x):
    client.force_login(producer_x)
    serial = format_serial("38", 2)
    response = client.post(
        f"/stamps/{issued.pk}/void/",
        {"which": "listed", "serials": serial.lower(), "reason": "Tem rách"},
    )
    assert serial in response.content.decode()  # the confirmation names the stamp
    assert Stamp.objects.filter(state="voided").count() == 0
    response = client.post(
        f"/stamps/{issued.pk}/void/",
        {"which": "listed", "serials": serial.lower(), "reason": "Tem rách", "confirm": "1"},
    )
    assert response["Location"] == f"/stamps/{issued.pk}/"
    assert _messages(response) == ["1 stamp voided."]
    assert list(Stamp.objects.filter(state="voided").values_list("serial", flat=True)) == [serial]
    page = client.get(f"/stamps/{issued.pk}/")
    assert [s.serial for s in page.context["voided"]] == [serial]
    assert page.context["active_count"] == 5


def test_a_refused_void_keeps_the_form(client, issued, producer_x):
    client.force_login(producer_x)
    outside = format_serial("38", 99)
    response = client.post(
        f"/stamps/{issued.pk}/void/", {"which": "listed", "serials": outside, "reason": "x"}
    )
    assert response.status_code == 400
    assert response.context["void_form"].non_field_errors() == [
        f"Not an active stamp of this batch: {outside}."
    ]
    assert f"{outside}</textarea>" in response.content.decode()
    assert Stamp.objects.filter(state="voided").count() == 0
    response = client.post(f"/stamps/{issued.pk}/void/", {"which": "listed", "reason": "x"})
    assert response.context["void_form"].errors == {
        "serials": ["List the serials of the stamps to void."]
    }


def test_the_product_page_links_to_stamps(client, certified_x, producer_x, issued):
    client.force_login(producer_x)
    page = client.get(f"/products/{certified_x.pk}/").content.decode()
    assert f'href="/stamps/request/{certified_x.pk}/"' in page
    assert f'href="/stamps/{issued.pk}/"' in page


def test_the_menu_shows_stamps_to_those_who_handle_them(client, producer_x, province_officer):
    for user in (producer_x, province_officer):
        client.force_login(user)
        assert 'href="/stamps/"' in client.get("/stamps/").content.decode()
    client.force_login(user_with_role(Role.COUNCIL_MEMBER))
    assert client.get("/stamps/").status_code == 200
    assert 'href="/stamps/"' not in client.get("/").content.decode()


def test_the_confirmations_and_progress_group_thousands(
    client, certified_x, producer_x, province_officer, django_capture_on_commit_callbacks
):
    """One number format (issue 18, point 9): 2,000 stamps read "2,000" on the
    approval and voiding confirmations and in the creation progress, not "2000"."""
    batch = request_stamps(product=certified_x, quantity=2000, by=producer_x)
    client.force_login(province_officer)
    asked = client.post(f"/stamps/{batch.pk}/act/", {"action": "approve"}).content.decode()
    assert "2,000 stamps for" in asked
    assert "2000" not in asked
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/stamps/{batch.pk}/act/", {"action": "approve", "confirm": "1"})
    batch.refresh_from_db()
    assert making.making_progress(batch).text == "All 2,000 stamps are created."
    client.force_login(producer_x)
    asked = client.post(
        f"/stamps/{batch.pk}/void/", {"which": "all", "reason": "Lô hỏng"}
    ).content.decode()
    assert "2,000 stamps of" in asked
    assert Stamp.objects.filter(state="voided").count() == 0
