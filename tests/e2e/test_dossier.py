"""The dossier's path in four browsers, on the demo data: the producer
prepares and submits → the commune returns it with what is missing → the
producer supplements and resubmits → the commune records the samples, the
local criteria and its report and forwards it → the advisory team pre-checks
it → the province puts it on the planned council session's agenda."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from ocop.cycles.enums import DossierState
from ocop.cycles.models import Dossier
from ocop.evaluation.demo import session_title
from ocop.evaluation.models import Session
from ocop.producers.models import EvidenceDocument, Subject
from ocop.products.models import Product
from tests.factories.cycles import answer_all

pytestmark = pytest.mark.e2e

PRODUCT = "Nước mắm cá cơm Đồng Tâm"  # "Mắm tép Đồng Tâm" is already on the session
SUBJECT = "Hợp tác xã Nông nghiệp Đồng Tâm"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def demo(demo_data):
    """The demo with its planned session, and the documents the demo lacks:
    a quality declaration and a food-safety certificate valid for the test."""
    call_command("load_criteria", "--shipped", verbosity=0)
    call_command("load_demo", verbosity=0)
    subject = Subject.objects.get(name=SUBJECT)
    today = timezone.localdate()
    EvidenceDocument.objects.create(
        subject=subject, doc_type="quality_declaration", number="CB-01/DT", issued_on=today
    )
    EvidenceDocument.objects.create(
        subject=subject,
        doc_type="food_safety",
        number="ATTP-2026/DT",
        issued_on=today - timedelta(days=10),
        expires_on=today + timedelta(days=1000),
    )
    return Session.objects.get(title=session_title(today.year))


@pytest.fixture
def contexts(browser):
    """Each person's own browser; all closed before the live server stops."""
    opened = []
    yield opened
    for context in opened:
        context.close()


def browser_of(contexts, browser, base_url, username, errors):
    context = browser.new_context()
    contexts.append(context)
    page = context.new_page()
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Tên đăng nhập hoặc email").fill(username)
    page.get_by_label("Mật khẩu").fill(settings.OCOP_DEMO_PASSWORD)
    page.locator("#login-button").click()
    expect(page).to_have_url(re.compile(r"/tasks/$"))
    return page


def state_of(dossier) -> str:
    dossier.refresh_from_db()
    return dossier.state


def test_submit_return_supplement_forward_precheck_and_schedule(
    live_server, browser, contexts, demo
):
    base = live_server.url
    errors: list[str] = []
    product = Product.objects.get(name=PRODUCT)

    # The producer prepares the dossier from the product.
    producer = browser_of(contexts, browser, base, "sx.dongtam", errors)
    producer.goto(f"{base}/cycle/dossiers/")
    producer.locator("#prepare-dossier").click()
    producer.locator("#id_product").select_option(str(product.pk))
    producer.locator("#create-dossier").click()
    expect(producer).to_have_url(re.compile(r"/cycle/dossiers/\d+/$"))
    dossier = Dossier.objects.get(product=product)
    dossier_url = f"{base}/cycle/dossiers/{dossier.pk}/"

    # The self-assessment: the answers are filled in, one is changed on the page
    # and the running total follows.
    answer_all(dossier, dossier.created_by)
    producer.locator("#open-self-assessment").click()
    total = producer.locator("#self-total")
    before = total.inner_text()
    criterion = dossier.sheet.criteria.exclude(kind="multi").exclude(kind="number").first()
    worst = criterion.options.order_by("points").first()
    producer.locator(f'[id="c-{criterion.code}-{worst.code}"]').check()
    expect(total).not_to_have_text(before)
    producer.locator("#back-to-dossier").click()

    # Submitted with the registration form as typed.
    producer.locator("#id_capacity").fill("3.000 lít/năm")
    producer.locator("#action-submit").click()
    expect(producer.locator("#action-submit")).to_have_count(0)
    assert state_of(dossier) == DossierState.SUBMITTED

    # The commune returns it with the list of what is missing.
    commune = browser_of(contexts, browser, base, "xa.hoanghoa", errors)
    commune.goto(dossier_url)
    commune.locator("#missing-return").fill(
        "Phiếu kết quả kiểm nghiệm còn hiệu lực\nGhi rõ thị trường tiêu thụ"
    )
    commune.locator("#action-return").click()
    expect(commune.locator("#action-return")).to_have_count(0)
    assert state_of(dossier) == DossierState.RETURNED

    # The producer sees the list, supplements and submits again.
    producer.goto(dossier_url)
    expect(producer.locator("#missing-list")).to_contain_text("Phiếu kết quả kiểm nghiệm")
    producer.locator("#id_market").fill("Thanh Hóa, Hà Nội")
    producer.locator("#save-dossier").click()
    producer.locator("#upload-document").click()
    producer.locator("#id_doc_type").select_option("test_report")
    producer.locator("#id_number").fill("KN-2026/0815")
    today = timezone.localdate()
    producer.locator("#id_issued_on").fill(today.isoformat())
    producer.locator("#id_expires_on").fill((today + timedelta(days=365)).isoformat())
    producer.locator("#id_file").set_input_files(
        files=[{"name": "kiem-nghiem.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    producer.locator("#save-document").click()
    expect(producer).to_have_url(dossier_url)
    expect(producer.locator("#linked-documents")).to_contain_text("KN-2026/0815")
    producer.locator("#action-submit").click()
    expect(producer.locator("#versions li")).to_have_count(2)
    assert state_of(dossier) == DossierState.SUBMITTED
    assert dossier.version == 2

    # The diff of version 2 shows the changed field and the added document.
    producer.goto(f"{dossier_url}versions/2/")
    expect(producer.locator("#changed-fields tbody tr")).to_have_count(1)
    expect(producer.locator("#changed-fields")).to_contain_text("Thanh Hóa, Hà Nội")
    expect(producer.locator("#changed-documents .document-added")).to_contain_text("KN-2026/0815")

    # The commune assesses the local criteria, records the samples and its
    # report, and forwards the dossier.
    commune.goto(dossier_url)
    for criterion in dossier.sheet.criteria.filter(commune_assessed=True).order_by("order"):
        best = criterion.options.order_by("-points").first()
        commune.locator(f'[id="commune-c-{criterion.code}-{best.code}"]').check()
        expect(commune.locator("#commune-saved .text-success")).to_be_visible()
        expect(commune.locator("#commune-saved .alert-danger")).to_have_count(0)
    commune.locator("#id_samples_received_on").fill(today.isoformat())
    commune.locator("#id_samples_received_by").fill("Nguyễn Thị Lan")
    commune.locator("#id_samples_quantity").fill("5")
    commune.locator("#id_commune_report").fill(
        "Hồ sơ đầy đủ; sản phẩm dùng cá cơm đánh bắt tại địa phương."
    )
    commune.locator("#action-forward").click()
    expect(commune.locator("#commune-report")).to_contain_text("cá cơm đánh bắt")
    assert state_of(dossier) == DossierState.FORWARDED

    # The provincial advisory team pre-checks it.
    advisory = browser_of(contexts, browser, base, "totuvan", errors)
    advisory.goto(dossier_url)
    expect(advisory.locator("#commune-report")).to_contain_text("cá cơm đánh bắt")
    advisory.locator("#action-precheck").click()
    expect(advisory.locator("#action-precheck")).to_have_count(0)
    assert state_of(dossier) == DossierState.PRECHECKED

    # The province puts it on the planned council session.
    province = browser_of(contexts, browser, base, "tinh.canbo", errors)
    province.goto(dossier_url)
    province.locator("#id_session").select_option(str(demo.pk))
    province.locator("#action-schedule").click()
    expect(province.locator("#agenda-link")).to_contain_text(demo.title)
    assert state_of(dossier) == DossierState.SCHEDULED
    assert dossier.agenda_item.session == demo

    assert errors == []
