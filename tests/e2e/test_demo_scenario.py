"""The README's demo scenario in Chromium, with the clock a year ahead: the
demo is loaded on that day (every demo date is relative to it), then, all
through the pages, the provincial officer opens scoring of the demo session →
the three council members score both products (one on a phone) → the chair
closes the session and the minutes state that day → the officer drafts the
recognition decision from the session and issues it, dated that day → the
producer requests stamps for the newly certified product and the officer
approves them → a consumer scans a label on a phone and reads "valid".

``time_machine.travel(..., tick=True)`` moves the clock of the whole process,
the live server's thread included; the browsers keep the real clock, which
matters for nothing here (cookies are dated ahead, so they stay valid)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from ocop.certification.enums import DecisionState
from ocop.certification.models import Certificate, Decision
from ocop.evaluation.demo import session_title
from ocop.evaluation.models import AgendaItem, Session
from ocop.products.enums import OcopStatus
from ocop.products.models import Product
from ocop.stamps.domain.links import stamp_url
from ocop.stamps.models import Stamp, StampBatch
from tests.e2e.helpers import PHONE, log_in, new_page, pdf_text, vi
from tests.e2e.test_evaluation import CHAIR_ANSWERS, MEMBER_ANSWERS, score
from tests.e2e.test_journey import download, live, path_pk
from tests.stamps.test_labels import decode_page

pytestmark = pytest.mark.e2e

PRODUCT = "Mắm tép Đồng Tâm"
OTHER_PRODUCT = "Chả tôm Sầm Sơn"
DECISION_NUMBER = "1357/QĐ-UBND"
STAMPS = 10


@pytest.fixture
def a_year_ahead(transactional_db):
    """The clock a year ahead for the whole test, and the demo loaded then
    (the reference data and rules as ``make run`` loads them)."""
    real_today = timezone.localdate()
    with time_machine.travel(timezone.now() + timedelta(days=365), tick=True):
        call_command("load_admin_units", province=["38"], verbosity=0)
        call_command("load_calendar", verbosity=0)
        call_command("load_product_categories", verbosity=0)
        call_command("load_criteria", "--shipped", verbosity=0)
        call_command("load_dossier_rules", verbosity=0)
        call_command("load_certification_rules", verbosity=0)
        call_command("load_event_topics", verbosity=0)
        call_command("load_demo", verbosity=0)
        today = timezone.localdate()
        assert today.year == real_today.year + 1 or today > real_today + timedelta(days=360)
        yield today


def test_the_readme_demo_scenario_ends_in_an_issued_decision_a_year_ahead(
    live_server, browser, page, contexts, console_errors, a_year_ahead, tmp_path
):
    base = live_server.url
    today = a_year_ahead
    errors = console_errors
    session = Session.objects.get(title=session_title(today.year))
    assert (session.date, session.state) == (today, "planned")
    session_url = f"{base}/evaluation/sessions/{session.pk}/"

    # 1. The provincial officer opens scoring; the session is dated today, so
    # the page does not warn that the date will change. ---------------------------
    officer = page
    log_in(officer, base, "tinh.canbo")
    officer.goto(session_url)
    expect(officer.locator("#session-date")).to_contain_text(f"{today:%d/%m/%Y}")
    expect(officer.locator("#date-differs")).to_have_count(0)
    officer.locator("#open-scoring").click()
    expect(officer.locator("#open-scoring")).to_have_count(0)
    session.refresh_from_db()
    assert (session.state, session.date) == ("open", today)

    # 2. The three members score both products blind, each on their own device.
    chair = new_page(browser, contexts, errors)
    log_in(chair, base, "hoidong")
    second = new_page(browser, contexts, errors)
    log_in(second, base, "hoidong.2")
    third = new_page(browser, contexts, errors, **PHONE)
    log_in(third, base, "hoidong.3")
    item = AgendaItem.objects.get(session=session, product__name=PRODUCT)
    other = AgendaItem.objects.get(session=session, product__name=OTHER_PRODUCT)
    assert score(chair, base, item, CHAIR_ANSWERS) == Decimal(80)
    assert score(second, base, item, MEMBER_ANSWERS) == Decimal(79)
    assert score(third, base, item, MEMBER_ANSWERS) == Decimal(79)
    expect(third.locator("#mean-score")).to_have_text("79,33")
    expect(third.locator("#star-result")).to_contain_text("4★")
    for member in (chair, second, third):
        score(member, base, other, {})

    # 3. The chair closes the session; the minutes state today, once. ------------
    chair.goto(session_url)
    chair.locator("#close-session").click()
    expect(chair.locator("#close-session")).to_have_count(0)
    minutes = pdf_text(download(chair, "#minutes-link"))
    meeting = re.search(r"Thời gian: [^.]*\.", minutes).group(0)
    assert re.fullmatch(
        rf"Thời gian: từ \d\d giờ \d\d đến \d\d giờ \d\d ngày {today:%d/%m/%Y}\.", meeting
    ) or re.fullmatch(  # closed after midnight of the day it opened
        rf"Thời gian: từ \d\d giờ \d\d ngày {today:%d/%m/%Y} đến .*", meeting
    ), meeting
    assert f"1 {PRODUCT}" in minutes

    # 4. The officer drafts the recognition decision from the closed session,
    # dates it today and issues it: the certificate is created. -----------------------
    officer.goto(f"{base}/certification/decisions/sessions/")
    row = officer.locator("#session-table tr", has_text=session.title)
    row.get_by_role("button").click()
    expect(officer).to_have_url(re.compile(r"/certification/decisions/\d+/$"))
    expect(officer.locator("#annex")).to_contain_text(PRODUCT)
    officer.locator("#id_number").fill(DECISION_NUMBER)
    officer.locator("#id_date").fill(today.isoformat())
    officer.locator("#id_signer_title").fill("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH")
    officer.locator("#id_signer_name").fill("Nguyễn Văn Minh")
    officer.locator("#decision-form").get_by_role("button").click()
    officer.locator("#action-issue").click()
    expect(officer.locator("#decision-state")).to_have_text(vi(DecisionState.ISSUED.label))
    decision = Decision.objects.get(number=DECISION_NUMBER)
    assert (decision.state, decision.date, decision.session_id) == (
        DecisionState.ISSUED,
        today,
        session.pk,
    )
    product = Product.objects.get(name=PRODUCT)
    certificate = Certificate.objects.get(product=product, decision_number=DECISION_NUMBER)
    assert (certificate.star, certificate.score, certificate.decision_date) == (
        4,
        Decimal("79.33"),
        today,
    )
    assert certificate.valid_until > today + timedelta(days=365)
    assert (product.status, product.star) == (OcopStatus.CERTIFIED, 4)

    # 5. The producer requests stamps for the product; the officer approves. -----
    producer = new_page(browser, contexts, errors)
    log_in(producer, base, "sx.dongtam")
    producer.goto(f"{base}/products/{product.pk}/")
    producer.locator("#request-stamps").click()
    producer.locator("#id_quantity").fill(str(STAMPS))
    producer.locator("#send-request").click()
    expect(producer).to_have_url(re.compile(r"/stamps/\d+/$"))
    batch = StampBatch.objects.get(pk=path_pk(producer))
    officer.goto(producer.url)
    officer.locator("#action-approve").click()
    expect(officer.locator("#serial-range")).to_be_visible()
    stamps = list(Stamp.objects.filter(batch=batch).order_by("serial"))
    assert len(stamps) == STAMPS
    producer.reload()
    decoded = decode_page(download(producer, "#download-labels"), 1, tmp_path)
    assert sorted(decoded) == sorted(stamp_url(token=s.token, gtin=product.gtin) for s in stamps)

    # 6. A consumer scans a label on a phone: the certificate is valid. -----------
    consumer = new_page(browser, contexts, errors, **PHONE)
    assert consumer.goto(live(decoded[0], base)).status == 200
    expect(consumer.locator("#verify-status")).to_have_attribute("data-outcome", "valid")
    expect(consumer.locator("#product-name")).to_have_text(PRODUCT)
    expect(consumer.locator("#certificate-number")).to_have_text(certificate.number)

    assert console_errors == []
