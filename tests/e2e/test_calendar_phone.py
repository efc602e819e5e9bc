"""The public calendar and an activity page on a 360 px phone, signed out:
no horizontal scrolling, no console or CSP errors."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

pytestmark = pytest.mark.e2e


@pytest.fixture
def phone(browser, browser_context_args):
    context = browser.new_context(
        **browser_context_args, viewport={"width": 360, "height": 740}, locale="vi-VN"
    )
    yield context.new_page()
    context.close()


@pytest.fixture
def upcoming(transactional_db):
    call_command("load_admin_units", province=["38"], verbosity=0)
    from tests.factories.events import ActivityFactory

    today = timezone.localdate()
    ActivityFactory(
        title="Hội nghị kết nối cung cầu sản phẩm OCOP tỉnh Thanh Hóa năm 2026",
        kind="connection",
        starts_on=today + timedelta(days=35),
        place="Trung tâm Hội nghị tỉnh, số 1 Đại lộ Lê Lợi, phường Hạc Thành",
        capacity=200,
    )
    return ActivityFactory(
        title="Lớp tập huấn xây dựng câu chuyện sản phẩm và thiết kế bao bì, nhãn mác",
        starts_on=today + timedelta(days=3),
        speakers="TS. Nguyễn Văn A, Viện Kinh tế nông nghiệp",
        description="Nội dung: " + "câu chuyện sản phẩm " * 40,
    )


def test_calendar_and_activity_fit_a_phone(live_server, phone, upcoming):
    errors: list[str] = []
    phone.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    phone.goto(f"{live_server.url}/events/calendar/")
    assert phone.locator(".calendar-card").count() == 2
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.locator(f'.calendar-card[data-activity="{upcoming.pk}"] a').click()
    phone.wait_for_url(f"**/events/{upcoming.pk}/")
    assert phone.locator("#sign-in-to-register").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert errors == []
