"""Sheets with alternative cases (the tourism sheet of 148, set 26) and
flagged sheets in a council session: the chair chooses the case per product,
only that case is scored and counted, switching the case changes what counts,
and no scoring opens on a flagged sheet until an administrator confirms it."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from ocop.accounts.enums import Role
from ocop.core.models import ActivityLog
from ocop.criteria.domain.sheets import confirm_sheet_flags
from ocop.criteria.models import Sheet
from ocop.evaluation.domain import scoring, sessions
from ocop.evaluation.models import Scoresheet
from ocop.products.models import ProductCategory
from tests.factories.accounts import user_with_role
from tests.factories.evaluation import PAPER, open_session

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


D = Decimal


def current(code: str) -> Sheet:
    return Sheet.objects.get(code=code, superseded_by__isnull=True)


@pytest.fixture
def tourism(product_x):
    product_x.category = ProductCategory.objects.get(code="VI.1.a")
    product_x.save(update_fields=["category"])
    return product_x


@pytest.fixture
def item(province_officer, council, tourism):
    session = open_session(
        officer=province_officer, council=council, products=[tourism], sheet=current("148-VI.1.a")
    )
    return session.items.get()


def _answer_best(scoresheet, codes):
    spec = scoring._spec_for(scoresheet.item)
    for code in codes:
        best = max(spec.criterion(code).options, key=lambda o: o.points)
        scoring.save_answer(
            scoresheet=scoresheet,
            criterion_code=code,
            by=scoresheet.member.user,
            options=[best.code],
        )
    return Scoresheet.objects.get(pk=scoresheet.pk)


def test_a_tourism_product_is_scored_on_one_case_and_switching_changes_what_counts(
    item, chair, members
):
    sheet = Scoresheet.objects.get(item=item, member=chair)
    with pytest.raises(ValidationError, match="case"):
        _answer_best(sheet, ["8.a"])  # no case chosen yet
    scoring.choose_branches(
        item=item, by=chair.user, branches={"8": "8.TH1", "9": "9.TH1", "15": "15.TH1"}
    )
    sheet = _answer_best(sheet, ["8.a", "9.a", "15.a", "1.a"])
    assert sheet.total == D(3 + 2 + 3 + 3)
    with pytest.raises(ValidationError):
        _answer_best(sheet, ["8.b"])  # the other case is not scored
    # Switching section 8 to case 2: its case-1 answer no longer counts.
    scoring.choose_branches(item=item, by=chair.user, branches={"8": "8.TH2"})
    sheet.refresh_from_db()
    assert sheet.total == D(2 + 3 + 3)
    sheet = _answer_best(sheet, ["8.b"])
    assert sheet.total == D(3 + 2 + 3 + 3)
    assert scoring.unanswered(sheet)[:3] == ["1.b", "1.c", "1.d"]
    assert "8.a" not in scoring.unanswered(sheet)
    entry = ActivityLog.objects.filter(action="ocop.session.case_chosen").order_by("pk").last()
    assert entry.data["from"]["8"] == "8.TH1"
    assert entry.data["to"]["8"] == "8.TH2"


def test_submitting_needs_the_case_and_members_cannot_choose_it(item, members):
    member = members[1]
    with pytest.raises(PermissionDenied):
        scoring.choose_branches(item=item, by=member.user, branches={"8": "8.TH1"})
    sheet = Scoresheet.objects.get(item=item, member=member)
    with pytest.raises(ValidationError, match="8, 9, 15"):
        scoring.submit_scoresheet(scoresheet=sheet, by=member.user)
    with pytest.raises(ValidationError, match="no case"):
        scoring.choose_branches(item=item, by=members[0].user, branches={"8": "9.TH1"})


def test_the_scoring_page_shows_only_the_chosen_case(client, item, chair):
    sheet = Scoresheet.objects.get(item=item, member=chair)
    client.force_login(chair.user)
    html = client.get(f"/evaluation/scoresheets/{sheet.pk}/").content.decode()
    assert "nocase" in html
    assert 'id="criterion-8.a"' not in html
    response = client.post(
        f"/evaluation/items/{item.pk}/cases/", {"case-8": "8.TH2", "case-9": "9.TH1"}
    )
    assert response.status_code == 302
    html = client.get(f"/evaluation/scoresheets/{sheet.pk}/").content.decode()
    assert 'id="criterion-8.b"' in html
    assert 'id="criterion-8.a"' not in html
    assert 'id="criterion-9.a"' in html
    assert "Bản chép từ Phụ lục III" in html


def test_no_scoring_opens_on_a_flagged_sheet_until_an_administrator_confirms(
    province_officer, council, product_x
):
    tea = current("148-I.5.a")
    with pytest.raises(ValidationError, match=r"148-I\.5\.a"):
        open_session(officer=province_officer, council=council, products=[product_x], sheet=tea)
    admin = user_with_role(Role.CENTRAL_ADMIN, username="qt.tw")
    confirm_sheet_flags(sheet=tea, by=admin, reason="Đã đối chiếu phần C với bản ký.")
    session = sessions.create_session(
        council=council, by=province_officer, title="Phiên 2", date=date(2025, 9, 16)
    )
    sessions.add_item(
        session=session, product=product_x, by=province_officer, sheet=tea, exception_reason=PAPER
    )
    members = list(council.members.filter(body="council"))
    sessions.set_attendance(
        session=session, present_member_ids=[m.pk for m in members], by=province_officer
    )
    session = sessions.set_session_state(session=session, action="open", by=province_officer)
    assert session.state == "open"


def test_a_new_session_is_offered_the_transcribed_sheet_not_the_sample(
    province_officer, council, product_x
):
    product_x.category = ProductCategory.objects.get(code="I.4.a")
    product_x.save(update_fields=["category"])
    session = sessions.create_session(
        council=council, by=province_officer, title="Phiên 3", date=date(2025, 9, 16)
    )
    item = sessions.add_item(
        session=session, product=product_x, by=province_officer, exception_reason=PAPER
    )
    assert item.sheet.code == "148-I.4.a"
    assert item.sheet.status == "transcription"
