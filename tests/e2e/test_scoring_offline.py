"""A council member scores without a signal on a 360×740 phone (issue 22,
point 5): the sheet opened once online is kept by the service worker
(/evaluation/sw.js); offline, after a reload, two answers are kept in
IndexedDB and the page says "not sent yet"; back online they reach the server
exactly once (one activity-log entry); reloaded offline, the answers still on
the phone are painted back into the form and marked "not sent yet". The
sheet is then submitted offline (confirmed on the page), and back online it
is submitted once, after the answers. Then another member's answer and
submission typed offline for a session the chair closed meanwhile are
refused: the page shows the message and the phone still holds them until the
member says they saw it."""

import pytest
from django.utils import translation
from django.utils.formats import localize
from playwright.sync_api import expect

from ocop.core.models import ActivityLog
from ocop.criteria.domain.queries import compiled_sheet
from ocop.evaluation.domain import scoring, sessions
from ocop.evaluation.enums import ItemStatus, MemberRole, SheetStatus
from ocop.evaluation.models import CriterionScore, Scoresheet
from tests.e2e.helpers import PHONE, axe_violations, log_in, new_page, vi
from tests.e2e.test_scoring_phone import open_demo_session  # noqa: F401 (fixture)
from tests.factories.evaluation import pick_best

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


def go_offline_on_sheet(browser, contexts, errors, base, username, sheet):
    """A member's phone with the sheet opened once online (kept by the
    service worker), then without a signal and reloaded."""
    url = f"{base}/evaluation/scoresheets/{sheet.pk}/"
    phone = new_page(browser, contexts, errors, **PHONE)
    context = contexts[-1]
    log_in(phone, base, username)
    phone.goto(url)
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.reload()  # now controlled by the service worker, which keeps the page
    phone.wait_for_function(f"({CACHED})('{url}')", polling=200, timeout=15000)
    context.set_offline(True)
    phone.reload()
    expect(phone.locator("#scoring-form")).to_be_visible()
    return phone, context


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
    counted = scoring.counted_codes(compiled_sheet(sheet.item.sheet_id).spec, sheet.item)
    criteria = [
        c
        for c in sheet.item.sheet.criteria.prefetch_related("options").order_by("order")
        if c.code in counted
    ]
    first, second = [c for c in criteria if c.kind == "single"][:2]
    sync_url = f"/evaluation/scoresheets/{sheet.pk}/sync/"

    phone, context = go_offline_on_sheet(browser, contexts, errors, base, "hoidong.3", sheet)
    choice_1 = choose(phone, first)
    choice_2 = choose(phone, second)
    pending = vi("Not sent yet — will be sent when there is a signal")
    expect(phone.locator("#save-status")).to_contain_text(pending)
    phone.wait_for_function(
        f"({QUEUED})('{sync_url}').then(k => k && k.length === 2)", polling=200, timeout=5000
    )
    assert not CriterionScore.objects.filter(scoresheet=sheet).exists()
    # Reloaded again without a signal: the answers kept on the phone are
    # painted back into the form, each marked "not sent yet".
    phone.reload()
    expect(phone.locator(f"[id='c-{first.code}-{choice_1.code}']")).to_be_checked()
    expect(phone.locator(f"[id='c-{second.code}-{choice_2.code}']")).to_be_checked()
    expect(phone.locator(".pending-mark")).to_have_count(2)
    expect(phone.locator(f"[id='criterion-{first.code}'] .pending-mark")).to_have_text(
        vi("not sent yet")
    )
    expect(phone.locator("#offline-status")).to_contain_text(pending)

    context.set_offline(False)
    expect(phone.locator("#offline-status")).to_contain_text(
        vi("The answers typed without a signal are saved on the server.")
    )
    expect(phone.locator(".pending-mark")).to_have_count(0)
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

    # The rest of the sheet is scored on the server but the last criterion;
    # offline, the last one is answered and the sheet submitted.
    member = sheet.member.user
    last = criteria[-1]
    for criterion in [c for c in criteria if c not in (first, second, last)]:
        scoring.save_answer(
            scoresheet=sheet, criterion_code=criterion.code, by=member, options=pick_best(criterion)
        )
    context.set_offline(True)
    phone.reload()
    for option in pick_best(last):
        phone.locator(f"label[for='c-{last.code}-{option}']").click()
    phone.locator("#comment").fill("Chấm và nộp khi mất sóng")
    phone.locator("#submit-sheet").click()
    expect(phone.locator("#offline-submit-confirm")).to_be_visible()
    assert axe_violations(phone) == []
    phone.locator("#offline-submit-yes").click()
    expect(phone.locator("#offline-status")).to_contain_text(
        vi(
            "No signal: your submission is kept on this phone. It will be sent after your "
            "answers when the signal is back; you will see the result here."
        )
    )
    expect(phone.locator("#submit-sheet")).to_be_disabled()
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT
    context.set_offline(False)
    expect(phone.locator("#offline-status")).to_contain_text(
        vi(
            "Your sheet, scored without a signal, is submitted. You can now see the other "
            "members' scores."
        )
    )
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED
    assert sheet.comment == "Chấm và nộp khi mất sóng"
    assert CriterionScore.objects.filter(scoresheet=sheet).count() == len(criteria)
    phone.reload()
    phone.wait_for_timeout(500)
    assert phone.evaluate(f"({QUEUED})('{sync_url}')") is None
    assert ActivityLog.objects.filter(action=SYNCED).count() == 2
    assert ActivityLog.objects.filter(action="ocop.scoresheet.submitted").count() == 1
    phone.locator("a", has_text=vi("See the council's scores")).first.click()
    phone.wait_for_url(f"**/evaluation/items/{sheet.item_id}/")

    # Another member: offline, answers and submits; meanwhile the chair
    # closes the session.
    other = Scoresheet.objects.get(item=sheet.item, member__user__username="hoidong.2")
    other_sync = f"/evaluation/scoresheets/{other.pk}/sync/"
    phone2, context2 = go_offline_on_sheet(browser, contexts, errors, base, "hoidong.2", other)
    choose(phone2, first)
    expect(phone2.locator("#save-status")).to_contain_text(pending)
    phone2.locator("#submit-sheet").click()
    phone2.locator("#offline-submit-yes").click()
    session = sheet.item.session
    chair = session.council.members.filter(role=MemberRole.CHAIR, active=True).first().user
    for item in session.items.exclude(status__in=(ItemStatus.DECIDED, ItemStatus.WITHDRAWN)):
        sessions.withdraw_item(item=item, by=chair, reason="Thiếu mẫu sản phẩm")
    sessions.set_session_state(session=session, action="close", by=chair)
    context2.set_offline(False)
    expect(phone2.locator("#offline-status")).to_contain_text("không được gửi")
    expect(phone2.locator("#offline-status")).to_contain_text(
        vi("The session is not open for scoring.")
    )
    assert phone2.evaluate(f"({QUEUED})('{other_sync}')") == [first.code]
    other.refresh_from_db()
    assert other.status == SheetStatus.DRAFT
    assert not CriterionScore.objects.filter(scoresheet=other).exists()
    assert ActivityLog.objects.filter(action=SYNCED).count() == 2
    # Still on the phone after a reload, until the member says they saw it.
    phone2.reload()
    expect(phone2.locator("#offline-status")).to_contain_text("không được gửi")
    expect(phone2.locator(".pending-mark")).to_have_count(1)
    phone2.locator("#offline-ack").click()
    expect(phone2.locator("#offline-status")).to_be_hidden()
    assert phone2.evaluate(f"({QUEUED})('{other_sync}')") is None
    assert [e for e in errors if "409" not in e and "ERR_INTERNET_DISCONNECTED" not in e] == []
