import pytest
from django.urls import reverse

from ocop.accounts.enums import Role
from ocop.evaluation.enums import SessionState, SheetStatus
from ocop.evaluation.models import Council, Scoresheet, Session
from tests.factories.accounts import user_with_role
from tests.factories.evaluation import fill
from tests.factories.geo import province

pytestmark = pytest.mark.django_db


def sheet_of(item, member):
    return Scoresheet.objects.get(item=item, member=member, round=item.round)


def test_officer_sets_up_a_council_plans_a_session_and_opens_scoring(
    client, province_officer, product_x
):
    client.force_login(province_officer)
    response = client.post(
        reverse("evaluation:council_create"),
        {
            "name": "Hội đồng tỉnh",
            "level": "province",
            "unit": province("38").pk,
            "decision_number": "99/QĐ-UBND",
            "decision_date": "2025-08-01",
            "quorum_percent": 75,
            "quorum_requires_chair": "on",
            "max_spread": "10",
        },
    )
    council = Council.objects.get(decision_number="99/QĐ-UBND")
    assert response.url == reverse("evaluation:council", args=[council.pk])
    people = [user_with_role(Role.COUNCIL_MEMBER, unit=province("38")) for _ in range(3)]
    from ocop.products.models import ProductCategory

    food = ProductCategory.objects.get(code="I")
    for person, role in zip(people, ["chair", "member", "secretary"], strict=True):
        client.post(
            reverse("evaluation:member_add", args=[council.pk]),
            {"login": person.username, "body": "council", "role": role, "expertise": [food.pk]},
        )
    assert council.members.count() == 3
    assert list(council.members.first().expertise.all()) == [food]
    assert (
        "Sản phẩm thực phẩm"
        in client.get(reverse("evaluation:council", args=[council.pk])).content.decode()
    )
    client.post(
        reverse("evaluation:session_create", args=[council.pk]),
        {"title": "Phiên 1", "date": "2025-09-20", "place": "Thanh Hóa"},
    )
    session = Session.objects.get(council=council)
    page = client.get(reverse("evaluation:session", args=[session.pk]), {"q": "nuoc mam"})
    assert product_x.name in page.content.decode()

    product_x.category = ProductCategory.objects.get(code="I.4.a")
    product_x.save()
    client.post(
        reverse("evaluation:item_add", args=[session.pk]),
        {"product": product_x.pk, "exception_reason": "Hồ sơ giấy"},
    )
    assert session.items.count() == 1
    response = client.post(
        reverse("evaluation:session_state", args=[session.pk]), {"action": "open"}, follow=True
    )
    assert "không đủ" in response.content.decode().lower() or "quorum" in response.content.decode()
    client.post(
        reverse("evaluation:attendance", args=[session.pk]),
        {"present": [m.pk for m in council.members.all()]},
    )
    client.post(reverse("evaluation:session_state", args=[session.pk]), {"action": "open"})
    session.refresh_from_db()
    assert session.state == SessionState.OPEN
    assert Scoresheet.objects.filter(item__session=session).count() == 3


def test_member_scores_with_autosave_and_submits(client, item, members):
    member = members[1]
    sheet = sheet_of(item, member)
    client.force_login(member.user)
    page = client.get(reverse("evaluation:scoresheet", args=[sheet.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'hx-post="' in body
    assert "<script>" not in body
    url = reverse("evaluation:answer", args=[sheet.pk])
    response = client.post(url, {"criterion": "1.1", "c-1.1": "c"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'id="sheet-total">3,00<' in response.content.decode()
    response = client.post(url, {"criterion": "1.1", "c-1.1": "zz"}, headers={"HX-Request": "true"})
    assert "alert-danger" in response.content.decode()
    sheet.refresh_from_db()
    assert sheet.total == 3
    # Submitting an incomplete sheet is refused with the missing criteria.
    response = client.post(reverse("evaluation:submit", args=[sheet.pk]), follow=True)
    assert "1.2" in response.content.decode()
    fill(sheet, submit=False)
    response = client.post(reverse("evaluation:submit", args=[sheet.pk]))
    assert response.url == reverse("evaluation:item", args=[item.pk])
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED


def test_without_javascript_the_whole_form_saves(client, item, members):
    sheet = sheet_of(item, members[1])
    client.force_login(members[1].user)
    client.post(
        reverse("evaluation:answer", args=[sheet.pk]),
        {"c-1.1": "c", "c-1.2": "d", "c-3.2": ["a", "c"]},
    )
    sheet.refresh_from_db()
    assert sheet.total == 3 + 3 + 2


def test_item_page_is_blind_until_the_member_submits(client, item, members):
    fill(sheet_of(item, members[0]), overrides={"1.1": ["a"]})
    client.force_login(members[1].user)
    page = client.get(reverse("evaluation:item", args=[item.pk])).content.decode()
    assert 'id="blind-notice"' in page
    assert "98,00" not in page
    first = sheet_of(item, members[0])
    assert client.get(reverse("evaluation:scoresheet", args=[first.pk])).status_code == 404
    fill(sheet_of(item, members[1]))
    page = client.get(reverse("evaluation:item", args=[item.pk])).content.decode()
    assert 'id="member-totals"' in page
    assert "98,00" in page
    assert client.get(reverse("evaluation:scoresheet", args=[first.pk])).status_code == 200


def test_result_shows_on_the_item_page(client, item, members, province_officer):
    for member in members:
        fill(sheet_of(item, member), overrides={"1.1": ["a"]} if member == members[1] else None)
    client.force_login(province_officer)
    page = client.get(reverse("evaluation:item", args=[item.pk])).content.decode()
    assert 'id="mean-score">99,33<' in page
    assert "5★" in page


def test_out_of_scope_people_get_404(client, session, item, members):
    outsider = user_with_role(Role.PROVINCE_OFFICER, unit=province("01"))
    client.force_login(outsider)
    assert client.get(reverse("evaluation:session", args=[session.pk])).status_code == 404
    assert client.get(reverse("evaluation:item", args=[item.pk])).status_code == 404
    stranger = user_with_role(Role.COUNCIL_MEMBER, unit=province("38"))
    client.force_login(stranger)
    assert client.get(reverse("evaluation:session", args=[session.pk])).status_code == 404
    sheet = sheet_of(item, members[1])
    assert client.get(reverse("evaluation:scoresheet", args=[sheet.pk])).status_code == 404
    response = client.post(
        reverse("evaluation:answer", args=[sheet.pk]), {"criterion": "1.1", "c-1.1": "a"}
    )
    assert response.status_code == 404


def test_anonymous_is_sent_to_login(client, session):
    response = client.get(reverse("evaluation:session", args=[session.pk]))
    assert response.status_code == 302
    assert "login" in response.url


def test_member_declares_a_conflict_from_the_session_page(client, session, item, members):
    client.force_login(members[2].user)
    client.post(
        reverse("evaluation:conflict_add", args=[session.pk]),
        {"item": item.pk, "member": members[2].pk, "kind": "household", "recuse": "on"},
    )
    assert not Scoresheet.objects.filter(item=item, member=members[2]).exists()
    # ...but cannot declare for someone else.
    client.post(
        reverse("evaluation:conflict_add", args=[session.pk]),
        {"item": item.pk, "member": members[1].pk, "kind": "household", "recuse": "on"},
    )
    assert Scoresheet.objects.filter(item=item, member=members[1]).exists()


def test_session_page_lists_agenda_progress_and_history(client, session, members, chair):
    client.force_login(chair.user)
    page = client.get(reverse("evaluation:session", args=[session.pk])).content.decode()
    assert 'id="agenda"' in page
    assert "0/3" in page
    assert 'id="close-session"' in page
    client.force_login(members[1].user)
    page = client.get(reverse("evaluation:session", args=[session.pk])).content.decode()
    assert 'id="close-session"' not in page
    home = client.get(reverse("evaluation:home")).content.decode()
    assert 'id="my-sheets"' in home


def test_council_page_shows_calibration_to_the_office(client, item, members, province_officer):
    for index, member in enumerate(members):
        fill(sheet_of(item, member), overrides={"1.3": ["c"]} if index == 2 else None)
    client.force_login(province_officer)
    page = client.get(reverse("evaluation:council", args=[item.session.council_id]))
    body = page.content.decode()
    assert 'id="calibration"' in body
    assert "-0,67" in body


def test_registry_evidence_is_shown_beside_prefillable_criteria(client, item, members):
    from datetime import date

    from ocop.producers.models import EvidenceDocument

    subject = item.product.subject
    EvidenceDocument.objects.create(
        subject=subject,
        doc_type="quality_declaration",
        number="CB-01/2025",
        issued_on=date(2019, 1, 2),
        expires_on=date(2020, 1, 1),
    )
    client.force_login(members[1].user)
    page = client.get(reverse("evaluation:scoresheet", args=[sheet_of(item, members[1]).pk]))
    body = page.content.decode()
    assert subject.get_legal_form_display() in body  # 3.1 legal form
    assert "CB-01/2025" in body  # 7.1 quality declaration, with its validity


def test_chair_withdraws_a_product_with_a_reason(client, session, item, members, chair):
    client.force_login(chair.user)
    page = client.get(reverse("evaluation:session", args=[session.pk])).content.decode()
    assert reverse("evaluation:item_withdraw", args=[item.pk]) in page
    client.post(reverse("evaluation:item_withdraw", args=[item.pk]), {"reason": " "})
    item.refresh_from_db()
    assert item.status == "scoring"
    client.post(reverse("evaluation:item_withdraw", args=[item.pk]), {"reason": "Thiếu mẫu"})
    item.refresh_from_db()
    assert item.status == "withdrawn"
    client.force_login(members[1].user)
    page = client.get(reverse("evaluation:session", args=[session.pk])).content.decode()
    assert reverse("evaluation:item_withdraw", args=[item.pk]) not in page


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("max_spread", "-5"),
        ("max_spread", "150"),
        ("quorum_percent", "0"),
        ("quorum_percent", "101"),
    ],
)
def test_a_council_with_a_spread_or_quorum_out_of_range_is_a_form_error(
    client, province_officer, field, value
):
    client.force_login(province_officer)
    data = {
        "name": "Hội đồng tỉnh",
        "level": "province",
        "unit": province("38").pk,
        "decision_number": "98/QĐ-UBND",
        "decision_date": "2025-08-01",
        "quorum_percent": 75,
        "quorum_requires_chair": "on",
        "max_spread": "10",
        field: value,
    }
    response = client.post(reverse("evaluation:council_create"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Council.objects.filter(decision_number="98/QĐ-UBND").exists()
    assert f'value="{value}"' in response.content.decode()


def test_a_refused_member_keeps_what_was_typed_on_the_council_page(
    client, council, province_officer
):
    client.force_login(province_officer)
    response = client.post(
        reverse("evaluation:member_add", args=[council.pk]),
        {
            "login": "khong-co-tai-khoan-nay",
            "body": "council",
            "role": "member",
            "organisation": "Sở Công Thương Thanh Hóa",
            "position": "Phó Giám đốc",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="Sở Công Thương Thanh Hóa"' in page
    assert 'value="Phó Giám đốc"' in page
    assert 'value="khong-co-tai-khoan-nay"' in page
    assert response.context["member_form"].errors["login"]


def test_a_refused_conflict_keeps_the_details_typed_on_the_session_page(
    client, session, item, members, province_officer
):
    client.force_login(province_officer)
    response = client.post(
        reverse("evaluation:conflict_add", args=[session.pk]),
        {"item": item.pk, "member": "", "kind": "household", "note": "Em ruột của giám đốc HTX"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Em ruột của giám đốc HTX</textarea>" in page
    assert response.context["conflict_form"].errors["member"]


def test_a_member_without_organisation_shows_no_leading_comma(client, council, province_officer):
    member = council.members.filter(body="council").first()
    member.organisation, member.position = "", "Chuyên gia độc lập"
    member.save()
    client.force_login(province_officer)
    page = client.get(reverse("evaluation:council", args=[council.pk])).content.decode()
    assert "<td>Chuyên gia độc lập" in page
    assert ", Chuyên gia độc lập" not in page
