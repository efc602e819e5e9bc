"""Dashboards per level: each role opens its own (and no other), and every
number on it is a link to a list that shows the same count."""

import ast
import io
import re
import threading
from datetime import date, timedelta
from html import unescape

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.enums import Role
from ocop.accounts.models import RoleAssignment
from ocop.certification.enums import CertificateStatus
from ocop.cycles.domain import workflow
from ocop.cycles.enums import DossierState
from ocop.stamps.domain.batches import request_stamps
from ocop.stats.domain import cache as stats_cache
from ocop.stats.domain import pending
from tests.factories.accounts import UserFactory, user_with_role
from tests.factories.cycles import ready_dossier
from tests.factories.geo import communes, province
from tests.factories.registry import ProductFactory, SubjectFactory
from tests.factories.stamps import certify

FIGURE = re.compile(r'<a href="([^"]+)" data-figure="(\d+)"')
COUNT = re.compile(r'id="result-count">\s*(?:<[^>]+>\s*)*([\d.]+)')
LEVEL_URLS = {
    "centre": "site:dashboard_centre",
    "province": "site:dashboard_province",
    "commune": "site:dashboard_commune",
    "producer": "site:dashboard_producer",
    "council": "site:dashboard_council",
}


def figures_of(page: str) -> list[tuple[str, int]]:
    return [(unescape(url), int(n)) for url, n in FIGURE.findall(page)]


def list_count(client, url: str) -> int:
    answer = client.get(url)
    assert answer.status_code == 200, url
    match = COUNT.search(answer.content.decode())
    assert match, f"{url} shows no result count"
    return int(match.group(1).replace(".", ""))


def check_every_figure(client, page: str) -> int:
    figures = figures_of(page)
    for url, n in figures:
        assert list_count(client, url) == n, url
    return len(figures)


@pytest.mark.django_db
def test_each_level_is_refused_to_the_roles_without_it(client):
    commune = communes("38", 1)[0]
    producer = user_with_role(Role.PRODUCER, subject=SubjectFactory(commune=commune))
    client.force_login(producer)
    assert client.get(reverse("site:dashboard_producer")).status_code == 200
    for level in ("centre", "province", "commune", "council"):
        assert client.get(reverse(LEVEL_URLS[level])).status_code == 403, level


@pytest.mark.django_db
def test_a_person_without_a_role_sees_their_roles_page(client):
    client.force_login(UserFactory())
    page = client.get(reverse("site:dashboard")).content.decode()
    assert "dashboard-levels" not in page


@pytest.mark.django_db
def test_the_province_dashboard_counts_match_their_lists(client):
    today = timezone.localdate()
    thanh_hoa = province("38")
    commune_x, commune_y = communes("38", 2)
    officer = user_with_role(Role.PROVINCE_OFFICER, unit=thanh_hoa)
    subject_x = SubjectFactory(commune=commune_x, legal_form="htx")
    subject_y = SubjectFactory(commune=commune_y, legal_form="hkd")
    certify(ProductFactory(subject=subject_x), star=4, issued=date(today.year, 1, 1))
    certify(
        ProductFactory(subject=subject_x),
        star=3,
        issued=today - timedelta(days=3 * 365),
        valid_until=today + timedelta(days=20),
    )
    certify(
        ProductFactory(subject=subject_y),
        star=3,
        issued=today - timedelta(days=3 * 365),
        valid_until=today + timedelta(days=60),
    )
    certify(
        ProductFactory(subject=subject_y),
        star=5,
        issued=today - timedelta(days=400),
        status=CertificateStatus.REVOKED,
    )
    # Another province's product is not counted.
    certify(ProductFactory(subject=SubjectFactory(commune=communes("01", 1)[0])), star=4)
    client.force_login(officer)
    page = client.get(reverse("site:dashboard")).content.decode()
    assert 'data-level="province"' in page
    expiring = {
        days: pending.certificates_expiring(user=officer, days=days, today=today, unit=thanh_hoa)
        for days in (30, 90)
    }
    assert (expiring[30].value, expiring[90].value) == (1, 2)
    assert re.search(r'id="total-in-force"><a href="[^"]+" data-figure="3"', page)
    assert check_every_figure(client, page) >= 12


@pytest.mark.django_db
def test_the_commune_and_producer_dashboards_count_dossiers_documents_and_certificates(client):
    today = timezone.localdate()
    commune = communes("38", 1)[0]
    subject = SubjectFactory(commune=commune)
    producer = user_with_role(Role.PRODUCER, subject=subject)
    commune_officer = user_with_role(Role.COMMUNE_OFFICER, unit=commune)
    product = ProductFactory(subject=subject)
    submitted = ready_dossier(
        product=product, producer=producer, food_safety_expires=today + timedelta(days=10)
    )
    workflow.set_dossier_state(dossier=submitted, action="submit", by=producer)
    ready_dossier(product=ProductFactory(subject=subject), producer=producer)
    certify(
        ProductFactory(subject=subject),
        star=4,
        issued=today - timedelta(days=1000),
        valid_until=today + timedelta(days=45),
    )
    client.force_login(commune_officer)
    page = client.get(reverse("site:dashboard")).content.decode()
    assert 'data-level="commune"' in page
    waiting = pending.dossiers(user=commune_officer, states=(DossierState.SUBMITTED,), unit=commune)
    assert waiting[DossierState.SUBMITTED].value == 1
    assert check_every_figure(client, page) >= 5
    client.force_login(producer)
    page = client.get(reverse("site:dashboard")).content.decode()
    assert 'data-level="producer"' in page
    assert re.search(r'id="in-force"><a href="[^"]+" data-figure="1"', page)
    assert check_every_figure(client, page) >= 6


def _in_force(client) -> tuple[int, str]:
    page = client.get(reverse("site:dashboard_province")).content.decode()
    value = int(re.search(r'id="total-in-force"><a href="[^"]+" data-figure="(\d+)"', page)[1])
    return value, re.search(r'id="as-of">([^<]+)<', page)[1]


@pytest.mark.django_db
def test_a_change_shows_after_the_job_and_the_page_says_when_it_was_counted(client):
    thanh_hoa = province("38")
    subject = SubjectFactory(commune=communes("38", 1)[0])
    officer = user_with_role(Role.PROVINCE_OFFICER, unit=thanh_hoa)
    client.force_login(officer)
    certify(ProductFactory(subject=subject), star=3)
    start = timezone.now().replace(microsecond=0) + timedelta(minutes=1)
    with time_machine.travel(start, tick=False):
        value, as_of = _in_force(client)
    assert value == 1
    assert as_of.strip() == "Số liệu tính đến " + timezone.localtime(start).strftime(
        "%H:%M %d/%m/%Y"
    )
    # A change: the next requests serve the figures as they were counted,
    # with the time they were counted — no request counts again.
    certify(ProductFactory(subject=subject), star=4)
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        assert _in_force(client) == (value, as_of)
        # The job counts the stale entry again.
        assert call_command_job() == {"refreshed": 1, "forgotten": 0, "kept": 1}
    later = start + timedelta(minutes=3)
    with time_machine.travel(later, tick=False):
        value, as_of = _in_force(client)
    assert value == 2
    assert as_of.strip().endswith(
        timezone.localtime(start + timedelta(minutes=2)).strftime("%H:%M %d/%m/%Y")
    )
    # Nothing changed since: the job has nothing to count.
    with time_machine.travel(later, tick=False):
        assert call_command_job()["refreshed"] == 0


def call_command_job() -> dict:
    """``manage.py run_periodic --force --only refresh_dashboards``: its result."""
    out = io.StringIO()
    call_command("run_periodic", "--force", "--only", "refresh_dashboards", stdout=out)
    line = out.getvalue().strip()
    assert line.startswith("ocop.stats.periodic.refresh_dashboards: "), line
    return ast.literal_eval(line.split(": ", 1)[1])


@pytest.mark.django_db
def test_a_missing_entry_is_counted_once_not_per_request(client, django_assert_max_num_queries):
    thanh_hoa = province("38")
    officer = user_with_role(Role.PROVINCE_OFFICER, unit=thanh_hoa)
    certify(ProductFactory(subject=SubjectFactory(commune=communes("38", 1)[0])), star=3)
    client.force_login(officer)
    with CaptureQueriesContext(connection) as cold:
        assert client.get(reverse("site:dashboard_province")).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert client.get(reverse("site:dashboard_province")).status_code == 200
    assert len(warm) < len(cold) - 10
    # A stale entry is served as it is: no counting on the request either.
    certify(ProductFactory(subject=SubjectFactory(commune=communes("38", 1)[0])), star=4)
    with django_assert_max_num_queries(len(warm)):
        assert client.get(reverse("site:dashboard_province")).status_code == 200


@pytest.mark.django_db
def test_a_request_waits_for_the_one_counting_a_missing_entry():
    """While one request holds the lock of a missing entry, another does not
    count: it waits and serves the entry the first one keeps."""
    thanh_hoa = province("38")
    officer = user_with_role(Role.PROVINCE_OFFICER, unit=thanh_hoa)
    key = stats_cache.entry_key("dashboard:province", user=officer, unit=thanh_hoa, language="vi")
    assert cache.add(f"{key}:lock", 1, timeout=60)
    written = {"counted_at": timezone.now(), "version": 0, "day": None, "figures": {"x": 1}}
    timer = threading.Timer(0.3, lambda: cache.set(key, written))
    timer.start()
    try:
        counted_at, figures = stats_cache.kept("dashboard:province", user=officer, unit=thanh_hoa)
    finally:
        timer.join()
    assert (counted_at, figures) == (written["counted_at"], {"x": 1})


@pytest.mark.django_db
def test_the_central_office_opens_one_province_and_every_cell_links_zeros_too(client):
    today = timezone.localdate()
    thanh_hoa, ha_noi = province("38"), province("01")
    subject = SubjectFactory(commune=communes("38", 1)[0])
    certify(ProductFactory(subject=subject), star=4, issued=date(today.year, 1, 1))
    certify(ProductFactory(subject=SubjectFactory(commune=communes("01", 1)[0])), star=3)
    central = user_with_role(Role.CENTRAL_OFFICER)
    client.force_login(central)
    centre = client.get(reverse("site:dashboard_centre")).content.decode()
    # The ranking names each province's dashboard; its total links too.
    assert f"?province={thanh_hoa.code}" in centre
    assert check_every_figure(client, centre) >= 10
    page = client.get(reverse("site:dashboard_province") + "?province=38").content.decode()
    assert 'data-level="province"' in page
    assert f'<h1 class="h3 mb-0">{thanh_hoa.name}</h1>' in page
    assert re.search(r'id="total-in-force"><a href="[^"]+" data-figure="1"', page)
    # The 3★ and 5★ cells are 0 and still open their (empty) lists; the
    # pending counts are the province's own (?province= on each list).
    zeros = [(url, n) for url, n in figures_of(page) if n == 0]
    assert len(zeros) >= 8
    assert all(f"province={thanh_hoa.pk}" in url for url, _n in zeros)
    assert check_every_figure(client, page) >= 20
    other = client.get(reverse("site:dashboard_province") + f"?unit={ha_noi.pk}").content.decode()
    assert f'<h1 class="h3 mb-0">{ha_noi.name}</h1>' in other
    assert check_every_figure(client, other) >= 20


@pytest.mark.django_db
def test_an_officer_of_two_provinces_picks_one_and_sees_its_own_pending_counts(client):
    thanh_hoa, nghe_an = province("38"), province("40")
    officer = user_with_role(Role.PROVINCE_OFFICER, unit=thanh_hoa)
    RoleAssignment.objects.create(user=officer, role=Role.PROVINCE_OFFICER, unit=nghe_an)
    subject = SubjectFactory(commune=communes("40", 1)[0])
    producer = user_with_role(Role.PRODUCER, subject=subject)
    request_stamps(
        by=producer, product=certify(ProductFactory(subject=subject)).product, quantity=100
    )
    client.force_login(officer)

    def stamp_requests(unit) -> int:
        page = client.get(reverse("site:dashboard_province") + f"?unit={unit.pk}")
        html = page.content.decode()
        row = re.search(r"Đề nghị cấp tem cần duyệt</th><td[^>]*>(.*?)</td>", html)[1]
        return figures_of(row)[0][1]

    assert (stamp_requests(thanh_hoa), stamp_requests(nghe_an)) == (0, 1)
