"""Pages of cycles and ideas: each role sees what it may do, out-of-scope
users get 404, and the forms carry the domain's messages."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ocop.accounts.enums import Role
from ocop.cycles.domain import cycles as cycle_domain
from ocop.cycles.domain import ideas as idea_domain
from ocop.cycles.enums import IdeaState, PhaseKind
from ocop.cycles.models import BusinessPlan, Cycle, Idea
from tests.factories.accounts import user_with_role
from tests.factories.geo import communes, province
from tests.factories.registry import SubjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _vietnamese_by_default(client, settings):
    """These tests compare messages with their English source text: this
    module's pages and messages are read in English (the Vietnamese catalogue
    is checked complete by tests/core/test_translations.py)."""
    from django.utils import translation

    translation.activate("en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    yield
    translation.deactivate()


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def cycle(province_officer):
    return cycle_domain.create_cycle(
        by=province_officer, province=province("38"), year=2025, title="Chu trình OCOP 2025"
    )


@pytest.fixture
def idea(cycle, subject_x, producer_x, officer_x):
    return idea_domain.register_idea(
        by=producer_x,
        cycle=cycle,
        subject=subject_x,
        product_name="Nước mắm rươi",
        description="Ủ chượp truyền thống",
    )


@pytest.fixture
def officer_y(commune_y):
    return user_with_role(Role.COMMUNE_OFFICER, unit=commune_y, username="xa.y")


@pytest.fixture
def hanoi_officer():
    return user_with_role(Role.PROVINCE_OFFICER, unit=province("01"), username="tinh.hn")


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


# Cycles ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["province_officer", "officer_x", "producer_x"])
def test_cycle_pages_render_for_each_role_in_scope(client, request, cycle, idea, who):
    user = request.getfixturevalue(who)
    listing = _get(client, user, "/cycle/")
    assert listing.status_code == 200
    assert "Chu trình OCOP 2025" in listing.content.decode()
    page = client.get(f"/cycle/{cycle.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Nước mắm rươi" in html
    manages = who == "province_officer"
    assert (f"/cycle/{cycle.pk}/phases/" in html, f"/cycle/{cycle.pk}/edit/" in html) == (
        manages,
        manages,
    )


def test_cycle_of_another_province_is_404_and_not_listed(client, cycle, hanoi_officer):
    assert _get(client, hanoi_officer, f"/cycle/{cycle.pk}/").status_code == 404
    assert "Chu trình OCOP 2025" not in client.get("/cycle/").content.decode()
    assert client.get(f"/cycle/{cycle.pk}/edit/").status_code == 404


def test_province_officer_opens_a_cycle_from_the_form(client, province_officer):
    client.force_login(province_officer)
    assert client.get("/cycle/new/").status_code == 200
    response = client.post(
        "/cycle/new/",
        {
            "province": province("38").pk,
            "year": "2026",
            "title": "Chu trình 2026",
            "plan_deadline_days": "5",
            "commune_check_days": "5",
            "province_check_days": "10",
            "supplement_days": "10",
            "late_submissions": "refuse",
        },
    )
    cycle = Cycle.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cycle/{cycle.pk}/"


def test_cycle_form_offers_only_the_officers_province(client, hanoi_officer):
    client.force_login(hanoi_officer)
    response = client.post(
        "/cycle/new/",
        {
            "province": province("38").pk,
            "year": "2026",
            "title": "Không được",
            "plan_deadline_days": "5",
            "commune_check_days": "5",
            "province_check_days": "10",
            "supplement_days": "10",
            "late_submissions": "refuse",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"province"}
    assert Cycle.objects.count() == 0


def test_commune_officers_and_producers_cannot_open_a_cycle(client, officer_x, producer_x):
    for user in (officer_x, producer_x):
        assert _get(client, user, "/cycle/new/").status_code == 403


def test_phase_form_shows_the_date_order_message(client, cycle, province_officer):
    client.force_login(province_officer)
    response = client.post(
        f"/cycle/{cycle.pk}/phases/",
        {"kind": PhaseKind.IDEAS, "starts_on": "2025-03-31", "ends_on": "2025-03-01"},
    )
    assert response.status_code == 200
    assert response.context["phase_form"].errors["ends_on"] == [
        "The phase cannot end (01/03/2025) before it starts (31/03/2025)."
    ]
    assert cycle.phases.count() == 0
    response = client.post(
        f"/cycle/{cycle.pk}/phases/",
        {"kind": PhaseKind.IDEAS, "starts_on": "2025-03-01", "ends_on": "2025-03-31"},
    )
    assert response.status_code == 302
    html = client.get(f"/cycle/{cycle.pk}/").content.decode()
    assert "01/03/2025" in html
    assert "31/03/2025" in html


def test_round_form_adds_a_round_and_refuses_a_used_number(client, cycle, province_officer):
    client.force_login(province_officer)
    data = {"number": "1", "title": "Đợt 1", "submission_deadline": "2025-09-30"}
    assert client.post(f"/cycle/{cycle.pk}/rounds/", data).status_code == 302
    # Another round with the same number (not the same form sent twice).
    response = client.post(f"/cycle/{cycle.pk}/rounds/", {**data, "title": "Đợt bổ sung"})
    assert response.context["round_form"].errors["number"] == ["This cycle already has a round 1."]
    assert cycle.rounds.count() == 1


def test_commune_officer_cannot_post_a_phase(client, cycle, officer_x):
    client.force_login(officer_x)
    response = client.post(
        f"/cycle/{cycle.pk}/phases/",
        {"kind": PhaseKind.IDEAS, "starts_on": "2025-03-01", "ends_on": "2025-03-31"},
    )
    assert response.status_code == 403
    assert cycle.phases.count() == 0


def test_cycle_list_has_no_n_plus_one(client, province_officer, django_assert_max_num_queries):
    client.force_login(province_officer)
    cycle_domain.create_cycle(by=province_officer, province=province("38"), year=2020, title="A")
    client.get("/cycle/")
    for year in range(2021, 2031):
        cycle_domain.create_cycle(
            by=province_officer, province=province("38"), year=year, title=f"C {year}"
        )
    with django_assert_max_num_queries(8):
        response = client.get("/cycle/")
    assert len(response.context["page"]) == 11


# Ideas -------------------------------------------------------------------------


def test_producer_registers_an_idea_for_their_subject(client, cycle, subject_x, producer_x):
    client.force_login(producer_x)
    page = client.get(f"/cycle/ideas/new/?cycle={cycle.pk}")
    assert list(page.context["form"].fields["subject"].queryset) == [subject_x]
    response = client.post(
        "/cycle/ideas/new/",
        {
            "cycle": cycle.pk,
            "subject": subject_x.pk,
            "product_name": "Chả mực",
            "description": "Chả mực giã tay",
        },
    )
    idea = Idea.objects.get()
    assert response["Location"] == f"/cycle/ideas/{idea.pk}/"
    assert (idea.registered_by, idea.state) == (producer_x, IdeaState.SUBMITTED)


def test_commune_officer_picks_any_subject_of_the_commune(
    client, cycle, subject_x, subject_y, officer_x
):
    other = SubjectFactory(commune=subject_x.commune, name="Tổ hợp tác Bánh gai")
    client.force_login(officer_x)
    form = client.get("/cycle/ideas/new/").context["form"]
    assert set(form.fields["subject"].queryset) == {subject_x, other}


def test_province_officer_is_not_offered_the_register_form(client, province_officer):
    assert _get(client, province_officer, "/cycle/ideas/new/").status_code == 403


@pytest.mark.parametrize(
    ("who", "actions"),
    [
        ("producer_x", []),
        ("officer_x", ["receive"]),
        ("province_officer", ["receive"]),
    ],
)
def test_idea_page_offers_the_users_actions(client, request, idea, who, actions):
    response = _get(client, request.getfixturevalue(who), f"/cycle/ideas/{idea.pk}/")
    assert response.status_code == 200
    assert [t.action for t in response.context["actions"]] == actions


@pytest.mark.parametrize("who", ["officer_y", "hanoi_officer"])
def test_idea_out_of_scope_is_404_everywhere(client, request, idea, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(f"/cycle/ideas/{idea.pk}/").status_code == 404
    assert client.post(f"/cycle/ideas/{idea.pk}/action/", {"action": "receive"}).status_code == 404
    assert client.get(f"/cycle/ideas/{idea.pk}/plan/").status_code == 404
    assert "Nước mắm rươi" not in client.get("/cycle/ideas/").content.decode()
    idea.refresh_from_db()
    assert idea.state == IdeaState.SUBMITTED


def test_receive_accept_and_submit_plan_through_the_pages(
    client, idea, officer_x, province_officer, producer_x
):
    client.force_login(officer_x)
    response = client.post(f"/cycle/ideas/{idea.pk}/action/", {"action": "receive"})
    assert response.status_code == 302
    client.force_login(province_officer)
    client.post(f"/cycle/ideas/{idea.pk}/action/", {"action": "accept"})
    idea.refresh_from_db()
    assert idea.state == IdeaState.ACCEPTED
    client.force_login(producer_x)
    page = client.get(f"/cycle/ideas/{idea.pk}/")
    assert page.context["can_submit_plan"] is True
    upload = SimpleUploadedFile("phuong-an.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(
        f"/cycle/ideas/{idea.pk}/plan/", {"summary": "Sản lượng 2 tấn", "file": upload}
    )
    assert response.status_code == 302
    plan = BusinessPlan.objects.get()
    assert (plan.summary, plan.original_name) == ("Sản lượng 2 tấn", "phuong-an.pdf")
    download = client.get(f"/cycle/ideas/{idea.pk}/plan/file/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES


def test_reject_without_reason_shows_the_message(client, idea, officer_x, province_officer):
    idea_domain.receive_idea(idea=idea, by=officer_x)
    client.force_login(province_officer)
    response = client.post(f"/cycle/ideas/{idea.pk}/action/", {"action": "reject", "reason": ""})
    assert response.status_code == 200
    assert "Give the reason for the rejection." in response.content.decode()
    idea.refresh_from_db()
    assert idea.state == IdeaState.RECEIVED
    client.post(f"/cycle/ideas/{idea.pk}/action/", {"action": "reject", "reason": "Trùng lặp"})
    idea.refresh_from_db()
    assert (idea.state, idea.reason) == (IdeaState.REJECTED, "Trùng lặp")


def test_producer_cannot_decide_through_the_page(client, idea, officer_x, producer_x):
    idea_domain.receive_idea(idea=idea, by=officer_x)
    client.force_login(producer_x)
    response = client.post(f"/cycle/ideas/{idea.pk}/action/", {"action": "accept"})
    assert response.status_code == 200
    assert "You cannot do this on this idea." in response.content.decode()
    idea.refresh_from_db()
    assert idea.state == IdeaState.RECEIVED


def test_fake_plan_file_is_refused_on_the_form(client, idea, officer_x, province_officer):
    idea_domain.receive_idea(idea=idea, by=officer_x)
    idea_domain.decide_idea(idea=idea, by=province_officer, accept=True)
    client.force_login(officer_x)  # on the producer's behalf
    upload = SimpleUploadedFile("plan.pdf", b"MZ fake", content_type="application/pdf")
    response = client.post(f"/cycle/ideas/{idea.pk}/plan/", {"summary": "X", "file": upload})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["file"]
    assert BusinessPlan.objects.count() == 0


def test_ideas_list_filters_state_commune_and_late_plans(
    client, cycle, idea, officer_x, province_officer, subject_y
):
    other = idea_domain.register_idea(
        by=officer_x, cycle=cycle, subject=idea.subject, product_name="Mắm tép", description="…"
    )
    officer_y = user_with_role(Role.COMMUNE_OFFICER, unit=subject_y.commune, username="xa.y")
    far = idea_domain.register_idea(
        by=officer_y, cycle=cycle, subject=subject_y, product_name="Mật ong", description="…"
    )
    idea_domain.receive_idea(idea=other, by=officer_x)
    idea_domain.decide_idea(idea=other, by=province_officer, accept=True, today=date(2025, 8, 29))
    client.force_login(province_officer)

    def names(query):
        response = client.get(f"/cycle/ideas/?{query}")
        assert response.status_code == 200
        return sorted(i.product_name for i in response.context["page"])

    assert names("") == ["Mật ong", "Mắm tép", "Nước mắm rươi"]
    assert names("state=submitted") == ["Mật ong", "Nước mắm rươi"]
    assert names(f"commune={far.commune_id}") == ["Mật ong"]
    assert names("late=on") == ["Mắm tép"]  # due 09/09/2025, long past
    assert "badge text-bg-danger" in client.get("/cycle/ideas/?late=on").content.decode()
    client.force_login(officer_x)
    assert names("") == ["Mắm tép", "Nước mắm rươi"]


def test_ideas_list_has_no_n_plus_one(
    client, cycle, subject_x, producer_x, province_officer, django_assert_max_num_queries
):
    def add(n):
        for i in range(n):
            idea_domain.register_idea(
                by=producer_x,
                cycle=cycle,
                subject=subject_x,
                product_name=f"SP {i}",
                description="…",
            )

    client.force_login(province_officer)
    add(2)
    with django_assert_max_num_queries(12) as few:
        client.get("/cycle/ideas/")
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/cycle/ideas/")
    assert len(response.context["page"]) == 22


def test_subjects_of_other_communes_are_not_offered(client, cycle, subject_x, subject_y, officer_x):
    commune = communes("38", 3)[2]
    SubjectFactory(commune=commune, name="Ở xã khác")
    client.force_login(officer_x)
    form = client.get("/cycle/ideas/new/").context["form"]
    assert subject_y not in form.fields["subject"].queryset
    assert form.fields["subject"].queryset.filter(commune=commune).count() == 0
