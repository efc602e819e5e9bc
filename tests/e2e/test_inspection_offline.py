"""The inspector's visit without a signal on a 360×740 phone: the assigned
visit is opened online (the service worker keeps it), the phone goes offline,
the page is reloaded, the checklist is filled and kept in IndexedDB; back
online the answers reach the server exactly once. A second set typed offline
for a visit that was closed on the server in the meantime is refused and the
inspector is told."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from ocop.certification.enums import CertificateStatus
from ocop.core.models import ActivityLog, Notification
from ocop.inspections.domain import visits
from ocop.inspections.enums import Outcome, VisitState
from ocop.inspections.models import Answer, CorrectiveAction, RevocationProposal, Visit
from tests.e2e.helpers import DESKTOP, PHONE, axe_violations, log_in, new_page, vi

pytestmark = pytest.mark.e2e

CACHED = """url => caches.open('ocop-inspections-v1').then(c => c.match(url)).then(r => !!r)"""


def test_checklist_filled_offline_syncs_once(live_server, demo_data, browser, contexts, tmp_path):
    errors: list[str] = []
    phone = new_page(browser, contexts, errors, **PHONE)
    context = contexts[-1]
    log_in(phone, live_server.url, "thanhtra")
    phone.goto(f"{live_server.url}/inspections/visits/?mine=1")
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.reload()  # now controlled by the service worker, which keeps the pages
    visit = Visit.objects.select_related("product").get()
    url = f"{live_server.url}/inspections/visits/{visit.pk}/"
    phone.wait_for_function(f"({CACHED})('{url}')", polling=200, timeout=15000)
    phone.get_by_role("link", name=visit.product.name).click()
    phone.wait_for_url(url)

    context.set_offline(True)
    phone.reload()
    expect(phone.locator("#answers-form")).to_be_visible()
    for fieldset in phone.locator("#answers-form fieldset").all():
        fieldset.get_by_label("đạt", exact=True).check()
    phone.get_by_label("Ghi chú chuyến kiểm tra").fill("Điền khi mất sóng.")
    phone.get_by_role("button", name="Lưu kết quả").click()
    expect(phone.locator("#offline-status")).to_contain_text("giữ trên điện thoại")
    assert Answer.objects.filter(visit=visit).count() == 0

    picture = tmp_path / "kho.jpg"
    Image.new("RGB", (120, 90), (120, 60, 20)).save(picture, format="JPEG")
    phone.locator("#photo-form input[type=file]").set_input_files(str(picture))
    phone.locator("#photo-form").get_by_label("Chú thích").fill("Kho, chụp khi mất sóng")
    phone.get_by_role("button", name="Đính kèm ảnh").click()
    expect(phone.locator("#offline-status")).to_contain_text("ảnh được giữ trên điện thoại")
    assert not visit.photos.exists()

    context.set_offline(False)
    expect(phone.locator("#offline-status")).to_contain_text("Ảnh chụp khi không có sóng đã")
    items = visit.checklist.items.count()
    assert Answer.objects.filter(visit=visit, result="ok").count() == items
    visit.refresh_from_db()
    assert visit.notes == "Điền khi mất sóng."
    assert list(visit.photos.values_list("caption", flat=True)) == ["Kho, chụp khi mất sóng"]
    phone.reload()  # nothing left to send: nothing is sent twice
    phone.wait_for_timeout(500)
    assert ActivityLog.objects.filter(action="ocop.inspection_visit.answered").count() == 1

    # Offline again; meanwhile the visit is closed on the server.
    context.set_offline(True)
    phone.reload()
    phone.locator("#answers-form fieldset[data-item='1']").get_by_label(
        "có vi phạm", exact=True
    ).check()
    phone.get_by_role("button", name="Lưu kết quả").click()
    expect(phone.locator("#offline-status")).to_contain_text("giữ trên điện thoại")
    inspector = visit.inspector
    visits.acknowledge(visit=visit, name="Lê Văn Tâm", confirmed=True, by=inspector)
    visits.set_visit_state(
        visit=visit,
        action="close",
        by=inspector,
        outcome="compliant",
        visited_on=timezone.localdate(),
    )
    context.set_offline(False)
    expect(phone.locator("#offline-status")).to_contain_text("đã được kết thúc trên máy chủ")
    assert not Answer.objects.filter(visit=visit, result="finding").exists()
    assert ActivityLog.objects.filter(action="ocop.inspection_visit.answered").count() == 1
    assert [e for e in errors if "409" not in e] == []


def test_a_whole_visit_recorded_offline_then_reminded_and_a_revisit_revokes(
    live_server, demo_data, browser, contexts, tmp_path
):
    """The whole visit without a signal — checklist with a finding, a photo,
    the representative's acknowledgment, a corrective action and the close
    with a warning — reaches the server exactly once when the signal is back
    (one log entry each); the deadline passes and the reminder is sent once;
    the re-visit proposes revocation and the province revokes the
    certificate through the certification app."""
    base = live_server.url
    errors: list[str] = []
    phone = new_page(browser, contexts, errors, **PHONE)
    context = contexts[-1]
    log_in(phone, base, "thanhtra")
    phone.goto(f"{base}/inspections/visits/?mine=1")
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.reload()
    visit = Visit.objects.select_related("product").get()
    url = f"{base}/inspections/visits/{visit.pk}/"
    phone.wait_for_function(f"({CACHED})('{url}')", polling=200, timeout=15000)
    phone.get_by_role("link", name=visit.product.name).click()
    phone.wait_for_url(url)
    today = timezone.localdate()

    context.set_offline(True)
    phone.reload()
    expect(phone.locator("#answers-form")).to_be_visible()
    # The product's reference data (certificate, capacity, stamps, documents)
    # came with the page.
    phone.locator("#product-reference summary").click()
    expect(phone.locator("#product-reference")).to_contain_text("★")
    expect(phone.locator("#product-reference")).to_contain_text(vi("Declared annual capacity"))
    for fieldset in phone.locator("#answers-form fieldset").all():
        fieldset.get_by_label("đạt", exact=True).check()
    phone.locator("#answers-form fieldset[data-item='3']").get_by_label(
        "có vi phạm", exact=True
    ).check()
    phone.get_by_role("button", name="Lưu kết quả").click()
    expect(phone.locator("#offline-status")).to_contain_text("giữ trên điện thoại")
    picture = tmp_path / "nhan.jpg"
    Image.new("RGB", (120, 90), (20, 60, 120)).save(picture, format="JPEG")
    phone.locator("#photo-form input[type=file]").set_input_files(str(picture))
    phone.locator("#photo-form").get_by_label("Chú thích").fill("Nhãn hết hạn công bố")
    phone.get_by_role("button", name="Đính kèm ảnh").click()
    expect(phone.locator("#offline-status")).to_contain_text("ảnh được giữ trên điện thoại")
    phone.get_by_label("Tên đại diện chủ thể").fill("Lê Văn Tâm")
    phone.get_by_label("Đại diện chủ thể đã đọc và xác nhận biên bản").check()
    phone.get_by_role("button", name="Ghi nhận xác nhận").click()
    expect(phone.locator("#offline-status")).to_contain_text(
        vi(
            "No signal: the acknowledgment is kept on this phone and will be sent once when "
            "the signal is back."
        )
    )
    deadline = today + timedelta(days=15)
    action_form = phone.locator("#action-form")
    action_form.get_by_label(vi("Corrective action")).fill("Dán lại nhãn có bản công bố mới")
    action_form.get_by_label(vi("Deadline")).fill(deadline.isoformat())
    action_form.get_by_role("button", name=vi("Add the corrective action")).click()
    expect(phone.locator("#action-form .pending-mark")).to_be_visible()
    close_form = phone.locator("#close-form")
    close_form.get_by_label(vi(Outcome.WARNING.label)).check()
    close_form.get_by_role("button", name="Kết thúc kiểm tra").click()
    expect(phone.locator("#close-form .pending-mark")).to_be_visible()
    assert axe_violations(phone) == []
    # Reloaded without a signal: what is on the phone is shown again.
    phone.reload()
    expect(
        phone.locator("#answers-form fieldset[data-item='3']").get_by_label(
            "có vi phạm", exact=True
        )
    ).to_be_checked()
    for form in ("#ack-form", "#action-form", "#close-form"):
        expect(phone.locator(f"{form} .pending-mark")).to_have_text(vi("not sent yet"))
    visit.refresh_from_db()
    assert visit.state == VisitState.PLANNED
    assert not visit.answers.exists()

    context.set_offline(False)
    expect(phone.locator("#offline-status")).to_contain_text(
        vi("The visit closed without a signal is closed on the server.")
    )
    visit.refresh_from_db()
    assert visit.state == VisitState.CLOSED
    assert visit.outcome == Outcome.WARNING
    assert visit.representative_name == "Lê Văn Tâm"
    assert visit.answers.filter(result="finding").count() == 1
    (photo,) = visit.photos.all()
    assert photo.caption == "Nhãn hết hạn công bố"
    # Its time is when it was taken on the phone, not when it reached the server.
    closed_at = ActivityLog.objects.get(action="ocop.inspection_visit.closed").at
    assert photo.taken_at < ActivityLog.objects.get(action="ocop.inspection_visit.photo_added").at
    assert photo.taken_at < closed_at
    (action,) = CorrectiveAction.objects.filter(visit=visit)
    assert action.deadline == deadline
    phone.reload()  # nothing left to send: nothing is sent twice
    phone.wait_for_timeout(500)
    expect(phone.locator("#visit-state")).to_have_text(vi(VisitState.CLOSED.label))
    for step in ("answered", "photo_added", "acknowledged", "action_added", "closed"):
        assert ActivityLog.objects.filter(action=f"ocop.inspection_visit.{step}").count() == 1

    # The deadline passes: the reminder is sent once, however often the job runs.
    CorrectiveAction.objects.filter(pk=action.pk).update(deadline=today - timedelta(days=1))
    job = "remind_overdue_corrective_actions"
    call_command("run_periodic", "--force", "--only", job, verbosity=0)
    call_command("run_periodic", "--force", "--only", job, verbosity=0)
    assert ActivityLog.objects.filter(action="ocop.inspection_visit.action_overdue").count() == 1
    reminded = Notification.objects.filter(text__contains="Dán lại nhãn có bản công bố mới")
    assert reminded.filter(user=visit.inspector).count() == 1

    # The province assigns the re-visit; the inspector proposes revocation.
    officer = new_page(browser, contexts, errors, **DESKTOP)
    log_in(officer, base, "tinh.canbo")
    officer.goto(url)
    revisit_form = officer.locator("#revisit-form")
    revisit_form.get_by_label(vi("Date of the re-visit")).fill(today.isoformat())
    revisit_form.get_by_role("button", name=vi("Assign")).click()
    revisit = Visit.objects.get(follow_up_of=visit)
    officer.wait_for_url(f"**/inspections/visits/{revisit.pk}/")
    phone.goto(f"{base}/inspections/visits/{revisit.pk}/")
    for fieldset in phone.locator("#answers-form fieldset").all():
        fieldset.get_by_label("đạt", exact=True).check()
    phone.locator("#answers-form fieldset[data-item='3']").get_by_label(
        "có vi phạm", exact=True
    ).check()
    phone.get_by_role("button", name="Lưu kết quả").click()
    expect(phone.get_by_text("Đã lưu kết quả.")).to_be_visible()
    phone.get_by_label("Tên đại diện chủ thể").fill("Lê Văn Tâm")
    phone.get_by_label("Đại diện chủ thể đã đọc và xác nhận biên bản").check()
    phone.get_by_role("button", name="Ghi nhận xác nhận").click()
    expect(phone.locator("#acknowledged")).to_contain_text("Lê Văn Tâm")
    close_form = phone.locator("#close-form")
    close_form.get_by_label(vi(Outcome.REVOKE.label)).check()
    close_form.get_by_label(
        vi("Ground for revocation (only for a proposal to revoke)")
    ).select_option(index=1)
    close_form.get_by_label(vi("Evidence (only for a proposal to revoke)")).fill(
        "Nhãn vẫn ghi bản công bố đã hết hạn."
    )
    close_form.get_by_role("button", name="Kết thúc kiểm tra").click()
    expect(phone.locator("#visit-state")).to_have_text(vi(VisitState.CLOSED.label))
    certificate = RevocationProposal.objects.get(visit=revisit).certificate

    officer.goto(f"{base}/inspections/visits/{revisit.pk}/")
    proposal_form = officer.locator("#proposal-form")
    proposal_form.get_by_label(vi("Revocation decision number")).fill("12/QĐ-UBND")
    proposal_form.get_by_label(vi("Revocation decision date")).fill(today.isoformat())
    proposal_form.locator("button[value=revoke]").click()
    expect(officer.locator("#proposal")).to_contain_text("12/QĐ-UBND")
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert ActivityLog.objects.filter(action="ocop.certificate.revoked").count() == 1
    assert [e for e in errors if "ERR_INTERNET_DISCONNECTED" not in e] == []
