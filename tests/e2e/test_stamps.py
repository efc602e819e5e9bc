"""OCOP stamps end to end, on the demo data, in three browsers: the producer
requests stamps for its certified product → the provincial officer approves
→ the producer downloads the label sheets (PDF) → a consumer on a phone scans
a label's QR code (decoded with zbar from the rendered page) and sees the
product and "valid" → the officer voids that stamp → the consumer's reload
shows the voided warning (HTTP 410). No console errors or CSP violations
(only the browser's own report of the 410 document)."""

import io
import re

import pytest
from django.conf import settings
from playwright.sync_api import expect
from pypdf import PdfReader

from ocop.certification.models import Certificate
from ocop.products.models import Product
from ocop.stamps.domain.links import stamp_url
from ocop.stamps.enums import RequestState, StampState
from ocop.stamps.models import Stamp, StampBatch
from tests.e2e.helpers import PHONE, log_in, new_page, vi
from tests.stamps.test_labels import decode_page

pytestmark = pytest.mark.e2e

PRODUCT = "Nước mắm cá cơm Đồng Tâm"
QUANTITY = 12


def test_producer_requests_officer_approves_labels_print_and_a_phone_checks_the_stamp(
    live_server, browser, page, contexts, console_errors, demo_data, tmp_path
):
    base = live_server.url
    errors = console_errors  # the producer's page; the others report here too
    product = Product.objects.get(name=PRODUCT)
    certificate = Certificate.objects.get(product=product)

    # The producer opens the product from the product list and asks for 12 stamps.
    log_in(page, base, "sx.dongtam")
    page.goto(f"{base}/products/")
    page.get_by_role("link", name=PRODUCT, exact=True).first.click()
    expect(page).to_have_url(f"{base}/products/{product.pk}/")
    page.locator("#request-stamps").click()
    page.locator("#id_quantity").fill(str(QUANTITY))
    page.locator("#send-request").click()
    expect(page).to_have_url(re.compile(r"/stamps/\d+/$"))
    batch = StampBatch.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    assert (batch.product, batch.quantity, batch.state) == (
        product,
        QUANTITY,
        RequestState.REQUESTED,
    )
    expect(page.locator("#batch-quantity")).to_have_text(str(QUANTITY))
    expect(page.locator("#action-approve")).to_have_count(0)
    expect(page.locator("#download-labels")).to_have_count(0)
    batch_url = page.url

    # The provincial officer, in another browser, approves it.
    officer = new_page(browser, contexts, errors)
    log_in(officer, base, "tinh.canbo")
    officer.goto(batch_url)
    officer.locator("#action-approve").click()
    officer.locator("#confirm-action").click()  # the summary, then confirm
    expect(officer.locator("#serial-range")).to_be_visible()
    expect(officer.locator("#action-approve")).to_have_count(0)
    batch.refresh_from_db()
    assert batch.state == RequestState.APPROVED
    stamps = list(Stamp.objects.filter(batch=batch).order_by("serial"))
    assert len(stamps) == QUANTITY
    expect(officer.locator("#serial-range")).to_contain_text(stamps[0].serial)
    expect(officer.locator("#serial-range")).to_contain_text(stamps[-1].serial)

    # The producer downloads the label sheets: one A4 page with the 12 labels.
    page.reload()
    with page.expect_download() as download:
        page.locator("#download-labels").click()
    assert download.value.suggested_filename.endswith(".pdf")
    download.value.save_as(tmp_path / "downloaded.pdf")
    pdf = (tmp_path / "downloaded.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) == 1
    assert pages[0].count(PRODUCT) >= QUANTITY
    assert all(stamp.serial in pages[0] for stamp in stamps)

    # Every QR code on the rendered page opens one of the batch's stamps.
    decoded = decode_page(pdf, 1, tmp_path)
    assert sorted(decoded) == sorted(stamp_url(token=s.token, gtin=product.gtin) for s in stamps)
    scanned_url = decoded[0]
    assert scanned_url.startswith(settings.SITE_URL + "/")
    stamp = next(s for s in stamps if scanned_url.endswith(s.token))
    live_url = base + scanned_url.removeprefix(settings.SITE_URL)

    # A consumer on a phone, not logged in, scans it: the product, "valid".
    phone = new_page(browser, contexts, errors, **PHONE)
    response = phone.goto(live_url)
    assert response.status == 200
    status = phone.locator("#verify-status")
    expect(status).to_have_attribute("data-outcome", "valid")
    expect(status.locator("h1")).to_have_text(vi("Genuine OCOP product: the certificate is valid"))
    expect(phone.locator("#product-name")).to_have_text(PRODUCT)
    expect(phone.locator("#certificate-number")).to_have_text(certificate.number)
    expect(phone.locator("#stamp-serial")).to_have_text(stamp.serial)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    stamp.refresh_from_db()
    assert stamp.scan_count == 1

    # The officer voids that stamp; the consumer's reload warns (HTTP 410).
    officer.reload()
    officer.locator("#id_serials").fill(stamp.serial)
    officer.locator("#id_reason").fill("Nhãn in hỏng, đã hủy")
    officer.locator("#void-stamps").click()
    officer.locator("#confirm-action").click()  # the summary, then confirm
    expect(officer.locator("#voided-list")).to_contain_text(stamp.serial)
    stamp.refresh_from_db()
    assert stamp.state == StampState.VOIDED
    assert errors == []
    response = phone.reload()
    assert response.status == 410
    expect(status).to_have_attribute("data-outcome", "voided")
    expect(status.locator("h1")).to_have_text(vi("Warning: this stamp was voided"))
    expect(phone.locator("#product-name")).to_have_text(PRODUCT)
    # Chromium reports the 410 document itself as a failed load; nothing else.
    assert errors == ["Failed to load resource: the server responded with a status of 410 (Gone)"]
