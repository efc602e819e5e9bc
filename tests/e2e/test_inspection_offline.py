"""The inspector's visit without a signal on a 360×740 phone: the assigned
visit is opened online (the service worker keeps it), the phone goes offline,
the page is reloaded, the checklist is filled and kept in IndexedDB; back
online the answers reach the server exactly once. A second set typed offline
for a visit that was closed on the server in the meantime is refused and the
inspector is told."""

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from ocop.core.models import ActivityLog
from ocop.inspections.domain import visits
from ocop.inspections.models import Answer, Visit
from tests.e2e.helpers import PHONE, log_in, new_page

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
