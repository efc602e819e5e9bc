""" "Report a suspected fake": no account, honeypot, signed form timestamp,
hourly limit per client, routing to the product's province."""

import itertools
import time
from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from ocop.accounts.enums import Role
from ocop.core.forms import FORM_SALT, form_token
from ocop.core.models import ActivityLog, Notification
from ocop.inspections.domain.complaints import file_complaint, set_complaint_state
from ocop.inspections.enums import ComplaintState
from ocop.inspections.models import Complaint
from tests.factories.accounts import user_with_role
from tests.factories.geo import province

pytestmark = pytest.mark.django_db

MESSAGE = "Nhãn OCOP in mờ, tem dán lệch, giá rẻ bất thường."


_reports = itertools.count(1)


def report(client, code, *, token=None, **fields):
    """Post a report; each one says something new (an identical post is a
    double submit, answered with the first one's result)."""
    data = {
        "code": code,
        "message": f"{MESSAGE} (lần {next(_reports)})",
        "place": "Chợ Bình Tây, TP. Hồ Chí Minh",
        "contact": "0912 345 678",
        "started": token or form_token(now=time.time() - 20),
        "website": "",
    }
    data.update(fields)
    return client.post("/report-fake/", data)


@pytest.fixture
def hanoi_officer():
    return user_with_role(Role.PROVINCE_OFFICER, unit=province("01"), username="tinh.hn")


@pytest.fixture
def central_officer():
    return user_with_role(Role.CENTRAL_OFFICER, username="tw")


def test_the_page_links_to_the_form_with_the_scanned_code(client, stamp, english):
    body = client.get(f"/s/{stamp.token}").content.decode()
    assert "Report a suspected fake" in body
    link = f"/report-fake/?code=s%2F{stamp.token}"
    assert f'href="{link}"' in body
    assert "csrfmiddlewaretoken" not in body  # a scan makes no CSRF token
    form = client.get(link).content.decode()
    assert f'name="code" value="s/{stamp.token}"' in form
    assert 'name="started" value="' in form
    assert 'name="website"' in form


def test_a_report_reaches_the_products_province_and_only_it(
    client, stamp, product_x, province_officer, hanoi_officer, central_officer
):
    response = report(client, f"s/{stamp.token}", message=MESSAGE)
    assert response.status_code == 302
    assert response["Location"] == f"/report-fake/sent/?code=s%2F{stamp.token}"
    complaint = Complaint.objects.get()
    assert (
        complaint.stamp,
        complaint.product,
        complaint.province,
        complaint.message,
        complaint.place,
        complaint.contact,
        complaint.state,
    ) == (
        stamp,
        product_x,
        province("38"),
        MESSAGE,
        "Chợ Bình Tây, TP. Hồ Chí Minh",
        "0912 345 678",
        ComplaintState.NEW,
    )
    assert len(complaint.fingerprint) == 32
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["tinh.th"]
    assert ActivityLog.objects.filter(action="ocop.complaint.filed").count() == 1
    sent = client.get(response["Location"])
    assert sent.status_code == 200
    assert f'href="/s/{stamp.token}" id="back-to-product"' in sent.content.decode()
    assert (
        "back-to-product" not in client.get("/report-fake/sent/?code=javascript:x").content.decode()
    )

    client.force_login(province_officer)
    assert (
        f"/inspections/complaints/{complaint.pk}/" in client.get("/inspections/").content.decode()
    )
    client.force_login(hanoi_officer)
    assert (
        f"/inspections/complaints/{complaint.pk}/"
        not in client.get("/inspections/").content.decode()
    )
    assert client.get(f"/inspections/complaints/{complaint.pk}/").status_code == 404


def test_a_report_from_the_gs1_and_certificate_pages_finds_the_product(
    client, stamp, product_x, certificate
):
    product_x.gtin = "8930000000019"
    product_x.save()
    report(client, f"01/08930000000019/21/{stamp.token}")
    report(client, f"c/{certificate.token}")
    assert [(c.stamp, c.product) for c in Complaint.objects.order_by("id")] == [
        (stamp, product_x),
        (None, product_x),
    ]


def test_a_report_of_an_unknown_code_goes_to_the_central_office(
    client, province_officer, central_officer
):
    response = report(client, "s/" + "Q" * 20)
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.province, complaint.product, complaint.code) == (None, None, "s/" + "Q" * 20)
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["tw"]
    client.force_login(central_officer)
    assert (
        f"/inspections/complaints/{complaint.pk}/" in client.get("/inspections/").content.decode()
    )
    client.force_login(province_officer)
    assert client.get(f"/inspections/complaints/{complaint.pk}/").status_code == 404


def test_the_warning_page_form_files_a_report_with_the_garbage_code(client):
    import html

    page = client.get("/s/%27%20OR%201=1").content.decode()
    link = html.unescape(
        page.split('<p class="mb-3" id="report"><a class="btn btn-danger" href="')[1]
    )
    form = client.get(link.split('"')[0]).content.decode()
    code = html.unescape(form.split('name="code" value="')[1].split('"')[0])
    assert report(client, code).status_code == 302
    assert Complaint.objects.get().province is None


def test_honeypot_is_refused_and_keeps_the_input(client, stamp, english):
    response = report(client, f"s/{stamp.token}", website="http://spam.example")
    assert response.status_code == 400
    assert Complaint.objects.count() == 0
    body = response.content.decode()
    assert "Your report could not be accepted." in body
    assert MESSAGE in body
    assert "0912 345 678" in body


def test_too_fast_is_refused_with_a_clear_message_and_keeps_the_input(client, stamp, english):
    response = report(client, f"s/{stamp.token}", token=form_token())
    assert response.status_code == 400
    body = response.content.decode()
    assert "That was very quick. Please check your report and send it again." in body
    assert MESSAGE in body
    assert "Chợ Bình Tây, TP. Hồ Chí Minh" in body
    assert Complaint.objects.count() == 0
    # The re-rendered form carries a fresh timestamp: sent again later, it passes.
    fresh = body.split('name="started" value="')[1].split('"')[0]
    assert abs(signing.loads(fresh, salt=FORM_SALT)["t"] - time.time()) < 5


def test_a_form_older_than_a_day_is_refused(client, stamp, english):
    response = report(client, f"s/{stamp.token}", token=form_token(now=time.time() - 25 * 3600))
    assert response.status_code == 400
    assert "This form was opened more than a day ago." in response.content.decode()
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize("token", ["", "forged", form_token()[:-3] + "abc"])
def test_a_missing_or_forged_timestamp_is_refused(client, stamp, token, english):
    response = report(client, f"s/{stamp.token}", started=token)
    assert response.status_code == 400
    assert "The form could not be checked." in response.content.decode()


def test_message_is_required_and_bounded(client, stamp, english):
    assert report(client, f"s/{stamp.token}", message="").status_code == 400
    assert report(client, f"s/{stamp.token}", message="giả").status_code == 400
    response = report(client, f"s/{stamp.token}", message="x" * 2001)
    assert response.status_code == 400
    assert report(client, f"s/{stamp.token}", place="p" * 301).status_code == 400
    assert Complaint.objects.count() == 0


def test_sixth_report_within_the_hour_gets_429_with_a_clear_message(client, stamp, english):
    for _ in range(5):
        assert report(client, f"s/{stamp.token}").status_code == 302
    response = report(client, f"s/{stamp.token}", message="Lần thứ sáu: vẫn thấy tem giả.")
    assert response.status_code == 429
    body = response.content.decode()
    assert "You have sent several reports in the last hour." in body
    assert "Lần thứ sáu: vẫn thấy tem giả." in body
    assert Complaint.objects.count() == 5
    # Another browser on the same client is the same client…
    same = Client(HTTP_USER_AGENT="another browser")
    assert report(same, f"s/{stamp.token}").status_code == 429
    # …another client is not limited.
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert report(other, f"s/{stamp.token}").status_code == 302


def test_the_limit_is_a_setting(client, stamp, settings):
    settings.OCOP_COMPLAINTS_PER_HOUR = 1
    assert report(client, f"s/{stamp.token}").status_code == 302
    assert report(client, f"s/{stamp.token}").status_code == 429


def test_the_report_page_works_without_a_code(client):
    assert client.get("/report-fake/").status_code == 200
    assert report(client, "").status_code == 302
    assert Complaint.objects.get().code == ""


def test_complaint_transitions(stamp, province_officer, hanoi_officer):
    complaint = file_complaint(code=f"s/{stamp.token}", message=MESSAGE, fingerprint="f" * 32)
    with pytest.raises(ValidationError):  # closing needs review first
        set_complaint_state(complaint=complaint, action="close", by=province_officer, reason="x")
    with pytest.raises(PermissionDenied):
        set_complaint_state(complaint=complaint, action="review", by=hanoi_officer)
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.NEW
    complaint = set_complaint_state(complaint=complaint, action="review", by=province_officer)
    assert (complaint.state, complaint.handled_by) == (ComplaintState.IN_REVIEW, province_officer)
    with pytest.raises(ValidationError) as error:
        set_complaint_state(complaint=complaint, action="close", by=province_officer)
    assert "resolution" in error.value.message_dict
    complaint = set_complaint_state(
        complaint=complaint,
        action="close",
        by=province_officer,
        reason="Đã kiểm tra cửa hàng: tem thật, khách nhầm.",
    )
    assert (complaint.state, complaint.resolution) == (
        ComplaintState.CLOSED,
        "Đã kiểm tra cửa hàng: tem thật, khách nhầm.",
    )
    with pytest.raises(ValidationError):
        set_complaint_state(complaint=complaint, action="teleport", by=province_officer)
    logged = list(
        ActivityLog.objects.filter(action="ocop.complaint.transition")
        .order_by("id")
        .values_list("data__from", "data__to")
    )
    assert logged == [("new", "in_review"), ("in_review", "closed")]


def test_the_limit_holds_for_the_whole_hour_whatever_the_cache(client, stamp, settings):
    """The limit counts the reports themselves: five in the first minutes, then
    nothing more until an hour after the first (a cache that re-set its timeout
    let 13 through in 15 minutes)."""
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(5):
            assert report(client, f"s/{stamp.token}").status_code == 302
        for minutes in (6, 15, 40, 59):
            clock.move_to(start + timedelta(minutes=minutes))
            cache.clear()
            assert report(client, f"s/{stamp.token}").status_code == 429, minutes
        clock.move_to(start + timedelta(minutes=61))
        assert report(client, f"s/{stamp.token}").status_code == 302
    assert Complaint.objects.count() == 6


def test_the_same_report_sent_twice_is_filed_once(client, stamp):
    data = {"message": "Tem này dán trên chai không có nhãn phụ, nghi là giả.", "place": "Chợ X"}
    token = form_token(now=time.time() - 20)
    first = report(client, f"s/{stamp.token}", token=token, **data)
    second = report(client, f"s/{stamp.token}", token=token, **data)
    assert first.status_code == second.status_code == 302
    assert Complaint.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="threads need PostgreSQL (the SQLite test database is in memory)",
)
def test_twelve_parallel_reports_from_one_client_accept_exactly_the_limit(reference_data, stamp):
    """Twelve reports at the same moment (PostgreSQL: each its own connection):
    five are filed, seven refused, none answered with an error."""
    from tests.concurrency import run_together

    statuses = []

    def post():
        statuses.append(report(Client(), f"s/{stamp.token}").status_code)

    errors = run_together([post] * 12)
    assert errors == []
    assert sorted(statuses) == [302] * 5 + [429] * 7
    assert Complaint.objects.count() == 5
