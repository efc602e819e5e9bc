"""The session's documents: the minutes (PDF), the results table (XLSX) and
each member's scoring sheet (PDF), read back as a reader would."""

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from ocop.accounts.enums import Role
from ocop.evaluation.domain import scoring, sessions
from ocop.evaluation.domain.documents import render_minutes, results_workbook
from ocop.evaluation.enums import ConflictKind
from ocop.evaluation.models import Scoresheet
from tests.factories.accounts import user_with_role
from tests.factories.evaluation import (
    PAPER,
    council_with_members,
    fill,
    open_session,
    pick_worst,
    sheet_1048,
)
from tests.factories.geo import province
from tests.factories.registry import ProductFactory
from tests.pdffonts import assert_administrative_fonts, not_embedded, pdf_fonts

pytestmark = pytest.mark.django_db

CONCLUSIONS = "Hội đồng thống nhất đề nghị công nhận các sản phẩm đạt."


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def sheet_of(item, member):
    return Scoresheet.objects.get(item=item, member=member, round=item.round)


def score_x(item, members):
    """298 / 3 = 99.33…: one member drops 1.1 to "b" and one 1.3 to "c"."""
    fill(sheet_of(item, members[0]))
    fill(sheet_of(item, members[1]), overrides={"1.1": ["b"]})
    fill(sheet_of(item, members[2]), overrides={"1.3": ["c"]})


def score_best(item, members):
    for member in members:
        fill(sheet_of(item, member))


@pytest.fixture
def item_y(session, product_y):
    return session.items.get(product=product_y)


@pytest.fixture
def closed(session, item, item_y, members, chair):
    score_x(item, members)
    score_best(item_y, members)
    return sessions.set_session_state(
        session=session, action="close", by=chair.user, reason=CONCLUSIONS
    )


def get(client, user, name, pk):
    client.force_login(user)
    return client.get(reverse(f"evaluation:{name}", args=[pk]))


# Minutes -----------------------------------------------------------------------


@pytest.mark.parametrize("reader", ["chair", "province_officer"])
def test_minutes_of_a_closed_session_print_the_exact_mean_and_the_star(
    client, closed, chair, province_officer, product_x, product_y, reader
):
    user = chair.user if reader == "chair" else province_officer
    response = get(client, user, "minutes_pdf", closed.pk)
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    text = pdf_text(response.content)
    assert "BIÊN BẢN HỌP HỘI ĐỒNG ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP" in text
    assert "DỰ THẢO" not in text
    assert product_x.name in text
    assert product_y.name in text
    assert "99,33" in text
    assert "99.33" not in text
    assert "100,00" in text
    assert "5 sao" in text
    assert "Đề nghị cấp trên" in text
    assert "1234/QĐ-UBND" in text
    assert CONCLUSIONS in text
    assert "THƯ KÝ" in text
    assert "CHỦ TỊCH HỘI ĐỒNG" in text
    assert chair.name in text
    assert "Phiên họp đủ số thành viên theo quy định." in text


def test_minutes_while_scoring_are_a_draft_with_only_computed_results(
    client, session, item, item_y, members, chair, product_y
):
    score_x(item, members)
    fill(sheet_of(item_y, members[0]), pick=pick_worst)  # one sheet of Y: no result yet
    text = pdf_text(get(client, chair.user, "minutes_pdf", session.pk).content)
    assert "DỰ THẢO" in text
    assert "99,33" in text
    assert product_y.name in text
    assert "Chưa có kết quả" in text
    total_y = Scoresheet.objects.get(item=item_y, member=members[0]).total
    assert f"{total_y:.2f}".replace(".", ",") not in text


def test_minutes_of_a_sample_sheet_say_so(client, closed, chair):
    sheet = closed.items.first().sheet
    text = pdf_text(get(client, chair.user, "minutes_pdf", closed.pk).content)
    assert ("Phiếu đánh giá mẫu, không phải văn bản chính thức" in text) == (not sheet.is_official)


def test_a_planned_sessions_documents_are_not_found(client, council, province_officer, chair):
    planned = sessions.create_session(
        council=council, by=province_officer, title="Phiên sau", date=date(2025, 10, 1)
    )
    for user in (province_officer, chair.user):
        assert get(client, user, "minutes_pdf", planned.pk).status_code == 404
        assert get(client, user, "results_xlsx", planned.pk).status_code == 404


@pytest.fixture
def outsiders(province_officer):
    _other, people = council_with_members(officer=province_officer, members=1)
    officer_elsewhere = user_with_role(
        Role.PROVINCE_OFFICER, unit=province("01"), username="tinh.hn"
    )
    return [people[0].user, officer_elsewhere]


def test_outsiders_get_404_for_every_document(client, closed, item, members, outsiders):
    sheet = sheet_of(item, members[1])
    for user in outsiders:
        assert get(client, user, "minutes_pdf", closed.pk).status_code == 404
        assert get(client, user, "results_xlsx", closed.pk).status_code == 404
        assert get(client, user, "scoresheet_pdf", sheet.pk).status_code == 404


def test_minutes_record_rescoring_reopening_withdrawal_and_conflicts(
    council, members, chair, province_officer, subject_x
):
    products = [ProductFactory(subject=subject_x, name=f"Sản phẩm số {i}") for i in range(3)]
    session = sessions.create_session(
        council=council, by=province_officer, title="Phiên đánh giá", date=date(2025, 9, 15)
    )
    for product in products:
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
    first, second, third = list(session.items.order_by("order", "id"))
    sessions.declare_conflict(
        item=third,
        member=members[2],
        kind=ConflictKind.HOUSEHOLD,
        note="Anh ruột của chủ cơ sở",
        by=province_officer,
        recuse=True,
    )
    session = sessions.set_session_state(session=session, action="open", by=province_officer)
    first, second, third = list(session.items.order_by("order", "id"))
    # First: a spread above the limit, discussion, second round.
    fill(sheet_of(first, members[0]))
    fill(sheet_of(first, members[1]))
    fill(sheet_of(first, members[2]), pick=pick_worst)
    first.refresh_from_db()
    scoring.start_new_round(item=first, by=chair.user, reason="Thống nhất lại tiêu chí 1.1")
    first.refresh_from_db()
    for member in members:
        fill(sheet_of(first, member), submit=False)
        scoring.submit_scoresheet(scoresheet=sheet_of(first, member), by=member.user)
    # Second: withdrawn for missing samples.
    sessions.withdraw_item(item=second, by=chair.user, reason="Thiếu mẫu sản phẩm")
    # Third: two members (one is recused); one sheet reopened and submitted again.
    fill(sheet_of(third, members[0]))
    sheet = fill(sheet_of(third, members[1]))
    scoring.reopen_scoresheet(scoresheet=sheet, by=chair.user, reason="Chọn nhầm phương án")
    scoring.submit_scoresheet(scoresheet=sheet_of(third, members[1]), by=members[1].user)
    session = sessions.set_session_state(session=session, action="close", by=chair.user)

    text = pdf_text(render_minutes(session=session))
    assert "vòng 1: độ lệch" in text
    assert "Thiếu mẫu sản phẩm" in text
    assert "Rút khỏi phiên họp" in text
    assert "Chọn nhầm phương án" in text
    assert "Anh ruột của chủ cơ sở" in text
    assert "Không tham gia chấm sản phẩm này" in text


def test_documents_cost_the_same_queries_for_2_and_6_products(
    closed, council, members, chair, province_officer, subject_x
):
    products = [ProductFactory(subject=subject_x, name=f"Sản phẩm số {i}") for i in range(6)]
    bigger = open_session(officer=province_officer, council=council, products=products)
    for item in bigger.items.all():
        score_best(item, members)
    bigger = sessions.set_session_state(session=bigger, action="close", by=chair.user)

    def count(render, session):
        with CaptureQueriesContext(connection) as queries:
            render(session=session)
        return len(queries)

    small = count(render_minutes, closed)
    assert small == count(render_minutes, bigger)
    assert small <= 12
    assert count(results_workbook, closed) == count(results_workbook, bigger)


def test_minutes_view_has_a_fixed_query_bound(client, closed, chair, django_assert_max_num_queries):
    client.force_login(chair.user)
    url = reverse("evaluation:minutes_pdf", args=[closed.pk])
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


# Results table -----------------------------------------------------------------


def rows(workbook, title):
    return [list(row) for row in workbook[title].iter_rows(values_only=True)]


def test_results_table_holds_the_numbers(client, closed, province_officer, product_x, members):
    response = get(client, province_officer, "results_xlsx", closed.pk)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Kết quả", "Điểm thành viên", "Điểm theo tiêu chí"]
    results = rows(workbook, "Kết quả")
    assert results[0][:9] == [
        "STT",
        "Sản phẩm",
        "Chủ thể",
        "Xã/phường",
        "Tỉnh",
        "Bộ sản phẩm",
        "Phiếu đánh giá",
        "Số thành viên chấm",
        "Điểm trung bình",
    ]
    x = next(row for row in results[1:] if row[1] == product_x.name)
    assert (x[7], x[8], x[9], x[11], x[12], x[13], x[14]) == (3, 99.33, 1, 5, "Đạt", 4, "Có")
    assert workbook["Kết quả"].cell(row=results.index(x) + 1, column=9).number_format == "0.00"
    member_rows = rows(workbook, "Điểm thành viên")
    assert member_rows[0][:9] == [
        "STT",
        "Sản phẩm",
        "Thành viên",
        "Vai trò",
        "Vòng chấm",
        "Tổng điểm",
        "Phần A",
        "Phần B",
        "Phần C",
    ]
    assert sorted(r[5] for r in member_rows[1:] if r[1] == product_x.name) == [99, 99, 100]
    assert len(member_rows) == 1 + 2 * len(members)
    criteria = closed.items.first().sheet.criteria.count()
    assert len(rows(workbook, "Điểm theo tiêu chí")) == 1 + 2 * criteria


def test_results_table_keeps_the_blind_while_scoring(
    session, item, item_y, members, product_x, product_y
):
    score_x(item, members)
    fill(sheet_of(item_y, members[0]))
    workbook = load_workbook(io.BytesIO(results_workbook(session=session)))
    results = {row[1]: row for row in rows(workbook, "Kết quả")[1:]}
    assert results[product_x.name][8] == 99.33
    assert results[product_y.name][7:12] == [None, None, None, None, None]
    assert {r[1] for r in rows(workbook, "Điểm thành viên")[1:]} == {product_x.name}
    assert {r[1] for r in rows(workbook, "Điểm theo tiêu chí")[1:]} == {product_x.name}


def test_results_table_escapes_formulas(council, province_officer, subject_x):
    product = ProductFactory(subject=subject_x, name='=HYPERLINK("http://x")')
    session = open_session(officer=province_officer, council=council, products=[product])
    workbook = load_workbook(io.BytesIO(results_workbook(session=session)))
    assert rows(workbook, "Kết quả")[1][1] == '\'=HYPERLINK("http://x")'


# Member's scoring sheet --------------------------------------------------------


def test_members_sheet_pdf_shows_their_choices_and_total(client, closed, item, members):
    sheet = sheet_of(item, members[1])
    response = get(client, members[1].user, "scoresheet_pdf", sheet.pk)
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    text = pdf_text(response.content)
    assert "PHIẾU ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP" in text
    assert "Tổng điểm: 99,00" in text
    assert members[1].name in text
    assert item.product.name in text
    assert "THÀNH VIÊN HỘI ĐỒNG" in text
    assert "DỰ THẢO" not in text
    assert_administrative_fonts(response.content)


def test_a_draft_sheet_prints_as_a_draft_for_its_member_only(client, item, members):
    sheet = sheet_of(item, members[1])
    scoring.save_answer(scoresheet=sheet, criterion_code="1.1", by=members[1].user, options=["b"])
    text = pdf_text(get(client, members[1].user, "scoresheet_pdf", sheet.pk).content)
    assert "DỰ THẢO / chưa nộp" in text
    assert get(client, members[0].user, "scoresheet_pdf", sheet.pk).status_code == 404


def test_others_read_a_submitted_sheet_only_after_the_blind(client, item, members):
    sheet = fill(sheet_of(item, members[1]))
    assert get(client, members[0].user, "scoresheet_pdf", sheet.pk).status_code == 404
    fill(sheet_of(item, members[0]))
    assert get(client, members[0].user, "scoresheet_pdf", sheet.pk).status_code == 200


def test_the_minutes_embed_every_font_in_liberation_serif(closed):
    pdf = render_minutes(session=closed)
    assert not_embedded(pdf) == []
    assert "LiberationSerif" in {font["plain"] for font in pdf_fonts(pdf)}
