"""Training end to end, on the demo data, in two browsers: the provincial
officer creates a training class starting today through the form and opens
registration → a producer on a phone finds it on the public calendar and
registers through the form → the QR code of the registration, decoded with
zbar from a screenshot of the page, is the check-in URL with the
registration's token → the officer types that URL into the check-in desk's
input and presses Enter, as a handheld scanner does → checked in; a second
scan says "already checked in" and the count stays 1 → the producer downloads
the participation certificate (PDF), which names them and the event. No
console errors or CSP violations."""

import io
import re
import secrets

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from ocop.accounts.models import User
from ocop.events.enums import ActivityKind, ActivityLevel, ActivityState, CheckInMethod
from ocop.events.models import Activity, Registration, Topic
from ocop.geo.enums import Era, Level
from ocop.geo.models import AdminUnit
from tests.e2e.helpers import PHONE, decode_qr, log_in, pdf_text, vi, watch

pytestmark = pytest.mark.e2e

OFFICER = "tinh.canbo"
PRODUCER = "sx.dongtam"
SUBJECT = "Hợp tác xã Nông nghiệp Đồng Tâm"
TOPICS = ["criteria-evaluation", "packaging-labels"]
CAPACITY = 30


def test_officer_creates_a_training_producer_registers_is_checked_in_by_qr_and_gets_a_certificate(
    live_server, browser, page, contexts, console_errors, demo_data, tmp_path
):
    base = live_server.url
    errors = console_errors  # the officer's page; the producer's reports here too
    today = timezone.localdate()
    title = f"Tập huấn kiểm thử quét mã QR {secrets.token_hex(3).upper()}"
    province = AdminUnit.objects.get(era=Era.CURRENT, level=Level.PROVINCE, code="38")
    topics = [Topic.objects.get(code=code) for code in TOPICS]
    producer_user = User.objects.get(username=PRODUCER)

    # The officer creates the training through the form, starting today.
    log_in(page, base, OFFICER)
    page.goto(f"{base}/events/new/")
    page.locator("#id_title").fill(title)
    page.locator("#id_kind").select_option(ActivityKind.TRAINING.value)
    page.locator("#id_level").select_option(ActivityLevel.PROVINCE.value)
    page.locator("#id_province").select_option(str(province.pk))
    expect(page.locator("#id_organiser")).not_to_have_value("")
    page.locator("#id_starts_on").fill(today.isoformat())
    page.locator("#id_ends_on").fill(today.isoformat())
    page.locator("#id_place").fill("Hội trường Văn phòng Điều phối nông thôn mới tỉnh")
    page.locator("#id_capacity").fill(str(CAPACITY))
    for topic in topics:
        page.get_by_label(topic.name, exact=True).check()
    expect(page.locator("#id_is_public")).to_be_checked()
    page.locator("#save-activity").click()
    expect(page).to_have_url(re.compile(r"/events/\d+/$"))
    activity = Activity.objects.get(title=title)
    assert page.url == f"{base}/events/{activity.pk}/"
    assert (activity.kind, activity.level, activity.province, activity.capacity) == (
        ActivityKind.TRAINING,
        ActivityLevel.PROVINCE,
        province,
        CAPACITY,
    )
    assert (activity.starts_on, activity.ends_on) == (today, today)
    assert sorted(activity.topics.values_list("code", flat=True)) == sorted(TOPICS)
    assert activity.state == ActivityState.PLANNED

    # … and opens registration from the activity page.
    page.locator("#action-open").click()
    expect(page.locator("[data-state]").first).to_have_attribute("data-state", "open")
    activity.refresh_from_db()
    assert activity.state == ActivityState.OPEN
    activity_url = page.url

    # The producer, on a phone, finds it on the public calendar and registers.
    context = browser.new_context(**PHONE)
    contexts.append(context)
    phone = watch(context.new_page(), errors)
    log_in(phone, base, PRODUCER)
    phone.goto(f"{base}/events/calendar/")
    card = phone.locator(f'.calendar-card[data-activity="{activity.pk}"]')
    expect(card).to_contain_text(title)
    expect(card.locator(".places-left")).to_contain_text(str(CAPACITY))
    card.get_by_role("link", name=title).click()
    expect(phone).to_have_url(activity_url)
    phone.locator("#register").click()
    expect(phone).to_have_url(f"{base}/events/{activity.pk}/register/")
    expect(phone.locator("#id_full_name")).to_have_value(producer_user.full_name)
    phone.locator("#register-button").click()
    expect(phone).to_have_url(re.compile(r"/events/registrations/[A-Z0-9]+/$"))
    registration = Registration.objects.get(activity=activity)
    assert phone.url == f"{base}/events/registrations/{registration.token}/"
    assert (registration.user, registration.subject.name, registration.channel) == (
        producer_user,
        SUBJECT,
        "online",
    )
    expect(phone.locator("#registration-name")).to_have_text(registration.full_name)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # The QR code on the producer's screen is the check-in URL with the token.
    qr = phone.locator("#registration-qr")
    expect(qr).to_be_visible()
    decoded = decode_qr(qr.screenshot())
    scan_url = f"{settings.SITE_URL.rstrip('/')}/events/check-in/{registration.token}/"
    assert decoded == [scan_url]

    # The officer scans it at the check-in desk: the scanner types the URL and Enter.
    page.goto(f"{base}/events/{activity.pk}/check-in/")
    counts = page.locator("#checkin-counts")
    expect(counts).to_have_text(
        vi("%(attended)s of %(registered)s checked in") % {"attended": 0, "registered": 1}
    )
    code = page.locator("#id_code")
    expect(code).to_be_focused()
    code.fill(decoded[0])
    code.press("Enter")
    expect(page.locator(".messages .alert-success")).to_contain_text(registration.full_name)
    expect(counts).to_have_text(
        vi("%(attended)s of %(registered)s checked in") % {"attended": 1, "registered": 1}
    )
    expect(page.locator(f"#checkin-{registration.pk}")).to_contain_text("✓")
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert registration.check_in_method == CheckInMethod.QR
    assert registration.checked_in_by.username == OFFICER
    first_check_in = registration.checked_in_at

    # A second scan of the same code: already checked in, still one attendance.
    code = page.locator("#id_code")
    expect(code).to_be_focused()
    code.fill(decoded[0])
    code.press("Enter")
    warning = page.locator(".messages .alert-warning")
    expect(warning).to_contain_text(registration.full_name)
    expect(page.locator(".messages .alert-success")).to_have_count(0)
    expect(counts).to_have_text(
        vi("%(attended)s of %(registered)s checked in") % {"attended": 1, "registered": 1}
    )
    registration.refresh_from_db()
    assert registration.checked_in_at == first_check_in
    assert activity.registrations.filter(checked_in_at__isnull=False).count() == 1

    # The producer's page now offers the certificate: it names them and the event.
    phone.reload()
    with phone.expect_download() as download:
        phone.locator("#certificate-link").click()
    assert download.value.suggested_filename.endswith(".pdf")
    download.value.save_as(tmp_path / "certificate.pdf")
    pdf = (tmp_path / "certificate.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = pdf_text(pdf)
    assert registration.full_name in text
    assert title in text
    assert errors == []
