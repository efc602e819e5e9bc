"""The certification pages: lists with their scope, filters and query counts,
the draft → issue path through the pages, revocation, and the live OCOP
status in the product pages."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from ocop.accounts.enums import Role
from ocop.certification.enums import (
    AuthorityLevel,
    CertificateStatus,
    DecisionState,
)
from ocop.certification.models import Certificate, Decision, DecisionItem, RevocationGround
from ocop.products.enums import OcopStatus
from ocop.products.models import Product
from ocop.site.navigation import navigation_for
from tests.factories.accounts import user_with_role
from tests.factories.certification import imported_certificate, issued_decision
from tests.factories.registry import ProductFactory, SubjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client, settings):
    """Pages and messages in English (the Vietnamese catalogue is filled later)."""
    translation.activate("en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def issued(closed, province_officer):
    return issued_decision(session=closed, by=province_officer, day=date(2025, 9, 30))


def page(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(f"certification:{name}", args=args), params)


def texts(response) -> str:
    return response.content.decode()


# Decisions -------------------------------------------------------------------------


def test_the_office_drafts_from_a_closed_session_then_completes_and_issues(
    client, closed, province_officer, product_x
):
    response = page(client, province_officer, "sessions_awaiting")
    assert response.status_code == 200
    assert closed.title in texts(response)
    response = client.post(reverse("certification:decision_draft", args=[closed.pk]))
    decision = Decision.objects.get()
    assert response.url == reverse("certification:decision", args=[decision.pk])
    # The session no longer waits.
    assert closed.title not in texts(page(client, province_officer, "sessions_awaiting"))
    response = client.post(
        reverse("certification:decision", args=[decision.pk]),
        {
            "number": "321/QĐ-UBND",
            "date": "30/09/2025",
            "title": decision.title,
            "authority": decision.authority,
            "legal_basis": decision.legal_basis,
            "signer_title": "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
            "signer_name": "Lê Văn Ký",
        },
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert (decision.number, decision.date) == ("321/QĐ-UBND", date(2025, 9, 30))
    url = reverse("certification:decision_state", args=[decision.pk])
    asked = texts(client.post(url, {"action": "issue"}))
    assert 'id="confirm-action"' in asked
    assert "0001/2025/OCOP-38" not in asked
    decision.refresh_from_db()
    assert decision.state == DecisionState.DRAFT
    response = client.post(url, {"action": "issue", "confirm": "1"})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.state == DecisionState.ISSUED
    detail = texts(client.get(reverse("certification:decision", args=[decision.pk])))
    assert "0001/2025/OCOP-38" in detail
    assert 'id="decision-form"' not in detail
    assert 'id="decision-actions"' not in detail


def test_a_refused_issue_shows_its_reason_and_changes_nothing(
    client, closed, province_officer, english
):
    client.force_login(province_officer)
    client.post(reverse("certification:decision_draft", args=[closed.pk]))
    decision = Decision.objects.get()
    response = client.post(
        reverse("certification:decision_state", args=[decision.pk]),
        {"action": "issue", "confirm": "1"},
        follow=True,
    )
    body = texts(response)
    assert "Enter the decision number." in body
    assert "Enter the signer&#x27;s name and title." in body
    decision.refresh_from_db()
    assert (decision.state, Certificate.objects.count()) == (DecisionState.DRAFT, 0)


def test_producers_and_outsiders_cannot_reach_the_drafting_pages(
    client, closed, province_officer, producer_x, other_province_officer
):
    assert page(client, producer_x, "sessions_awaiting").status_code == 403
    client.force_login(other_province_officer)
    response = client.post(reverse("certification:decision_draft", args=[closed.pk]))
    assert response.status_code == 404
    assert Decision.objects.count() == 0
    assert closed.title not in texts(page(client, other_province_officer, "sessions_awaiting"))


def test_who_sees_which_decision(
    client, closed, issued, province_officer, producer_x, other_province_officer, central_officer
):
    draft = Decision.objects.create(
        title="Dự thảo khác",
        authority="Ủy ban nhân dân tỉnh Thanh Hóa",
        level=AuthorityLevel.PROVINCE,
        unit=issued.unit,
        legal_basis="Căn cứ …",
    )
    for user, expected in (
        (province_officer, {issued.pk, draft.pk}),
        (central_officer, {issued.pk, draft.pk}),
        (producer_x, {issued.pk}),
        (other_province_officer, set()),
    ):
        response = page(client, user, "decisions")
        assert {d.pk for d in response.context["page"]} == expected, user
    assert page(client, producer_x, "decision", draft.pk).status_code == 404
    assert page(client, other_province_officer, "decision", issued.pk).status_code == 404
    assert page(client, producer_x, "decision", issued.pk).status_code == 200


def test_the_decision_list_has_no_n_plus_one(
    client, province_officer, thanh_hoa, subject_x, django_assert_max_num_queries
):
    def add(n):
        for index in range(n):
            decision = Decision.objects.create(
                number=f"{Decision.objects.count() + 1}/QĐ-UBND",
                state=DecisionState.ISSUED,
                date=date(2025, 1, 1) + timedelta(days=index),
                title="Quyết định",
                authority="Ủy ban nhân dân tỉnh Thanh Hóa",
                level=AuthorityLevel.PROVINCE,
                unit=thanh_hoa,
                legal_basis="Căn cứ …",
            )
            DecisionItem.objects.create(
                decision=decision, product=ProductFactory(subject=subject_x), star=3
            )

    add(2)
    client.force_login(province_officer)
    url = reverse("certification:decisions")
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"]) == 22


def test_the_decision_list_filters_by_state_and_year(client, issued, province_officer):
    response = page(client, province_officer, "decisions", state="draft")
    assert list(response.context["page"]) == []
    response = page(client, province_officer, "decisions", state="issued", year="2025")
    assert [d.pk for d in response.context["page"]] == [issued.pk]
    response = page(client, province_officer, "decisions", year="2024")
    assert list(response.context["page"]) == []


# Certificates ----------------------------------------------------------------------


def test_who_sees_which_certificate(
    client,
    issued,
    product_x,
    product_y,
    province_officer,
    producer_x,
    officer_x,
    other_province_officer,
    central_officer,
):
    x = Certificate.objects.get(product=product_x)
    y = Certificate.objects.get(product=product_y)
    for user, expected in (
        (province_officer, {x.pk, y.pk}),
        (central_officer, {x.pk, y.pk}),
        (producer_x, {x.pk}),
        (officer_x, {x.pk}),
        (other_province_officer, set()),
    ):
        response = page(client, user, "certificates")
        assert {c.pk for c in response.context["rows"]} == expected, user
    assert page(client, producer_x, "certificate", y.pk).status_code == 404
    assert page(client, other_province_officer, "certificate", x.pk).status_code == 404


def test_the_certificate_list_has_no_n_plus_one(
    client, province_officer, subject_x, subject_y, django_assert_max_num_queries
):
    def add(n):
        for _index in range(n):
            imported_certificate(ProductFactory(subject=subject_x))
            imported_certificate(ProductFactory(subject=subject_y), star=4)

    add(1)
    client.force_login(province_officer)
    url = reverse("certification:certificates")
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    add(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["rows"]) == 32


def test_the_certificate_list_filters_by_live_status_star_year_and_text(
    client, province_officer, subject_x
):
    today = timezone.localdate()
    products = [ProductFactory(subject=subject_x, name=f"Sản phẩm {n}") for n in range(5)]
    valid = imported_certificate(
        products[0], decision_date=today - timedelta(days=100), valid_until=today + timedelta(1000)
    )
    expiring = imported_certificate(
        products[1],
        star=4,
        decision_date=today - timedelta(days=1000),
        valid_until=today + timedelta(days=10),
    )
    lapsed = imported_certificate(
        products[2], decision_date=date(2021, 5, 5), valid_until=today - timedelta(days=1)
    )
    stored_expired = imported_certificate(
        products[3],
        decision_date=date(2020, 5, 5),
        valid_until=date(2023, 5, 5),
        status=CertificateStatus.EXPIRED,
    )
    revoked = imported_certificate(products[4], status=CertificateStatus.REVOKED)

    def found(**params):
        response = page(client, province_officer, "certificates", **params)
        return {c.pk for c in response.context["rows"]}

    assert found(status="valid") == {valid.pk}
    assert found(status="expiring") == {expiring.pk}
    assert found(status="expired") == {lapsed.pk, stored_expired.pk}
    assert found(status="revoked") == {revoked.pk}
    assert found(star="4") == {expiring.pk}
    assert found(year="2021") == {lapsed.pk}
    assert found(q="san pham 3") == {stored_expired.pk}
    response = page(client, province_officer, "certificates", status="expiring")
    assert response.context["rows"][0].live == "expiring"


def test_the_certificate_page_shows_its_history_and_the_grounds(
    client, issued, product_x, province_officer, english
):
    certificate = Certificate.objects.get(product=product_x)
    response = page(client, province_officer, "certificate", certificate.pk)
    body = texts(response)
    assert response.context["certificate"].live == "valid"
    assert [e.action for e in response.context["history"]] == ["ocop.certificate.issued"]
    assert "OCOP certificate issued" in body
    for ground in RevocationGround.objects.filter(active=True):
        assert ground.title in body
    assert "not confirmed" in body  # grounds and the rule carry their caveats
    assert "valid 36 months from the decision" in body


def test_the_legal_notes_read_in_the_language_of_the_page(
    client, issued, product_x, province_officer, settings
):
    """The rules' caveats are data in both languages (rules.yaml:
    ``unconfirmed`` / ``unconfirmed_en``): no English sentence beside the
    Vietnamese "chưa xác nhận" badge, and the other way round."""
    certificate = Certificate.objects.get(product=product_x)
    translation.activate("vi")
    notes = texts(page(client, province_officer, "certificate", certificate.pk))
    notes = notes.split('id="rules"')[1].split("</ul>")[0]
    assert "Chưa có bản ký ban hành của Quyết định 148/QĐ-TTg" in notes
    assert "The signed text" not in notes
    assert "not confirmed" not in notes
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    translation.activate("en")
    notes = texts(page(client, province_officer, "certificate", certificate.pk))
    notes = notes.split('id="rules"')[1].split("</ul>")[0]
    assert "The signed text of 148/QĐ-TTg was not available" in notes
    assert "Chưa có bản ký" not in notes
    translation.activate("vi")


def test_revoking_through_the_page(client, issued, product_x, province_officer):
    certificate = Certificate.objects.get(product=product_x)
    ground = RevocationGround.objects.get(code="production_stopped")
    client.force_login(province_officer)
    url = reverse("certification:certificate_revoke", args=[certificate.pk])
    response = client.post(url, {"ground": ground.pk, "decision_number": "", "decision_date": ""})
    assert response.status_code == 400
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID
    response = client.post(
        url,
        {
            "ground": ground.pk,
            "decision_number": "45/QĐ-UBND",
            "decision_date": "02/03/2026",
            "details": "Chủ thể báo ngừng sản xuất.",
        },
    )
    assert 'id="confirm-action"' in texts(response)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID
    response = client.post(
        url,
        {
            "ground": ground.pk,
            "decision_number": "45/QĐ-UBND",
            "decision_date": "02/03/2026",
            "details": "Chủ thể báo ngừng sản xuất.",
            "confirm": "1",
        },
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    body = texts(client.get(reverse("certification:certificate", args=[certificate.pk])))
    assert "45/QĐ-UBND" in body
    assert "02/03/2026" in body
    assert 'id="revoke"' not in body


def test_the_wrong_authority_sees_no_form_and_is_refused(
    client, issued, product_x, producer_x, central_officer
):
    certificate = Certificate.objects.get(product=product_x)
    ground = RevocationGround.objects.get(code="production_stopped")
    for user in (producer_x, central_officer):
        assert 'id="revoke"' not in texts(page(client, user, "certificate", certificate.pk))
        response = client.post(
            reverse("certification:certificate_revoke", args=[certificate.pk]),
            {
                "ground": ground.pk,
                "decision_number": "1/QĐ",
                "decision_date": "02/03/2026",
                "confirm": "1",
            },
        )
        assert response.status_code == 403
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_certificates_are_in_the_menu_of_officers_and_producers(
    province_officer, producer_x, officer_x, thanh_hoa
):
    member = user_with_role(Role.COUNCIL_MEMBER, unit=thanh_hoa)
    for user, shown in ((province_officer, True), (producer_x, True), (officer_x, True)):
        assert ("certification" in [i.key for i in navigation_for(user)]) is shown
    assert "certification" not in [i.key for i in navigation_for(member)]


# Products show the live status -----------------------------------------------------


@pytest.fixture
def lapsed_product(subject_x):
    """Certified on paper, but its certificate ran out yesterday and the daily
    job has not run yet."""
    today = timezone.localdate()
    product = ProductFactory(subject=subject_x, name="Chè lam Làng X")
    certificate = imported_certificate(
        product, decision_date=today - timedelta(days=1100), valid_until=today - timedelta(days=1)
    )
    Product.objects.filter(pk=product.pk).update(
        status=OcopStatus.CERTIFIED, star=3, certified_until=certificate.valid_until
    )
    return product


def test_a_lapsed_product_shows_expired_in_the_product_pages(
    client, lapsed_product, province_officer, english
):
    client.force_login(province_officer)
    detail = texts(client.get(reverse("products:detail", args=[lapsed_product.pk])))
    status = detail.split('id="ocop-status">', 1)[1].split("</dd>", 1)[0]
    assert ">expired<" in status
    assert "certified" not in status
    certificates = detail.split('id="product-certificates">', 1)[1].split("</ul>", 1)[0]
    assert ">expired<" in certificates
    listing = client.get(reverse("products:list"), {"status": "expired"})
    assert [p.pk for p in listing.context["page"]] == [lapsed_product.pk]
    listing = client.get(reverse("products:list"), {"status": "certified"})
    assert lapsed_product.pk not in [p.pk for p in listing.context["page"]]


def test_the_dashboard_does_not_count_a_lapsed_certificate_in_force(
    client, province_officer, subject_y
):
    # The nightly job has not marked it expired yet: its date has passed all the same.
    today = timezone.localdate()
    imported_certificate(
        ProductFactory(subject=subject_y),
        decision_date=today - timedelta(days=1200),
        valid_until=today - timedelta(days=1),
    )
    imported_certificate(
        ProductFactory(subject=subject_y),
        decision_number="1115/QĐ-UBND",
        decision_date=today - timedelta(days=30),
        valid_until=today,
    )
    client.force_login(province_officer)
    page = client.get(reverse("site:dashboard")).content.decode()
    assert 'id="total-in-force"><a href="' in page
    card = page.split('id="total-in-force">')[1].split("</a>")[0]
    assert 'data-figure="1"' in card


def test_the_product_list_stays_free_of_n_plus_one_with_status_badges(
    client, province_officer, subject_x, django_assert_max_num_queries
):
    client.force_login(province_officer)
    url = reverse("products:list")
    for _index in range(3):
        ProductFactory(subject=subject_x)
    client.get(url)
    with django_assert_max_num_queries(15) as few:
        client.get(url)
    for _index in range(20):
        ProductFactory(subject=SubjectFactory(commune=subject_x.commune))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
