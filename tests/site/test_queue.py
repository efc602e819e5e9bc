"""The work queue ("Việc của tôi"): every kind of item reaches the person who
acts on it and nobody else, oldest first, with the navigation's count equal
to the list, in a number of queries that does not grow with the items."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.enums import Role
from ocop.cycles.domain.workflow import set_dossier_state
from ocop.cycles.models import Dossier
from ocop.inspections.models import Checklist, Complaint, InspectionPlan, PlanRuleSet, Visit
from ocop.producers.enums import DocumentType
from ocop.producers.models import EvidenceDocument
from ocop.site.queue import queue_count, sections_for
from ocop.stamps.domain.batches import request_stamps
from tests.factories.accounts import user_with_role
from tests.factories.certification import closed_session
from tests.factories.cycles import ready_dossier
from tests.factories.evaluation import council_with_members, open_session
from tests.factories.geo import province
from tests.factories.registry import ProductFactory
from tests.factories.stamps import certify
from tests.verify.conftest import make_batch, make_stamp

pytestmark = pytest.mark.django_db


def found(user) -> dict[str, list[str]]:
    """kind → the URLs of its items (first page), for ``user``."""
    return {s.kind: [i.url for i in s.page.object_list] for s in sections_for(user) if s.count}


@pytest.fixture
def officer_y(commune_y):
    return user_with_role(Role.COMMUNE_OFFICER, unit=commune_y, username="xa.y")


@pytest.fixture
def producer_y(subject_y):
    return user_with_role(Role.PRODUCER, subject=subject_y, username="sx.y")


@pytest.fixture
def hanoi_officer():
    return user_with_role(Role.PROVINCE_OFFICER, unit=province("01"), username="tinh.hn")


@pytest.fixture
def inspector():
    return user_with_role(Role.INSPECTOR, unit=province("38"), username="thanhtra.th")


def dossier_url(d):
    return reverse("cycles:dossier", args=[d.pk])


def test_each_kind_reaches_the_right_person_only(
    product_x,
    product_y,
    subject_x,
    producer_x,
    producer_y,
    officer_x,
    officer_y,
    province_officer,
    hanoi_officer,
    inspector,
):
    today = timezone.localdate()
    # Dossiers submitted in each commune: each commune's officer sees its own.
    dossier_x = set_dossier_state(
        dossier=ready_dossier(product=product_x, producer=producer_x),
        action="submit",
        by=producer_x,
    )
    dossier_y = set_dossier_state(
        dossier=ready_dossier(product=product_y, producer=producer_y),
        action="submit",
        by=producer_y,
    )
    # A stamp request of a certified product of Thanh Hóa: its provincial office.
    certify(product_x)
    batch = request_stamps(product=product_x, quantity=100, by=producer_x)
    # A certificate of Y expiring in 10 days: Y's producer and commune.
    expiring = certify(
        product_y, issued=today - timedelta(days=1085), valid_until=today + timedelta(days=10)
    )
    # A document of X expiring in a week: X's producer.
    document = EvidenceDocument.objects.create(
        subject=subject_x, doc_type=DocumentType.FOOD_SAFETY, expires_on=today + timedelta(days=7)
    )
    # A complaint and a flagged stamp in Thanh Hóa: its officers and inspectors.
    complaint = Complaint.objects.create(
        province=product_x.province, product=product_x, message="Tem lạ"
    )
    stamp = make_stamp(make_batch(product_x, by=producer_x))
    stamp.flagged_at, stamp.flag_reason = timezone.now(), "Quét ở nhiều nơi"
    stamp.save()
    # A planned visit assigned to the inspector.
    plan = InspectionPlan.objects.create(
        province=product_x.province,
        year=today.year,
        rules=PlanRuleSet.objects.order_by("pk").first(),
        proposed_on=today,
        seed=1,
        created_by=inspector,
    )
    visit = Visit.objects.create(
        plan=plan,
        product=product_x,
        province=product_x.province,
        inspector=inspector,
        scheduled_on=today + timedelta(days=3),
        checklist=Checklist.objects.order_by("pk").first(),
    )

    assert found(officer_x) == {"dossiers": [dossier_url(dossier_x)]}
    assert found(officer_y) == {
        "dossiers": [dossier_url(dossier_y)],
        "certificates": [reverse("certification:certificate", args=[expiring.pk])],
    }
    assert found(producer_x) == {
        "documents": [reverse("producers:detail", args=[subject_x.pk]) + "#documents"]
    }
    assert document.subject_id == subject_x.pk
    assert found(producer_y) == {
        "certificates": [reverse("certification:certificate", args=[expiring.pk])]
    }
    assert found(province_officer) == {
        "stamp_requests": [reverse("stamps:batch", args=[batch.pk])],
        "complaints": [reverse("inspections:complaint", args=[complaint.pk])],
        "flags": [reverse("inspections:stamp", args=[stamp.pk])],
    }
    assert found(inspector) == {
        "complaints": [reverse("inspections:complaint", args=[complaint.pk])],
        "flags": [reverse("inspections:stamp", args=[stamp.pk])],
        "visits": [reverse("inspections:visit", args=[visit.pk])],
    }
    assert found(hanoi_officer) == {}


def test_council_members_score_the_chair_closes_the_office_decides(
    subject_x, subject_y, province_officer, hanoi_officer
):
    products = [ProductFactory(subject=subject_x) for _ in range(2)]
    council, members = council_with_members(officer=province_officer, members=3)
    session = open_session(officer=province_officer, council=council, products=products)
    chair, member = members[0].user, members[1].user
    mine = found(member)
    assert list(mine) == ["sheets"]
    assert len(mine["sheets"]) == 2
    assert found(chair)["sessions"] == [reverse("evaluation:session", args=[session.pk])]
    assert "sessions" not in found(member)
    outsider = user_with_role(Role.COUNCIL_MEMBER, unit=province("38"), username="hd.ngoai")
    assert found(outsider) == {}

    closed = closed_session(officer=province_officer, products=[ProductFactory(subject=subject_y)])
    assert found(province_officer)["sessions_to_decide"] == [
        reverse("certification:decision_draft", args=[closed.pk])
    ]
    assert "sessions_to_decide" not in found(hanoi_officer)


def test_oldest_first(subject_x, officer_x, producer_x):
    dossiers = []
    for age in (3, 10, 1):
        d = set_dossier_state(
            dossier=ready_dossier(product=ProductFactory(subject=subject_x), producer=producer_x),
            action="submit",
            by=producer_x,
        )
        Dossier.objects.filter(pk=d.pk).update(
            state_changed_at=timezone.now() - timedelta(days=age)
        )
        dossiers.append(d)
    oldest_first = [dossiers[1], dossiers[0], dossiers[2]]
    assert found(officer_x)["dossiers"] == [dossier_url(d) for d in oldest_first]


def test_the_navigation_count_equals_the_list(client, subject_x, officer_x, producer_x):
    for _ in range(3):
        set_dossier_state(
            dossier=ready_dossier(product=ProductFactory(subject=subject_x), producer=producer_x),
            action="submit",
            by=producer_x,
        )
    client.force_login(officer_x)
    page = client.get(reverse("site:queue")).content.decode()
    badge = re.search(r'id="queue-count" data-count="(\d+)"', page).group(1)
    rows = re.findall(r'<tr[^>]*data-kind="dossiers"', page)
    assert int(badge) == len(rows) == 3
    assert re.findall(r'data-count="(\d+)"', page)[1:] == ["3", "0", "0"]  # dossiers, ideas, certs
    # Other pages fetch the badge once loaded: the same count, in a fixed number of queries.
    other = client.get(reverse("producers:list")).content.decode()
    assert reverse("site:queue_badge") in other
    with CaptureQueriesContext(connection) as counted:
        fragment = client.get(reverse("site:queue_badge")).content.decode()
    assert re.search(r'data-count="(\d+)"', fragment).group(1) == "3"
    assert queue_count(officer_x) == 3
    for _ in range(5):
        set_dossier_state(
            dossier=ready_dossier(product=ProductFactory(subject=subject_x), producer=producer_x),
            action="submit",
            by=producer_x,
        )
    with CaptureQueriesContext(connection) as more:
        fragment = client.get(reverse("site:queue_badge")).content.decode()
    assert re.search(r'data-count="(\d+)"', fragment).group(1) == "8"
    assert len(more.captured_queries) == len(counted.captured_queries)


def test_signing_in_lands_on_the_queue_and_home_leads_there(client, officer_x):
    officer_x.set_password("mat-khau-dai-du-123")
    officer_x.save()
    response = client.post(
        reverse("accounts:login"), {"username": "xa.x", "password": "mat-khau-dai-du-123"}
    )
    assert response.url == reverse("site:queue")
    assert client.get("/").url == reverse("site:queue")
    page = client.get(reverse("site:queue")).content.decode()
    assert reverse("site:dashboard") in page  # the dashboard is one click away
    assert 'id="queue-empty"' in page


def test_the_queue_page_makes_the_same_queries_whatever_the_items(
    client, subject_x, officer_x, producer_x, province_officer
):
    def submitted():
        set_dossier_state(
            dossier=ready_dossier(product=ProductFactory(subject=subject_x), producer=producer_x),
            action="submit",
            by=producer_x,
        )

    submitted()
    certify(ProductFactory(subject=subject_x))
    client.force_login(officer_x)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("site:queue"))
    for _ in range(4):
        submitted()
    with CaptureQueriesContext(connection) as more:
        page = client.get(reverse("site:queue")).content.decode()
    assert len(page.split('data-kind="dossiers"')) - 1 == 5 + 1  # 5 rows and the summary
    assert len(more.captured_queries) == len(few.captured_queries)


def test_the_old_dossiers_list_is_not_the_only_one_paged(client, subject_x, officer_x, producer_x):
    """Each kind is paged on its own (``<kind>-page``)."""
    from ocop.site import queue

    for _ in range(3):
        set_dossier_state(
            dossier=ready_dossier(product=ProductFactory(subject=subject_x), producer=producer_x),
            action="submit",
            by=producer_x,
        )
    sections = queue.sections_for(officer_x, per_page=2, pages={"dossiers": "2"})
    dossiers = next(s for s in sections if s.kind == "dossiers")
    assert (dossiers.count, dossiers.page.number, len(dossiers.page.object_list)) == (3, 2, 1)


def test_dossier_and_idea_rows_show_what_they_name(
    product_x, subject_x, commune_x, producer_x, officer_x, province_officer
):
    """The dossier and idea rows read only the columns they show (the
    subject's and the commune's names among them): each row still names its
    product, subject, state and commune, with no query per row."""
    from ocop.cycles.domain import cycles as cycle_domain
    from ocop.cycles.domain import ideas as idea_domain

    cycle = cycle_domain.create_cycle(
        by=province_officer, province=province("38"), year=2025, title="Chu trình OCOP 2025"
    )
    for name in ("Nước mắm rươi", "Mắm tép"):
        idea_domain.register_idea(
            by=producer_x, cycle=cycle, subject=subject_x, product_name=name, description="Ủ chượp"
        )
    set_dossier_state(
        dossier=ready_dossier(product=product_x, producer=producer_x),
        action="submit",
        by=producer_x,
    )
    with CaptureQueriesContext(connection) as captured:
        rows = {s.kind: list(s.page.object_list) for s in sections_for(officer_x) if s.count}
    assert [r.title for r in rows["dossiers"]] == [product_x.name]
    assert [r.title for r in rows["ideas"]] == ["Nước mắm rươi", "Mắm tép"]
    for row in rows["dossiers"] + rows["ideas"]:
        assert row.detail.startswith(f"{subject_x.name} · ")
        assert row.detail != f"{subject_x.name} · "  # the state's label
        assert row.unit == commune_x.name
        assert row.since is not None
    # One query counts every kind, then one reads a page of rows per kind.
    rows_read = [q for q in captured.captured_queries if "cycles_" in q["sql"]]
    assert len(rows_read) == 3, [q["sql"][:80] for q in rows_read]
