"""The dossier pages, driven through the views as each role uses them."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.enums import Role
from ocop.cycles.domain.workflow import set_dossier_state
from ocop.cycles.enums import DossierState
from ocop.cycles.models import Dossier
from ocop.evaluation.domain import sessions
from ocop.producers.models import EvidenceDocument
from tests.factories.accounts import user_with_role
from tests.factories.cycles import commune_checked, ready_dossier
from tests.factories.evaluation import council_with_members

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def url(name, dossier, *args):
    return reverse(f"cycles:{name}", args=[dossier.pk, *args])


def act(client, dossier, action, **data):
    return client.post(url("dossier_act", dossier), {"action": action, **data})


def registration(dossier, **changes):
    data = {
        name: getattr(dossier, name)
        for name in (
            "product_name",
            "registration_number",
            "representative",
            "phone",
            "capacity",
            "market",
            "description",
            "story",
        )
    }
    return {**data, **changes}


def test_each_role_sees_the_list_and_the_page(
    client, dossier, producer_x, officer_x, advisory, province_officer
):
    for user in (producer_x, officer_x, advisory, province_officer):
        client.force_login(user)
        response = client.get(reverse("cycles:dossiers"))
        assert response.status_code == 200
        assert dossier.product_name in response.content.decode()
        page = client.get(url("dossier", dossier))
        assert page.status_code == 200
        assert 'id="checklist"' in page.content.decode()
        assert client.get(url("self_assessment", dossier)).status_code == 200
    client.force_login(producer_x)
    body = client.get(url("dossier", dossier)).content.decode()
    assert 'id="action-submit"' in body
    assert 'id="save-dossier"' in body
    client.force_login(advisory)
    body = client.get(url("dossier", dossier)).content.decode()
    assert 'id="action-submit"' not in body
    assert "disabled" in body  # the registration form is read-only


def test_the_list_filters_by_state_and_the_nav_has_dossiers(client, dossier, producer_x):
    client.force_login(producer_x)
    response = client.get(reverse("cycles:dossiers"), {"state": "submitted"})
    assert dossier.product_name not in response.content.decode()
    response = client.get(reverse("cycles:dossiers"), {"state": "draft", "overdue": ""})
    assert dossier.product_name in response.content.decode()
    assert reverse("cycles:dossiers") in client.get(reverse("site:dashboard")).content.decode()


def test_out_of_scope_gives_404(client, dossier, commune_y, subject_y):
    for user in (
        user_with_role(Role.COMMUNE_OFFICER, unit=commune_y, username="xa.y"),
        user_with_role(Role.PRODUCER, subject=subject_y, username="sx.y"),
    ):
        client.force_login(user)
        assert client.get(url("dossier", dossier)).status_code == 404
        assert client.get(url("self_assessment", dossier)).status_code == 404
        assert act(client, dossier, "submit").status_code == 404
        assert dossier.product_name not in client.get(reverse("cycles:dossiers")).content.decode()


def test_a_producer_prepares_a_dossier_from_a_product(client, product_x, producer_x):
    from ocop.products.models import ProductCategory

    product_x.category = ProductCategory.objects.get(code="I.4.a")
    product_x.save()
    client.force_login(producer_x)
    assert 'id="prepare-dossier"' in client.get(reverse("cycles:dossiers")).content.decode()
    page = client.get(reverse("cycles:dossier_create"), {"product": product_x.pk})
    assert page.status_code == 200
    response = client.post(reverse("cycles:dossier_create"), {"product": product_x.pk})
    dossier = Dossier.objects.get(product=product_x)
    assert response.url == url("dossier", dossier)
    assert dossier.product_name == product_x.name


def test_submit_return_supplement_resubmit_and_the_diff(client, dossier, producer_x, officer_x):
    client.force_login(producer_x)
    response = act(client, dossier, "submit", **registration(dossier))
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED

    client.force_login(officer_x)
    page = client.get(url("dossier", dossier)).content.decode()
    assert 'id="commune-step"' in page
    assert 'id="action-return"' in page
    # no list and no reason: refused, nothing changes
    response = act(client, dossier, "return", missing="  \n")
    assert response.status_code == 200
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED
    act(client, dossier, "return", missing="Bổ sung phiếu kiểm nghiệm\n\nGhi rõ công suất")
    dossier.refresh_from_db()
    assert dossier.state == DossierState.RETURNED
    assert dossier.missing == ["Bổ sung phiếu kiểm nghiệm", "Ghi rõ công suất"]

    client.force_login(producer_x)
    page = client.get(url("dossier", dossier)).content.decode()
    assert 'id="missing-list"' in page
    assert "Bổ sung phiếu kiểm nghiệm" in page
    response = client.post(url("dossier", dossier), registration(dossier, capacity="5 tấn/năm"))
    assert response.status_code == 302
    response = client.post(
        url("dossier_document_add", dossier),
        {
            "doc_type": "test_report",
            "number": "KN-02",
            "issued_on": "2026-01-05",
            "file": SimpleUploadedFile("kn.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert dossier.documents.filter(evidence__number="KN-02").exists()
    act(client, dossier, "submit")
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED
    assert dossier.version == 2

    page = client.get(url("dossier_version", dossier, 2))
    body = page.content.decode()
    assert page.status_code == 200
    fields = page.context["fields"]
    assert [f["name"] for f in fields] == ["capacity"]
    assert str(fields[0]["label"]).lower() in ("production capacity", "công suất sản xuất")
    assert "5 tấn/năm" in body
    assert [d["number"] for d in page.context["change"]["documents_added"]] == ["KN-02"]
    assert page.context["change"]["documents_removed"] == []
    assert page.context["answers"] == []
    assert client.get(url("dossier_version", dossier, 1)).status_code == 200


def test_a_blocked_submission_shows_the_expired_certificate_and_keeps_the_typed_data(
    client, product_x, producer_x
):
    dossier = ready_dossier(
        product=product_x,
        producer=producer_x,
        food_safety_expires=timezone.localdate() - timedelta(days=3),
    )
    client.force_login(producer_x)
    response = act(client, dossier, "submit", **registration(dossier, market="Hà Nội, TP.HCM"))
    assert response.status_code == 200
    body = response.content.decode()
    expired = (timezone.localdate() - timedelta(days=3)).strftime("%d/%m/%Y")
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1
    assert "an toàn thực phẩm" in messages[0]
    assert expired in messages[0]
    assert messages[0] in body
    assert 'value="Hà Nội, TP.HCM"' in body
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DRAFT
    assert dossier.market == "Hà Nội, TP.HCM"
    assert dossier.version == 0


def test_a_refused_return_keeps_the_typed_note(client, dossier, producer_x, officer_x):
    set_dossier_state(dossier=dossier, action="submit", by=producer_x)
    client.force_login(officer_x)
    response = act(client, dossier, "forward")
    assert response.status_code == 200
    assert len(list(response.context["messages"])) == 3  # report, local criteria, samples
    other = user_with_role(Role.PRODUCER, subject=dossier.subject, username="sx.x2")
    client.force_login(other)
    response = act(client, dossier, "withdraw", reason="")
    assert response.status_code == 200
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED


def test_self_assessment_autosaves_with_the_running_total(client, product_x, producer_x):
    from ocop.products.models import ProductCategory
    from tests.factories.cycles import give_documents

    product_x.category = ProductCategory.objects.get(code="I.4.a")
    product_x.save()
    give_documents(product_x.subject)
    client.force_login(producer_x)
    client.post(reverse("cycles:dossier_create"), {"product": product_x.pk})
    dossier = Dossier.objects.get(product=product_x)
    criterion = dossier.sheet.criteria.exclude(kind="number").first()
    option = criterion.options.order_by("-points").first()
    response = client.post(
        url("self_answer", dossier),
        {"criterion": criterion.code, f"c-{criterion.code}": option.code},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'id="self-total"' in response.content.decode()
    assert response.context["score"]["total"] == option.points
    assert response.context["score"]["answered"] == 1


def test_the_commune_records_its_check_and_forwards(
    client, dossier, producer_x, officer_x, advisory
):
    set_dossier_state(dossier=dossier, action="submit", by=producer_x)
    client.force_login(officer_x)
    local = dossier.sheet.criteria.filter(commune_assessed=True).prefetch_related("options")
    for criterion in local:
        best = max(criterion.options.all(), key=lambda o: o.points)
        response = client.post(
            url("commune_answer", dossier),
            {"criterion": criterion.code, f"c-{criterion.code}": best.code},
            headers={"HX-Request": "true"},
        )
        assert 'id="commune-saved"' in response.content.decode()
        assert response.context["error"] is None
    response = act(
        client,
        dossier,
        "forward",
        commune_report="Sản phẩm dùng nguyên liệu địa phương.",
        samples_received_on=timezone.localdate().isoformat(),
        samples_received_by="Nguyễn Văn A",
        samples_quantity="5",
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == DossierState.FORWARDED
    assert dossier.commune_report == "Sản phẩm dùng nguyên liệu địa phương."
    client.force_login(advisory)
    assert "nguyên liệu địa phương" in client.get(url("dossier", dossier)).content.decode()


def test_the_province_schedules_a_prechecked_dossier_and_the_council_sees_it(
    client, dossier, producer_x, officer_x, advisory, province_officer
):
    set_dossier_state(dossier=dossier, action="submit", by=producer_x)
    commune_checked(dossier, officer_x)
    set_dossier_state(dossier=dossier, action="forward", by=officer_x)
    client.force_login(advisory)
    assert act(client, dossier, "precheck").status_code == 302
    council, members = council_with_members(officer=province_officer)
    session = sessions.create_session(
        council=council, by=province_officer, title="Phiên tháng 12", date=date(2026, 12, 15)
    )
    client.force_login(province_officer)
    page = client.get(url("dossier", dossier)).content.decode()
    assert "Phiên tháng 12" in page
    response = client.post(url("dossier_schedule", dossier), {"session": session.pk})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SCHEDULED
    assert dossier.agenda_item.session == session
    assert 'id="agenda-link"' in client.get(url("dossier", dossier)).content.decode()

    # The council member's scoring sheet shows the dossier and the self-assessment.
    from ocop.evaluation.domain.sessions import set_attendance, set_session_state
    from ocop.evaluation.models import Scoresheet

    set_attendance(
        session=session,
        present_member_ids=[m.pk for m in council.members.filter(body="council")],
        by=province_officer,
    )
    set_session_state(session=session, action="open", by=province_officer)
    sheet = Scoresheet.objects.filter(item=dossier.agenda_item, member=members[0]).first()
    client.force_login(members[0].user)
    body = client.get(reverse("evaluation:scoresheet", args=[sheet.pk])).content.decode()
    assert 'id="dossier-summary"' in body
    assert "nguyên liệu địa phương" in body
    # Beside each criterion: the producer's and (for local criteria) the commune's answer.
    first = dossier.sheet.criteria.order_by("order").first()
    best = max(first.options.all(), key=lambda o: o.points)
    assert f"Chủ thể tự đánh giá: {best.text}" in body or f"{best.text} (" in body
    assert body.count("điểm)") >= dossier.sheet.criteria.count()


def test_renew_starts_from_an_evaluated_dossier(client, dossier, producer_x):
    set_dossier_state(dossier=dossier, action="submit", by=producer_x)
    Dossier.objects.filter(pk=dossier.pk).update(state=DossierState.EVALUATED)
    client.force_login(producer_x)
    assert 'id="action-renew"' in client.get(url("dossier", dossier)).content.decode()
    response = client.post(url("dossier_copy", dossier), {"kind": "renewal"})
    renewal = Dossier.objects.get(parent=dossier)
    assert response.url == url("dossier", renewal)
    assert renewal.kind == "renewal"


def test_linking_and_unlinking_a_registry_document(client, dossier, producer_x):
    extra = EvidenceDocument.objects.create(
        subject=dossier.subject, doc_type="trademark", number="NH-01"
    )
    client.force_login(producer_x)
    assert "NH-01" in client.get(url("dossier", dossier)).content.decode()
    client.post(url("dossier_document_link", dossier), {"evidence": extra.pk})
    assert dossier.documents.filter(evidence=extra).exists()
    client.post(url("dossier_document_unlink", dossier, extra.pk))
    assert not dossier.documents.filter(evidence=extra).exists()


def test_the_list_runs_a_fixed_number_of_queries(
    client, dossier, province_officer, django_assert_max_num_queries
):
    client.force_login(province_officer)
    client.get(reverse("cycles:dossiers"))
    with django_assert_max_num_queries(12):
        client.get(reverse("cycles:dossiers"))


def test_the_producer_chooses_the_case_of_the_tourism_sheet_for_the_self_assessment(
    client, product_x, producer_x
):
    from ocop.core.models import ActivityLog
    from ocop.cycles.domain import checks
    from ocop.products.models import ProductCategory
    from tests.factories.cycles import give_documents

    product_x.category = ProductCategory.objects.get(code="VI.1.a")
    product_x.save()
    give_documents(product_x.subject)
    client.force_login(producer_x)
    client.post(reverse("cycles:dossier_create"), {"product": product_x.pk})
    dossier = Dossier.objects.get(product=product_x)
    assert dossier.sheet.code == "148-VI.1.a"
    page = client.get(url("self_assessment", dossier)).content.decode()
    assert 'name="case-8"' in page
    assert "Bản chép từ Phụ lục III, chưa đối chiếu với văn bản ký ban hành." in page
    assert 'id="criterion-8.a"' not in page
    problems = checks.submission_problems(dossier, today=date(2025, 9, 1))
    assert any("8, 9, 15" in p for p in problems)
    client.post(url("self_cases", dossier), {"case-8": "8.TH2", "case-9": "9.TH1"})
    dossier.refresh_from_db()
    assert dossier.branches == {"8": "8.TH2", "9": "9.TH1"}
    page = client.get(url("self_assessment", dossier)).content.decode()
    assert 'id="criterion-8.b"' in page
    assert 'id="criterion-8.a"' not in page
    response = client.post(
        url("self_answer", dossier),
        {"criterion": "8.a", "c-8.a": "c"},
        headers={"HX-Request": "true"},
    )
    assert response.context["score"]["total"] == 0  # a case not chosen: refused
    client.post(
        url("self_answer", dossier),
        {"criterion": "8.b", "c-8.b": "c"},
        headers={"HX-Request": "true"},
    )
    assert client.get(url("self_assessment", dossier)).context["score"]["total"] == 3
    assert ActivityLog.objects.filter(action="ocop.dossier.case_chosen").exists()


def test_a_return_list_with_a_control_character_is_refused_and_kept(
    client, dossier, producer_x, officer_x
):
    set_dossier_state(dossier=dossier, action="submit", by=producer_x)
    client.force_login(officer_x)
    typed = "Bổ sung phiếu kiểm nghiệm\u202e\nGhi rõ công suất"
    response = act(client, dossier, "return", missing=typed)
    assert response.status_code == 200
    page = response.content.decode()
    assert "U+202E" in " ".join(str(m) for m in response.context["messages"])
    assert "Bổ sung phiếu kiểm nghiệm\u202e\nGhi rõ công suất</textarea>" in page
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED
