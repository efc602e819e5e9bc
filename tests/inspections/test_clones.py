"""Clone detection: scans far apart within a short time (when a located scan
arrives) and unusually many distinct clients (the periodic job)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from ocop.accounts.enums import Role
from ocop.core.models import ActivityLog, Notification
from ocop.core.periodic import REGISTRY
from ocop.inspections.domain.clones import check_distance, flag_many_clients, haversine_km
from ocop.inspections.domain.flags import clear_stamp_flag
from ocop.stamps.models import Scan
from tests.factories.accounts import user_with_role
from tests.factories.geo import province
from tests.verify.conftest import make_batch, make_stamp

pytestmark = pytest.mark.django_db

HANOI = ("21.03", "105.85")
THANH_HOA = ("19.81", "105.78")
SAM_SON = ("19.74", "105.90")  # about 15 km from Thanh Hóa city


def scan_at(stamp, where=None, *, ago=timedelta(0), fingerprint="a" * 32):
    lat, lon = where or (None, None)
    return Scan.objects.create(
        stamp=stamp,
        at=timezone.now() - ago,
        fingerprint=fingerprint,
        latitude=Decimal(lat) if lat else None,
        longitude=Decimal(lon) if lon else None,
    )


@pytest.fixture
def inspector():
    return user_with_role(Role.INSPECTOR, unit=province("38"), username="tt.th")


@pytest.fixture
def hanoi_officer():
    return user_with_role(Role.PROVINCE_OFFICER, unit=province("01"), username="tinh.hn")


def test_haversine():
    assert round(haversine_km(*HANOI, *THANH_HOA)) == 136
    assert haversine_km(*HANOI, *HANOI) == 0


def test_far_apart_within_the_window_flags_once_and_tells_the_province(
    client, stamp, province_officer, inspector, hanoi_officer
):
    scan_at(stamp, THANH_HOA, ago=timedelta(hours=3), fingerprint="b" * 32)
    client.get(f"/s/{stamp.token}")
    lat, lon = HANOI
    response = client.post(f"/s/{stamp.token}/where", {"latitude": lat, "longitude": lon})
    assert response.status_code == 200
    stamp.refresh_from_db()
    assert stamp.flagged_at is not None
    assert "136 km" in stamp.flag_reason
    assert "21.03, 105.85" in stamp.flag_reason
    assert "19.81, 105.78" in stamp.flag_reason
    notified = set(Notification.objects.values_list("user__username", flat=True))
    assert notified == {"tinh.th", "tt.th"}
    entry = ActivityLog.objects.get(action="ocop.stamp.flagged")
    assert (entry.data["rule"], entry.unit) == ("distance", stamp.batch.product.province)
    # A third far scan does not flag (or notify) again.
    client.post(f"/s/{stamp.token}/where", {"latitude": "10.78", "longitude": "106.70"})
    assert Notification.objects.count() == 2


def test_near_places_do_not_flag(stamp):
    scan_at(stamp, THANH_HOA, ago=timedelta(hours=1), fingerprint="b" * 32)
    assert check_distance(scan=scan_at(stamp, SAM_SON)) is False
    stamp.refresh_from_db()
    assert stamp.flagged_at is None


def test_far_apart_outside_the_window_does_not_flag(stamp, settings):
    settings.OCOP_CLONE_WINDOW_HOURS = 24
    scan_at(stamp, HANOI, ago=timedelta(hours=30), fingerprint="b" * 32)
    assert check_distance(scan=scan_at(stamp, THANH_HOA)) is False


def test_distance_threshold_is_a_setting(stamp, settings):
    settings.OCOP_CLONE_DISTANCE_KM = 200
    scan_at(stamp, HANOI, ago=timedelta(hours=1), fingerprint="b" * 32)
    assert check_distance(scan=scan_at(stamp, THANH_HOA)) is False
    settings.OCOP_CLONE_DISTANCE_KM = 100
    assert check_distance(scan=scan_at(stamp, THANH_HOA)) is True


def test_scans_without_location_are_never_compared(stamp):
    scan_at(stamp, HANOI, ago=timedelta(hours=1))
    assert check_distance(scan=scan_at(stamp)) is False


def many_clients(stamp, n, *, ago=timedelta(hours=1)):
    for i in range(n):
        scan_at(stamp, ago=ago, fingerprint=f"{i:032x}")


def test_many_distinct_clients_flag_the_stamp_in_the_periodic_job(
    stamp, product_x, producer_x, province_officer, settings
):
    settings.OCOP_CLONE_DISTINCT_CLIENTS = 5
    few = make_stamp(make_batch(product_x, by=producer_x))
    many_clients(stamp, 6)
    many_clients(few, 4)
    for _ in range(10):  # the same client again and again is one client
        scan_at(few, fingerprint="f" * 32)
    assert flag_many_clients()["stamps_flagged"] == 1
    stamp.refresh_from_db()
    few.refresh_from_db()
    assert stamp.flagged_at is not None
    assert few.flagged_at is None
    assert "6" in stamp.flag_reason
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["tinh.th"]
    # Next run: nothing new, nothing flagged twice.
    assert flag_many_clients()["stamps_flagged"] == 0
    assert Notification.objects.count() == 1


def test_run_periodic_runs_the_clone_job(stamp, settings):
    settings.OCOP_CLONE_DISTINCT_CLIENTS = 2
    many_clients(stamp, 3)
    call_command("run_periodic", "--force", verbosity=0)
    assert "ocop.inspections.periodic.flag_stamps_scanned_by_many_clients" in REGISTRY
    stamp.refresh_from_db()
    assert stamp.flagged_at is not None


def test_clients_outside_the_window_do_not_count(stamp, settings):
    settings.OCOP_CLONE_DISTINCT_CLIENTS = 3
    settings.OCOP_CLONE_CLIENT_WINDOW_DAYS = 30
    many_clients(stamp, 10, ago=timedelta(days=40))
    many_clients(stamp, 2)
    assert flag_many_clients()["stamps_flagged"] == 0


def test_the_job_looks_only_at_stamps_scanned_since_its_last_run(
    stamp, product_x, producer_x, settings
):
    settings.OCOP_CLONE_DISTINCT_CLIENTS = 3
    now = timezone.now()
    flag_many_clients(now=now)  # the checkpoint
    quiet = make_stamp(make_batch(product_x, by=producer_x))
    many_clients(quiet, 5, ago=timedelta(hours=2))  # before the checkpoint
    many_clients(stamp, 2, ago=timedelta(hours=2))
    scan_at(stamp, ago=timedelta(minutes=-1), fingerprint="e" * 32)  # since the checkpoint
    scan_at(stamp, ago=timedelta(minutes=-1), fingerprint="d" * 32)
    assert flag_many_clients(now=now + timedelta(minutes=15))["stamps_flagged"] == 1
    quiet.refresh_from_db()
    stamp.refresh_from_db()
    assert (stamp.flagged_at is not None, quiet.flagged_at) == (True, None)


def test_the_job_is_one_aggregate_query_whatever_the_number_of_stamps(
    stamp, product_x, producer_x, settings, django_assert_num_queries
):
    settings.OCOP_CLONE_DISTINCT_CLIENTS = 50
    flag_many_clients()  # the first run sets the checkpoint
    many_clients(stamp, 3, ago=timedelta(0))
    with django_assert_num_queries(3) as one:  # checkpoint, aggregate, checkpoint
        flag_many_clients()
    batch = make_batch(product_x, by=producer_x)
    for _ in range(20):
        many_clients(make_stamp(batch), 3, ago=timedelta(0))
    with django_assert_num_queries(len(one.captured_queries)):
        flag_many_clients()
    aggregates = [q["sql"] for q in one.captured_queries if "COUNT(DISTINCT" in q["sql"]]
    assert len(aggregates) == 1


def test_scans_before_a_cleared_flag_do_not_count_again(stamp, province_officer, settings):
    settings.OCOP_CLONE_DISTINCT_CLIENTS = 3
    many_clients(stamp, 5, ago=timedelta(hours=2))
    assert flag_many_clients()["stamps_flagged"] == 1
    stamp.refresh_from_db()
    clear_stamp_flag(stamp=stamp, by=province_officer, note="Đã kiểm tra tại cửa hàng: hàng thật.")
    many_clients(stamp, 2, ago=timedelta(minutes=-1))
    assert flag_many_clients(now=timezone.now() + timedelta(minutes=20))["stamps_flagged"] == 0
    stamp.refresh_from_db()
    assert stamp.flagged_at is None


def test_far_scans_from_two_phones_through_the_pages(stamp, settings):
    """Two people, two places, the same stamp, an hour apart."""
    first, second = Client(), Client()
    first.get(f"/s/{stamp.token}", REMOTE_ADDR="203.113.1.25")
    first.post(
        f"/s/{stamp.token}/where",
        {"latitude": THANH_HOA[0], "longitude": THANH_HOA[1]},
        REMOTE_ADDR="203.113.1.25",
    )
    second.get(f"/s/{stamp.token}", REMOTE_ADDR="113.160.2.40")
    second.post(
        f"/s/{stamp.token}/where",
        {"latitude": "10.78", "longitude": "106.70"},
        REMOTE_ADDR="113.160.2.40",
    )
    stamp.refresh_from_db()
    assert stamp.flagged_at is not None


def test_one_clients_own_far_apart_locations_do_not_flag(stamp, settings):
    """A location is self-reported: two made-up places from the same client
    ("1,143 km apart in 0.0 h") are no evidence of a copy."""
    client = Client(REMOTE_ADDR="203.113.1.25")
    for latitude, longitude in (THANH_HOA, ("10.78", "106.70")):
        client.get(f"/s/{stamp.token}")
        client.post(f"/s/{stamp.token}/where", {"latitude": latitude, "longitude": longitude})
    stamp.refresh_from_db()
    assert stamp.flagged_at is None
    # Even with another browser on the same client.
    other_browser = Client(REMOTE_ADDR="203.113.1.25", HTTP_USER_AGENT="another browser")
    other_browser.get(f"/s/{stamp.token}")
    other_browser.post(f"/s/{stamp.token}/where", {"latitude": "16.05", "longitude": "108.20"})
    stamp.refresh_from_db()
    assert stamp.flagged_at is None


def test_one_phone_rotating_its_ipv6_address_is_one_client(stamp, settings):
    """An IPv6 phone may use any address of its /64: scanning from many of them
    is still one client, so it cannot make a genuine stamp look copied."""
    settings.OCOP_CLONE_DISTINCT_CLIENTS = 3
    for host in range(1, 10):
        Client().get(f"/s/{stamp.token}", REMOTE_ADDR=f"2001:db8:ab:cd::{host:x}")
    assert Scan.objects.filter(stamp=stamp).count() == 9
    assert Scan.objects.filter(stamp=stamp).values("fingerprint").distinct().count() == 1
    assert flag_many_clients()["stamps_flagged"] == 0
    # Four other networks are four more clients.
    for network in range(1, 5):
        Client().get(f"/s/{stamp.token}", REMOTE_ADDR=f"2001:db8:{network}::1")
    assert flag_many_clients()["stamps_flagged"] == 1


def test_a_flag_is_for_the_officers_not_a_warning_to_consumers(client, stamp, settings):
    """A flag rests on self-reported places or counted clients: the officers
    check it; the consumer's page keeps answering genuine until an officer
    acts (voids the stamp or revokes the certificate)."""
    settings.OCOP_CLONE_DISTINCT_CLIENTS = 2
    many_clients(stamp, 3)
    assert flag_many_clients()["stamps_flagged"] == 1
    stamp.refresh_from_db()
    page = client.get(f"/s/{stamp.token}")
    assert page.status_code == 200
    assert stamp.flag_reason not in page.content.decode()
