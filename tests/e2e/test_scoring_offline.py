"""A council member scores without a signal on a 360×740 phone (issue 22,
point 5): the sheet opened once online is kept by the service worker
(/evaluation/sw.js); offline, after a reload, two answers are kept in
IndexedDB and the page says "not sent yet"; back online they reach the server
exactly once (one activity-log entry). Then an answer typed offline for a
session the chair closed meanwhile is refused: the page shows the message and
the phone still holds the answer."""

import pytest
from django.utils import translation
from django.utils.formats import localize
from playwright.sync_api import expect

from ocop.core.models import ActivityLog
from ocop.evaluation.domain import sessions
from ocop.evaluation.enums import ItemStatus, MemberRole
from ocop.evaluation.models import CriterionScore, Scoresheet
from tests.e2e.helpers import PHONE, log_in, new_page, vi
from tests.e2e.test_scoring_phone import open_demo_session  # noqa: F401 (fixture)

pytestmark = pytest.mark.e2e

CACHED = """url => caches.open('ocop-inspections-v1').then(c => c.match(url)).then(r => !!r)"""
QUEUED = """url => new Promise((resolve, reject) => {
  const open = indexedDB.open('ocop-scoring', 1);
  open.onsuccess = () => {
    const get = open.result.transaction('pending').objectStore('pending').get(url);
    get.onsuccess = () => resolve(get.result ? Object.keys(get.result.answers) : null);
    get.onerror = () => reject(get.error);
  };
  open.onerror = () => reject(open.error);
})"""
SYNCED = "ocop.scoresheet.offline_synced"


def choose(phone, criterion):
    option = criterion.options.order_by("order", "code").first()
    phone.locator(f"label[for='c-{criterion.code}-{option.code}']").click()
    return option


def test_answers_typed_offline_arrive_once_and_a_closed_session_refuses(
    live_server,
    browser,
    contexts,
    open_demo_session,  # noqa: F811
):
    base = live_server.url
    errors: list[str] = []
    sheet = Scoresheet.objects.select_related("item__sheet").get(
        item__session=open_demo_session,
        item__sheet__code="1048-I-rau-cu-qua-tuoi",
        member__user__username="hoidong.3",
    )
    first, second, third = sheet.item.sheet.criteria.filter(kind="single").order_by("order")[:3]
    url = f"{base}/evaluation/scoresheets/{sheet.pk}/"
    sync_url = f"/evaluation/scoresheets/{sheet.pk}/sync/"

    phone = new_page(browser, contexts, errors, **PHONE)
    context = contexts[-1]
    log_in(phone, base, "hoidong.3")
    phone.goto(url)
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.reload()  # now controlled by the service worker, which keeps the page
    phone.wait_for_function(f"({CACHED})('{url}')", polling=200, timeout=15000)

    context.set_offline(True)
    phone.reload()
    expect(phone.locator("#scoring-form")).to_be_visible()
    choice_1 = choose(phone, first)
    choice_2 = choose(phone, second)
    pending = vi("Not sent yet — will be sent when there is a signal")
    expect(phone.locator("#save-status")).to_contain_text(pending)
    phone.wait_for_function(
        f"({QUEUED})('{sync_url}').then(k => k && k.length === 2)", polling=200, timeout=5000
    )
    assert not CriterionScore.objects.filter(scoresheet=sheet).exists()

    context.set_offline(False)
    expect(phone.locator("#offline-status")).to_contain_text(
        vi("The answers typed without a signal are saved on the server.")
    )
    answers = dict(
        CriterionScore.objects.filter(scoresheet=sheet).values_list("criterion__code", "options")
    )
    assert answers == {first.code: [choice_1.code], second.code: [choice_2.code]}
    sheet.refresh_from_db()  # the totals box shows the new total without a reload
    with translation.override("vi"):
        total = localize(sheet.total)
    expect(phone.locator("#sheet-total")).to_have_text(total)
    phone.reload()  # nothing left to send: nothing is sent twice
    phone.wait_for_timeout(500)
    assert phone.evaluate(f"({QUEUED})('{sync_url}')") is None
    assert ActivityLog.objects.filter(action=SYNCED).count() == 1
    assert CriterionScore.objects.filter(scoresheet=sheet).count() == 2

    # Offline again; meanwhile the chair closes the session.
    context.set_offline(True)
    phone.reload()
    choose(phone, third)
    expect(phone.locator("#save-status")).to_contain_text(pending)
    session = sheet.item.session
    chair = session.council.members.filter(role=MemberRole.CHAIR, active=True).first().user
    for item in session.items.exclude(status__in=(ItemStatus.DECIDED, ItemStatus.WITHDRAWN)):
        sessions.withdraw_item(item=item, by=chair, reason="Thiếu mẫu sản phẩm")
    sessions.set_session_state(session=session, action="close", by=chair)
    context.set_offline(False)
    expect(phone.locator("#offline-status")).to_contain_text("không được gửi")
    expect(phone.locator("#offline-status")).to_contain_text(
        vi("The session is not open for scoring.")
    )
    assert phone.evaluate(f"({QUEUED})('{sync_url}')") == [third.code]
    assert not CriterionScore.objects.filter(scoresheet=sheet, criterion=third).exists()
    assert ActivityLog.objects.filter(action=SYNCED).count() == 1
    # Removed from the phone only once the member says they saw the message.
    phone.locator("#offline-ack").click()
    expect(phone.locator("#offline-status")).to_be_hidden()
    assert phone.evaluate(f"({QUEUED})('{sync_url}')") is None
    assert [e for e in errors if "409" not in e and "ERR_INTERNET_DISCONNECTED" not in e] == []
