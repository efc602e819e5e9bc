"""The officers' list of complaints and flagged stamps: scope, filters,
actions, clearing a flag, and the query count."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ocop.accounts.enums import Role
from ocop.core.models import ActivityLog
from ocop.inspections.domain.clones import flag_stamp
from ocop.inspections.domain.complaints import file_complaint
from ocop.inspections.enums import ComplaintState
from ocop.inspections.models import Complaint, FlagReview
from tests.factories.accounts import user_with_role
from tests.factories.geo import communes, province
from tests.factories.registry import ProductFactory, SubjectFactory

from .conftest import make_batch, make_certificate, make_stamp

pytestmark = pytest.mark.django_db


@pytest.fixture
def hanoi_product():
    subject = SubjectFactory(commune=communes("01", 1)[0], name="HTX Gốm Bát Tràng")
    product = ProductFactory(subject=subject, name="Bình gốm men lam")
    make_certificate(product)
    return product


@pytest.fixture
def hanoi_officer():
    return user_with_role(Role.PROVINCE_OFFICER, unit=province("01"), username="tinh.hn")


@pytest.fixture
def central_officer():
    return user_with_role(Role.CENTRAL_OFFICER, username="tw")


def flagged(product, by, reason="Quét bởi 25 máy khác nhau trong 30 ngày."):
    stamp = make_stamp(make_batch(product, by=by))
    flag_stamp(stamp_id=stamp.pk, reason=reason, rule="clients", data={})
    stamp.refresh_from_db()
    return stamp


def listed(client, **params) -> set[tuple[str, str]]:
    body = client.get("/inspections/", params).content.decode()
    rows = set()
    for part in body.split('<tr data-kind="')[1:]:
        kind = part.split('"')[0]
        link = part.split('href="')[1].split('"')[0]
        rows.add((kind, link))
    return rows


@pytest.fixture
def world(stamp, product_x, producer_x, hanoi_product):
    """In Thanh Hóa: a flagged stamp and a complaint; in Hà Nội the same;
    and a complaint about an unknown code."""
    th_stamp = flagged(product_x, producer_x)
    hn_stamp = flagged(hanoi_product, producer_x)
    th = file_complaint(code=f"s/{stamp.token}", message="Tem nghi giả ở chợ.")
    hn = file_complaint(code=f"s/{hn_stamp.token}", message="Bình gốm không có tem thật.")
    unknown = file_complaint(code="s/" + "Q" * 20, message="Mã không tồn tại trên hệ thống.")
    return {"th_stamp": th_stamp, "hn_stamp": hn_stamp, "th": th, "hn": hn, "unknown": unknown}


def test_province_officer_sees_only_their_province(client, world, province_officer):
    client.force_login(province_officer)
    assert listed(client) == {
        ("flag", f"/inspections/stamps/{world['th_stamp'].pk}/"),
        ("complaint", f"/inspections/complaints/{world['th'].pk}/"),
    }
    assert client.get(f"/inspections/stamps/{world['hn_stamp'].pk}/").status_code == 404
    assert client.get(f"/inspections/complaints/{world['unknown'].pk}/").status_code == 404


def test_inspector_of_the_province_sees_the_same(client, world):
    inspector = user_with_role(Role.INSPECTOR, unit=province("38"))
    client.force_login(inspector)
    assert len(listed(client)) == 2


def test_central_officer_sees_everything_including_unknown_codes(client, world, central_officer):
    client.force_login(central_officer)
    assert len(listed(client)) == 5
    assert ("complaint", f"/inspections/complaints/{world['unknown'].pk}/") in listed(client)


def test_the_list_is_newest_first_and_filters_by_kind_and_state(client, world, central_officer):
    client.force_login(central_officer)
    body = client.get("/inspections/").content.decode()
    order = [body.index(f"/inspections/complaints/{world[k].pk}/") for k in ("unknown", "hn", "th")]
    assert order == sorted(order)
    assert {kind for kind, _ in listed(client, kind="flag")} == {"flag"}
    assert {kind for kind, _ in listed(client, kind="complaint")} == {"complaint"}
    assert listed(client, state="in_review") == set()
    assert len(listed(client, state="new")) == 5


@pytest.mark.parametrize("role", [Role.COMMUNE_OFFICER, Role.PRODUCER, Role.ADVISORY_TEAM])
def test_other_roles_cannot_open_the_list(client, role, subject_x, commune_x):
    unit = commune_x if role == Role.COMMUNE_OFFICER else province("38")
    user = user_with_role(
        role,
        unit=None if role == Role.PRODUCER else unit,
        subject=subject_x if role == Role.PRODUCER else None,
    )
    client.force_login(user)
    assert client.get("/inspections/").status_code == 403


def test_navigation_shows_the_list_to_officers_only(client, province_officer, producer_x, english):
    client.force_login(province_officer)
    assert "Complaints and flagged stamps" in client.get("/dashboard/").content.decode()
    client.force_login(producer_x)
    assert "Complaints and flagged stamps" not in client.get("/dashboard/").content.decode()


def test_officer_handles_a_complaint_from_its_page(client, world, province_officer, english):
    client.force_login(province_officer)
    url = f"/inspections/complaints/{world['th'].pk}/"
    page = client.get(url).content.decode()
    assert "Tem nghi giả ở chợ." in page
    assert 'value="review"' in page
    act = f"{url}act/"
    assert client.post(act, {"action": "review"}).status_code == 302
    refused = client.post(act, {"action": "close", "resolution": ""})
    assert refused.status_code == 400
    assert "Write what was found and done." in refused.content.decode()
    assert client.post(act, {"action": "close", "resolution": "Đã xử lý."}).status_code == 302
    complaint = Complaint.objects.get(pk=world["th"].pk)
    assert (complaint.state, complaint.resolution) == (ComplaintState.CLOSED, "Đã xử lý.")
    assert "complaint moved on" in client.get(url).content.decode()
    hn = f"/inspections/complaints/{world['hn'].pk}/act/"
    assert client.post(hn, {"action": "review"}).status_code == 404


def test_clearing_a_flag_needs_a_note_and_is_logged(client, world, province_officer, english):
    client.force_login(province_officer)
    stamp = world["th_stamp"]
    url = f"/inspections/stamps/{stamp.pk}/"
    page = client.get(url).content.decode()
    assert "Quét bởi 25 máy khác nhau trong 30 ngày." in page
    assert client.post(f"{url}clear/", {"note": ""}).status_code == 400
    response = client.post(f"{url}clear/", {"note": "Kiểm tra tại đại lý: hàng thật."})
    assert response.status_code == 302
    stamp.refresh_from_db()
    assert (stamp.flagged_at, stamp.flag_reason) == (None, "")
    review = FlagReview.objects.get(stamp=stamp)
    assert (review.note, review.flag_reason, review.by) == (
        "Kiểm tra tại đại lý: hàng thật.",
        "Quét bởi 25 máy khác nhau trong 30 ngày.",
        province_officer,
    )
    entry = ActivityLog.objects.get(action="ocop.stamp.flag_cleared")
    assert (entry.actor, entry.data["note"]) == (
        province_officer,
        "Kiểm tra tại đại lý: hàng thật.",
    )
    # The cleared flag stays in the list as closed.
    assert ("review", url) in listed(client, state="closed")
    assert client.post(f"{url}clear/", {"note": "again"}).status_code == 400  # not flagged now
    hn = f"/inspections/stamps/{world['hn_stamp'].pk}/clear/"
    assert client.post(hn, {"note": "x"}).status_code == 404


def test_list_has_no_n_plus_one(
    client, product_x, producer_x, hanoi_product, central_officer, django_assert_max_num_queries
):
    stamp = make_stamp(make_batch(product_x, by=producer_x))
    file_complaint(code=f"s/{stamp.token}", message="Một khiếu nại đầu tiên.")
    flagged(product_x, producer_x)
    cleared = flagged(product_x, producer_x)
    FlagReview.objects.create(
        stamp=cleared,
        flagged_at=cleared.flagged_at,
        flag_reason=cleared.flag_reason,
        note="ok",
        by=central_officer,
        at=timezone.now(),
    )
    client.force_login(central_officer)
    with django_assert_max_num_queries(20) as few:
        assert client.get("/inspections/").status_code == 200
    for i in range(15):
        file_complaint(code=f"s/{stamp.token}", message=f"Khiếu nại số {i} về tem giả.")
        file_complaint(code=f"s/{'Q' * 19}{i % 10}", message=f"Mã lạ số {i} ở chợ.")
        hn = flagged(hanoi_product, producer_x)
        if i % 2:
            FlagReview.objects.create(
                stamp=hn,
                flagged_at=hn.flagged_at,
                flag_reason=hn.flag_reason,
                note="ok",
                by=central_officer,
                at=timezone.now() + timedelta(seconds=i),
            )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/inspections/")
    assert response.status_code == 200
    assert len(listed(client)) == 50  # a full page
