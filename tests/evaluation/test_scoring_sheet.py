"""The member's scoring sheet (issue 18, point 5) and the confirmation of the
irreversible steps of a session (point 4): the explicit "none of the options"
choice, the comment's autosave, expired evidence in red, no "saved" status
before the first answer, and the per-criterion disagreement after submission."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ocop.evaluation.domain import scoring, sessions
from ocop.evaluation.enums import SessionState, SheetStatus
from ocop.evaluation.models import CriterionScore, Scoresheet
from ocop.producers.models import EvidenceDocument
from tests.factories.evaluation import PAPER, fill, sheet_1048

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
NONE_LABEL = "Không đáp ứng phương án nào (0 điểm)"
SAVED = "Đã tự động lưu"


def sheet_of(item, member):
    return Scoresheet.objects.get(item=item, member=member, round=item.round)


def page_of(client, sheet) -> str:
    return client.get(reverse("evaluation:scoresheet", args=[sheet.pk])).content.decode()


# The tick-box criterion -----------------------------------------------------------


def test_a_tick_box_criterion_has_an_explicit_none_choice_recorded_as_zero(client, item, members):
    sheet = sheet_of(item, members[1])
    client.force_login(members[1].user)
    page = page_of(client, sheet)
    assert 'id="c-3.2-none"' in page
    assert NONE_LABEL in page
    assert "3.2" in scoring.unanswered(sheet)
    url = reverse("evaluation:answer", args=[sheet.pk])
    response = client.post(url, {"criterion": "3.2", "c-3.2": "a"}, headers=HTMX)
    assert CriterionScore.objects.get(scoresheet=sheet, criterion__code="3.2").points == 1
    response = client.post(url, {"criterion": "3.2", "c-3.2": scoring.NONE_MET}, headers=HTMX)
    assert response.status_code == 200
    answer = CriterionScore.objects.get(scoresheet=sheet, criterion__code="3.2")
    assert (answer.options, answer.points) == ([], 0)
    assert "3.2" not in scoring.unanswered(sheet)
    page = page_of(client, sheet)
    assert 'value="__none__" data-none-met checked' in page
    # Ticking an option and "none" together is refused; the answer stays.
    response = client.post(
        url, {"criterion": "3.2", "c-3.2": ["a", scoring.NONE_MET]}, headers=HTMX
    )
    assert "alert-danger" in response.content.decode()
    answer.refresh_from_db()
    assert (answer.options, answer.points) == ([], 0)


# The comment ----------------------------------------------------------------------


def test_the_comment_autosaves_and_is_kept_when_a_submission_is_refused(client, item, members):
    sheet = sheet_of(item, members[1])
    client.force_login(members[1].user)
    page = page_of(client, sheet)
    assert f'hx-post="{reverse("evaluation:comment", args=[sheet.pk])}"' in page
    response = client.post(
        reverse("evaluation:comment", args=[sheet.pk]),
        {"comment": "Bao bì cần cải tiến."},
        headers=HTMX,
    )
    assert SAVED in response.content.decode()
    sheet.refresh_from_db()
    assert sheet.comment == "Bao bì cần cải tiến."
    # Submitting an incomplete sheet is refused; the comment typed is not lost.
    response = client.post(
        reverse("evaluation:submit", args=[sheet.pk]),
        {"comment": "Bao bì và nhãn cần cải tiến.", "confirm": "1"},
        follow=True,
    )
    body = response.content.decode()
    assert "1.1" in body  # the refusal names what is not scored
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT
    assert sheet.comment == "Bao bì và nhãn cần cải tiến."
    assert "Bao bì và nhãn cần cải tiến.</textarea>" in body


def test_another_members_sheet_comment_is_refused(client, item, members):
    sheet = sheet_of(item, members[1])
    client.force_login(members[2].user)
    response = client.post(reverse("evaluation:comment", args=[sheet.pk]), {"comment": "x"})
    assert response.status_code == 404
    sheet.refresh_from_db()
    assert sheet.comment == ""


# Evidence and the save status -----------------------------------------------------


def test_expired_evidence_is_red_on_the_sheet(client, item, members):
    today = timezone.localdate()
    subject = item.product.subject
    EvidenceDocument.objects.create(
        subject=subject,
        doc_type="food_safety",
        number="ATTP-CU",
        issued_on=date(2020, 1, 1),
        expires_on=today - timedelta(days=3),
    )
    EvidenceDocument.objects.create(
        subject=subject,
        doc_type="quality_declaration",
        number="CB-MOI",
        issued_on=date(2024, 1, 1),
        expires_on=today + timedelta(days=400),
    )
    client.force_login(members[1].user)
    page = page_of(client, sheet_of(item, members[1]))
    listing = page[page.index('id="evidence-documents"') :]
    rows = listing[: listing.index("</ul>")].split("<li")[1:]
    (expired,) = [row for row in rows if "ATTP-CU" in row]
    (valid,) = [row for row in rows if "CB-MOI" in row]
    assert 'class="text-danger document-expired"' in expired
    assert "hết hạn" in expired  # the dossier page's validity badge
    assert "text-danger" not in valid
    assert "hết hạn" not in valid


def test_no_saved_status_before_the_first_answer(client, item, members):
    sheet = sheet_of(item, members[1])
    client.force_login(members[1].user)
    assert SAVED not in page_of(client, sheet)
    client.post(
        reverse("evaluation:answer", args=[sheet.pk]),
        {"criterion": "1.1", "c-1.1": "c"},
        headers=HTMX,
    )
    assert SAVED in page_of(client, sheet)


# The discussion view --------------------------------------------------------------


def test_the_discussion_view_shows_each_answer_and_the_spread_per_criterion(
    client, item, members, council
):
    council.max_criterion_spread = 1
    council.save(update_fields=["max_criterion_spread"])
    fill(sheet_of(item, members[0]), overrides={"1.1": ["a"]})
    fill(sheet_of(item, members[1]))
    client.force_login(members[1].user)
    with CaptureQueriesContext(connection) as two:
        client.get(reverse("evaluation:item", args=[item.pk]))
    fill(sheet_of(item, members[2]), overrides={"1.1": ["b"]})
    with CaptureQueriesContext(connection) as three:
        page = client.get(reverse("evaluation:item", args=[item.pk])).content.decode()
    # One query for every sheet's answers, however many members submitted.
    answers = [q for q in three.captured_queries if "evaluation_criterionscore" in q["sql"]]
    assert len(answers) == 1
    assert len(three.captured_queries) == len(two.captured_queries)
    table = page[page.index('id="criterion-disagreement"') :]
    table = table[: table.index("</table>")]
    for member in members:
        assert member.name in table
    row = table[table.index('data-code="1.1"') :]
    row = row[: row.index("</tr>")]
    assert (
        "over-limit"
        in table[table.index('data-code="1.1"') - 60 : table.index('data-code="1.1"') + 60]
    )
    assert ">a</span> 1<" in row
    assert ">c</span> 3<" in row
    assert ">b</span> 2<" in row
    assert ">2 <span" in row  # spread 3 − 1
    calm = table[table.index('data-code="1.2"') - 60 :]
    calm = calm[: calm.index("</tr>")]
    assert "over-limit" not in calm
    assert "1 tiêu chí vượt mức" in page


# Confirmations ---------------------------------------------------------------------


def test_submitting_asks_for_confirmation_with_a_summary(client, item, members):
    sheet = sheet_of(item, members[1])
    fill(sheet, submit=False)
    sheet.refresh_from_db()
    client.force_login(members[1].user)
    url = reverse("evaluation:submit", args=[sheet.pk])
    asked = client.post(url, {"comment": "Tốt"}).content.decode()
    assert 'id="confirm-action"' in asked
    assert item.product.name in asked
    assert "100,00" in asked or "100.00" in asked
    assert "<script>" not in asked
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT
    client.post(url, {"comment": "Tốt", "confirm": "1"})
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED
    assert sheet.comment == "Tốt"


def test_opening_scoring_asks_for_confirmation(
    client, province_officer, council, members, product_x
):
    session = sessions.create_session(
        council=council, by=province_officer, title="Phiên 2", date=timezone.localdate()
    )
    product = product_x
    sessions.add_item(
        session=session,
        product=product,
        by=province_officer,
        sheet=sheet_1048(),
        exception_reason=PAPER,
    )
    sessions.set_attendance(
        session=session, present_member_ids=[m.pk for m in members], by=province_officer
    )
    client.force_login(province_officer)
    url = reverse("evaluation:session_state", args=[session.pk])
    asked = client.post(url, {"action": "open"}).content.decode()
    assert 'id="confirm-action"' in asked
    assert product.name in asked
    assert "3 trên 3 thành viên" in asked
    session.refresh_from_db()
    assert session.state == SessionState.PLANNED
    assert not Scoresheet.objects.filter(item__session=session).exists()
    client.post(url, {"action": "open", "confirm": "1"})
    session.refresh_from_db()
    assert session.state == SessionState.OPEN
