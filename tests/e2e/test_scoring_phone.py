"""A council member scores on a phone (360×740): the "none of the options"
choice of a tick-box criterion is a recorded answer of 0 and excludes the
options; the comment autosaves like the answers and is there after a reload;
no "saved" status before the first answer. No console errors or CSP
violations."""

import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from ocop.accounts.models import User
from ocop.criteria.models import Sheet
from ocop.evaluation.demo import session_title
from ocop.evaluation.domain import sessions
from ocop.evaluation.models import CriterionScore, Scoresheet, Session
from ocop.products.models import Product
from tests.e2e.helpers import PHONE, log_in, new_page, vi

pytestmark = pytest.mark.e2e

COMMENT = "Bao bì đẹp; cần bổ sung truy xuất nguồn gốc."


@pytest.fixture
def open_demo_session(demo_data):
    """The demo session, with one more product scored on the 1048 sheet (the
    transcribed 148 sheets have no tick-box criterion), opened."""
    call_command("load_criteria", "--shipped", verbosity=0)
    call_command("load_demo", verbosity=0)
    session = Session.objects.get(title=session_title(timezone.localdate().year))
    officer = User.objects.get(username="tinh.canbo")
    product = (
        Product.objects.filter(province=session.council.unit)
        .exclude(agenda_items__session=session)
        .order_by("pk")
        .first()
    )
    sessions.add_item(
        session=session,
        product=product,
        by=officer,
        sheet=Sheet.objects.get(code="1048-I-rau-cu-qua-tuoi", superseded_by__isnull=True),
        exception_reason="Kiểm thử phiếu có tiêu chí nhiều phương án",
    )
    return sessions.set_session_state(session=session, action="open", by=officer)


def test_a_member_on_a_phone_answers_none_and_the_comment_autosaves(
    live_server, browser, contexts, open_demo_session
):
    base = live_server.url
    errors: list[str] = []
    sheet = Scoresheet.objects.select_related("item__sheet").get(
        item__session=open_demo_session,
        item__sheet__code="1048-I-rau-cu-qua-tuoi",
        member__user__username="hoidong.3",
    )
    multi = sheet.item.sheet.criteria.filter(kind="multi").order_by("order").first()
    assert multi is not None, "the demo sheet has a tick-box criterion"
    first_option = multi.options.order_by("order", "code").first()

    phone = new_page(browser, contexts, errors, **PHONE)
    log_in(phone, base, "hoidong.3")
    phone.goto(f"{base}/evaluation/scoresheets/{sheet.pk}/")
    expect(phone.locator("#save-status")).not_to_contain_text(vi("Saved automatically"))
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    none = phone.locator(f"[id='c-{multi.code}-none']")
    option = phone.locator(f"[id='c-{multi.code}-{first_option.code}']")
    # "None of the options": a recorded answer of 0 points.
    with phone.expect_response(re.compile(r"/answer/$")) as saved:
        phone.locator(f"label[for='c-{multi.code}-none']").click()
    assert saved.value.ok
    expect(phone.locator("#save-status")).to_contain_text(vi("Saved automatically"))
    answer = CriterionScore.objects.get(scoresheet=sheet, criterion=multi)
    assert (answer.options, answer.points) == ([], 0)
    # An option ticked clears "none"; unticked again, "none" comes back (0 points).
    with phone.expect_response(re.compile(r"/answer/$")):
        phone.locator(f"label[for='c-{multi.code}-{first_option.code}']").click()
    expect(none).not_to_be_checked()
    answer.refresh_from_db()
    assert answer.options == [first_option.code]
    with phone.expect_response(re.compile(r"/answer/$")):
        phone.locator(f"label[for='c-{multi.code}-{first_option.code}']").click()
    expect(none).to_be_checked()
    expect(option).not_to_be_checked()
    answer.refresh_from_db()
    assert (answer.options, answer.points) == ([], 0)

    # The comment autosaves as it is typed, and is there after a reload.
    comment = phone.locator("#comment")
    comment.scroll_into_view_if_needed()
    with phone.expect_response(re.compile(r"/comment/$")) as saved:
        comment.fill(COMMENT)
    assert saved.value.ok
    sheet.refresh_from_db()
    assert sheet.comment == COMMENT
    phone.reload()
    expect(phone.locator("#comment")).to_have_value(COMMENT)
    expect(phone.locator(f"[id='c-{multi.code}-none']")).to_be_checked()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert errors == []
