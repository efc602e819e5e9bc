import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.enums import Role
from ocop.core.forms import form_token
from ocop.core.models import ActivityLog, Notification
from ocop.trade.domain.inquiries import available, file_inquiry, set_inquiry_state
from ocop.trade.domain.queries import inquiries_visible_to, inquiry_counts
from ocop.trade.enums import InquiryState
from ocop.trade.forms import MIN_SECONDS
from ocop.trade.models import Inquiry
from tests.factories.accounts import user_with_role
from tests.factories.geo import province

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "Nguyễn Văn Mua",
    "organisation": "Siêu thị Xanh",
    "contact": "0912 345 678",
    "quantity": "500 chai",
    "message": "Xin báo giá sỉ nước mắm cho hệ thống siêu thị.",
}


def _post(client, url, *, started=None, **changes):
    token = started if isinstance(started, str) else form_token(now=started or time.time() - 10)
    return client.post(url, {**GOOD, "started": token, **changes})


def test_a_buyer_sends_an_inquiry_to_the_producer_and_the_province(
    client,
    certified_x,
    producer_x,
    province_officer,
    officer_x,
    hanoi_officer,
    django_capture_on_commit_callbacks,
):
    certified_x.subject.email = "bi-mat@htx-x.vn"
    certified_x.subject.save()
    url = reverse("inquiry:product", args=[certified_x.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert certified_x.name in page.content.decode()
    assert "bi-mat@htx-x.vn" not in page.content.decode()
    data = {**GOOD, "started": form_token(now=time.time() - 10)}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("inquiry:sent")
    sent = client.get(response["Location"]).content.decode()
    assert "bi-mat@htx-x.vn" not in sent
    inquiry = Inquiry.objects.get()
    assert inquiry.subject == certified_x.subject
    assert inquiry.product == certified_x
    assert inquiry.province == certified_x.province
    assert inquiry.state == InquiryState.NEW
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {producer_x.username, province_officer.username}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [producer_x.email, province_officer.email]
    )
    assert ActivityLog.objects.filter(action="ocop.inquiry.filed").count() == 1
    # The same post again (a double click) is not a second inquiry.
    assert client.post(url, data).status_code == 302
    assert Inquiry.objects.count() == 1


def test_robots_are_refused_and_the_input_kept(client, certified_x):
    url = reverse("inquiry:product", args=[certified_x.pk])
    too_fast = _post(client, url, started=time.time() - MIN_SECONDS + 2)
    assert too_fast.status_code == 400
    assert "Nguyễn Văn Mua" in too_fast.content.decode()
    assert _post(client, url, website="http://spam.example").status_code == 400
    assert _post(client, url, started="forged").status_code == 400
    assert _post(client, url, started=time.time() - 2 * 86400).status_code == 400
    bad_contact = _post(client, url, contact="gọi tôi nhé")
    assert bad_contact.status_code == 400
    assert not Inquiry.objects.exists()


def test_the_hourly_limit_per_client_holds(client, settings, certified_x):
    settings.OCOP_INQUIRIES_PER_HOUR = 2
    url = reverse("inquiry:product", args=[certified_x.pk])
    for i in range(2):
        assert _post(client, url, message=f"Yêu cầu số {i} về sản phẩm").status_code == 302
    refused = _post(client, url, message="Yêu cầu thứ ba về sản phẩm")
    assert refused.status_code == 429
    assert Inquiry.objects.count() == 2
    other = client.post(
        url,
        {**GOOD, "started": form_token(now=time.time() - 10)},
        REMOTE_ADDR="10.1.2.3",
    )
    assert other.status_code == 302  # another client has its own limit


def test_only_products_in_force_and_their_producers_take_inquiries(client, product_x, certified_y):
    assert client.get(reverse("inquiry:product", args=[product_x.pk])).status_code == 404
    assert client.get(reverse("inquiry:subject", args=[product_x.subject_id])).status_code == 404
    url = reverse("inquiry:subject", args=[certified_y.subject_id])
    assert client.get(url).status_code == 200
    assert _post(client, url).status_code == 302
    assert Inquiry.objects.get().product is None


def test_states_move_through_the_workflow_and_are_logged(
    certified_x, producer_x, province_officer, officer_x, hanoi_officer
):
    inquiry = file_inquiry(subject=certified_x.subject, product=certified_x, **GOOD)
    assert [t.action for t in available(inquiry, producer_x)] == ["answer", "close"]
    assert available(inquiry, officer_x) == []
    with pytest.raises(PermissionDenied):
        set_inquiry_state(inquiry=inquiry, action="answer", by=hanoi_officer)
    inquiry = set_inquiry_state(
        inquiry=inquiry, action="answer", by=producer_x, reason="Đã gọi điện báo giá."
    )
    assert inquiry.state == InquiryState.ANSWERED
    assert inquiry.answered_at is not None
    with pytest.raises(ValidationError):
        set_inquiry_state(inquiry=inquiry, action="answer", by=producer_x)
    inquiry = set_inquiry_state(inquiry=inquiry, action="close", by=province_officer)
    assert inquiry.state == InquiryState.CLOSED
    assert inquiry.note == "Đã gọi điện báo giá."
    log = ActivityLog.objects.filter(action__in=["ocop.inquiry.answered", "ocop.inquiry.closed"])
    assert [(e.data["from"], e.data["to"]) for e in log.order_by("pk")] == [
        ("new", "answered"),
        ("answered", "closed"),
    ]


def test_inquiries_are_seen_by_their_subject_and_province_only(
    client, certified_x, certified_y, producer_x, province_officer, hanoi_officer
):
    mine = file_inquiry(subject=certified_x.subject, product=certified_x, **GOOD)
    other = file_inquiry(subject=certified_y.subject, product=certified_y, **GOOD)
    assert list(inquiries_visible_to(producer_x)) == [mine]
    assert set(inquiries_visible_to(province_officer)) == {mine, other}
    assert not inquiries_visible_to(hanoi_officer).exists()
    client.force_login(producer_x)
    assert client.get(reverse("trade:inquiry", args=[other.pk])).status_code == 404
    page = client.get(reverse("trade:inquiry", args=[mine.pk])).content.decode()
    assert GOOD["contact"] in page
    response = client.post(reverse("trade:inquiry_state", args=[mine.pk]), {"action": "answer"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.state == InquiryState.ANSWERED


def test_counts_per_unit_and_period(certified_x, certified_y, hanoi_product, commune_x):
    for product in (certified_x, certified_x, certified_y, hanoi_product):
        file_inquiry(subject=product.subject, product=product, **GOOD)
    today = timezone.localdate()
    counts = inquiry_counts(unit=province("38"), start=today, end=today)
    assert counts == {"total": 3, "new": 3, "answered": 0, "closed": 0, "subjects": 2}
    assert inquiry_counts(unit=commune_x, start=today, end=today)["total"] == 2
    assert inquiry_counts(unit=None, start=today, end=today)["total"] == 4
    yesterday = today - timedelta(days=1)
    assert inquiry_counts(unit=None, start=yesterday, end=yesterday)["total"] == 0
    commune_officer = user_with_role(Role.COMMUNE_OFFICER, unit=commune_x, username="xa.khac")
    assert not inquiries_visible_to(commune_officer).exists()
