"""A product's whole life in Chromium, on the demo data, each person in
their own browser: the producer registers an idea and its business plan,
registers the product and prepares its dossier → the commune returns it for
a supplement → the producer resubmits → the commune assesses, reports and
forwards → the province pre-checks it, plans a council session and puts it
on the agenda → three members score blind (one on a phone) → the chair
closes the session → the minutes hold the result → the province drafts the
recognition decision from the session and issues it → the certificate's QR
code opens the public page → the producer requests stamps, the province
approves → a consumer scans a label on a phone, sees the product "valid"
and reports a suspected fake → the province sees the complaint.

Everything goes through the pages. The demo already holds what the journey
needs beyond them (the province's cycle of the year with its rounds, the council and its
members, the subject's business registration): nothing is set up outside
the pages. The demo cycle's phase dates do not gate any step.
"""

import re
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from ocop.certification.enums import DecisionState
from ocop.certification.models import Certificate
from ocop.criteria.models import Criterion
from ocop.cycles.demo import cycle_title, round_title
from ocop.cycles.enums import DossierState, IdeaState
from ocop.cycles.models import Dossier, EvaluationRound, Idea
from ocop.evaluation.models import AgendaItem, Council, Session
from ocop.inspections.forms import MIN_SECONDS
from ocop.inspections.models import Complaint
from ocop.products.enums import OcopStatus
from ocop.products.models import Product
from ocop.stamps.domain.links import stamp_url
from ocop.stamps.enums import RequestState
from ocop.stamps.models import Stamp, StampBatch
from tests.certification.test_documents import decode_qr as decode_pdf_qr
from tests.e2e.helpers import PHONE, log_in, new_page, pdf_text, vi
from tests.e2e.test_evaluation import CHAIR_ANSWERS, MEMBER_ANSWERS, points, score
from tests.stamps.test_labels import decode_page

pytestmark = pytest.mark.e2e

PRODUCT = "Mắm tôm chua Đồng Tâm"
SUBJECT = "Hợp tác xã Nông nghiệp Đồng Tâm"
PRODUCT_SET = "I.4.a Tương, nước mắm, gia vị dạng lỏng khác"
COUNCIL = "Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh Thanh Hóa"
SESSION = "Phiên đánh giá sản phẩm mới tháng này"
DECISION_NUMBER = "2468/QĐ-UBND"
STAMPS = 12
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def path_pk(page) -> int:
    """The object's id at the end of the page's address (…/123/)."""
    return int(re.search(r"/(\d+)/$", page.url).group(1))


def press(page, text):
    """Click the button a person reads as ``text`` (English msgid)."""
    page.get_by_role("button", name=vi(text), exact=True).click()


def upload_document(page, dossier_url, doc_type, number, *, expires_in_days=None):
    """From the dossier page: upload a new evidence document, linked to it."""
    page.locator("#upload-document").click()
    page.locator("#id_doc_type").select_option(doc_type)
    page.locator("#id_number").fill(number)
    today = timezone.localdate()
    page.locator("#id_issued_on").fill((today - timedelta(days=5)).isoformat())
    if expires_in_days:
        page.locator("#id_expires_on").fill((today + timedelta(days=expires_in_days)).isoformat())
    page.locator("#id_file").set_input_files(
        files=[{"name": f"{doc_type}.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.locator("#save-document").click()
    expect(page).to_have_url(dossier_url)
    expect(page.locator("#linked-documents")).to_contain_text(number)


def answer_criteria(page, criteria, *, prefix, saved):
    """Tick the best option of each criterion (every option of a multiple
    choice); each change is saved at once, so wait for each answer."""
    for criterion in criteria:
        options = sorted(criterion.options.all(), key=lambda o: o.points, reverse=True)
        chosen = options if criterion.kind == "multi" else options[:1]
        for option in chosen:
            with page.expect_response(saved) as response:
                page.locator(f"label[for='{prefix}c-{criterion.code}-{option.code}']").click()
            assert response.value.ok


def download(page, locator) -> bytes:
    with page.expect_download() as info:
        page.locator(locator).click()
    return info.value.path().read_bytes()


def live(url: str, base: str) -> str:
    """A printed address (SITE_URL) as served by the test's live server."""
    assert url.startswith(settings.SITE_URL + "/"), url
    return base + url.removeprefix(settings.SITE_URL)


def test_a_product_from_idea_to_a_consumers_complaint(
    live_server, browser, page, contexts, console_errors, demo_data, tmp_path
):
    base = live_server.url
    errors = console_errors  # the producer's page; the other people report here too
    today = timezone.localdate()

    # 1. The producer registers the product idea in the province's cycle. ------------
    producer = page
    log_in(producer, base, "sx.dongtam")
    producer.goto(f"{base}/cycle/ideas/")
    producer.get_by_role("link", name=vi("Register a product idea")).click()
    producer.locator("#id_cycle").select_option(label=cycle_title(today.year))
    producer.locator("#id_subject").select_option(label=SUBJECT)
    producer.locator("#id_product_name").fill(PRODUCT)
    producer.locator("#id_category").select_option(label=PRODUCT_SET)
    producer.locator("#id_description").fill(
        "Mắm tôm chua từ tôm gạo cửa Lạch Trường, lên men tự nhiên với riềng, tỏi, ớt."
    )
    producer.locator("#id_origin").fill("Tôm gạo của tổ hợp tác khai thác ven biển Hoằng Hóa.")
    press(producer, "Register the idea")
    expect(producer).to_have_url(re.compile(r"/cycle/ideas/\d+/$"))
    idea = Idea.objects.get(pk=path_pk(producer))
    idea_url = producer.url
    expect(producer.locator("#idea-state")).to_have_text(vi(IdeaState.SUBMITTED.label))

    # The commune officer receives it; the provincial officer accepts it and
    # asks for a business plan.
    commune = new_page(browser, contexts, errors)
    log_in(commune, base, "xa.hoanghoa")
    commune.goto(idea_url)
    press(commune, "Receive the idea")
    expect(commune.locator("#idea-state")).to_have_text(vi(IdeaState.RECEIVED.label))

    province = new_page(browser, contexts, errors)
    log_in(province, base, "tinh.canbo")
    province.goto(idea_url)
    press(province, "Accept and ask for a business plan")
    expect(province.locator("#idea-state")).to_have_text(vi(IdeaState.ACCEPTED.label))
    expect(province.locator("#plan-due")).to_be_visible()

    # 2. The producer submits the business plan, with its file. ------------------------
    producer.goto(idea_url)
    producer.get_by_role("link", name=vi("Submit the business plan")).click()
    producer.locator("#id_summary").fill(
        "Sản xuất 6.000 hũ/năm; bán tại cửa hàng OCOP của tỉnh và trên sàn thương mại điện tử."
    )
    producer.locator("#id_file").set_input_files(
        files=[{"name": "phuong-an.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    press(producer, "Submit")
    expect(producer).to_have_url(idea_url)
    expect(producer.get_by_role("link", name="phuong-an.pdf")).to_be_visible()
    idea.refresh_from_db()
    assert (idea.state, idea.plan.late) == (IdeaState.ACCEPTED, False)

    # 3. The producer registers the product and prepares its dossier. ----------------
    producer.goto(f"{base}/subjects/")
    producer.get_by_role("link", name=SUBJECT).click()
    producer.get_by_role("link", name=vi("Register a product")).click()
    producer.locator("#id_name").fill(PRODUCT)
    producer.locator("#id_category").select_option(label=PRODUCT_SET)
    producer.locator("#save-product").click()
    expect(producer.locator("h1")).to_have_text(PRODUCT)
    product = Product.objects.get(pk=path_pk(producer))
    product_url = producer.url

    producer.goto(f"{base}/cycle/dossiers/")
    producer.locator("#prepare-dossier").click()
    producer.locator("#id_product").select_option(str(product.pk))
    producer.locator("#id_cycle").select_option(label=cycle_title(today.year))
    # The open round (its label adds the deadline).
    open_round = EvaluationRound.objects.get(cycle__title=cycle_title(today.year), number=2)
    assert round_title(2, today.year) in producer.locator("#id_round").inner_text()
    producer.locator("#id_round").select_option(str(open_round.pk))
    producer.locator("#create-dossier").click()
    expect(producer).to_have_url(re.compile(r"/cycle/dossiers/\d+/$"))
    dossier = Dossier.objects.get(pk=path_pk(producer))
    dossier_url = producer.url
    assert (dossier.product, dossier.cycle, dossier.state) == (
        product,
        idea.cycle,
        DossierState.DRAFT,
    )

    # The documents the subject's registry lacks: its quality declaration and a
    # food-safety certificate valid beyond the demo's (which expires soon).
    upload_document(producer, dossier_url, "quality_declaration", "TCB-05/2026/DT")
    upload_document(
        producer, dossier_url, "food_safety", "ATTP-118/2026/DT", expires_in_days=3 * 365
    )

    # The self-assessment, every criterion answered on its page.
    producer.locator("#open-self-assessment").click()
    criteria = list(
        Criterion.objects.filter(sheet=dossier.sheet).prefetch_related("options").order_by("order")
    )
    answer_criteria(producer, criteria, prefix="", saved=re.compile(r"/self-assessment/answer/$"))
    producer.locator("#back-to-dossier").click()
    expect(producer.locator("#self-total")).not_to_have_text("0,00")

    producer.locator("#id_capacity").fill("6.000 hũ/năm")
    producer.locator("#action-submit").click()
    expect(producer.locator("#dossier-state")).to_have_text(vi(DossierState.SUBMITTED.label))

    # 4. The commune returns it for a supplement; the producer resubmits. -------------
    commune.goto(dossier_url)
    commune.locator("#missing-return").fill(
        "Phiếu kết quả kiểm nghiệm chỉ tiêu an toàn còn hiệu lực"
    )
    commune.locator("#action-return").click()
    expect(commune.locator("#dossier-state")).to_have_text(vi(DossierState.RETURNED.label))

    producer.goto(dossier_url)
    expect(producer.locator("#missing-list")).to_contain_text("Phiếu kết quả kiểm nghiệm")
    upload_document(producer, dossier_url, "test_report", "KN-2026/0977", expires_in_days=365)
    producer.locator("#action-submit").click()
    expect(producer.locator("#versions li")).to_have_count(2)
    expect(producer.locator("#dossier-state")).to_have_text(vi(DossierState.SUBMITTED.label))

    # 5. The commune assesses the local criteria, writes its report and forwards. ----
    commune.goto(dossier_url)
    answer_criteria(
        commune,
        [c for c in criteria if c.commune_assessed],
        prefix="commune-",
        saved=re.compile(r"/commune/answer/$"),
    )
    commune.locator("#id_samples_received_on").fill(today.isoformat())
    commune.locator("#id_samples_received_by").fill("Nguyễn Thị Lan")
    commune.locator("#id_samples_quantity").fill("5")
    commune.locator("#id_commune_report").fill(
        "Hồ sơ đầy đủ sau khi bổ sung; tôm gạo khai thác tại địa phương."
    )
    commune.locator("#action-forward").click()
    expect(commune.locator("#commune-report")).to_contain_text("tôm gạo khai thác")
    expect(commune.locator("#dossier-state")).to_have_text(vi(DossierState.FORWARDED.label))

    # 6. The province pre-checks it, plans a session of the council (dated today:
    # a decision cannot be dated before its session, nor in the future), marks
    # the three members present and puts the dossier on its agenda. --------------
    province.goto(dossier_url)
    expect(province.locator("#commune-report")).to_contain_text("tôm gạo khai thác")
    province.locator("#action-precheck").click()
    expect(province.locator("#dossier-state")).to_have_text(vi(DossierState.PRECHECKED.label))

    province.goto(f"{base}/evaluation/")
    province.get_by_role("link", name=COUNCIL).click()
    province.get_by_role("link", name=vi("Plan a session")).click()
    province.locator("#id_title").fill(SESSION)
    province.locator("#id_date").fill(today.isoformat())
    province.locator("#id_place").fill("Văn phòng Điều phối nông thôn mới tỉnh Thanh Hóa")
    press(province, "Save")
    expect(province).to_have_url(re.compile(r"/evaluation/sessions/\d+/$"))
    session = Session.objects.get(pk=path_pk(province))
    session_url = province.url
    assert session.council == Council.objects.get(name=COUNCIL)
    attendance = province.locator("#attendance-form")
    for checkbox in attendance.get_by_role("checkbox").all():
        checkbox.check()
    attendance.get_by_role("button").click()
    expect(province.locator("#quorum")).to_have_class(re.compile(r"\balert-success\b"))

    province.goto(dossier_url)
    province.locator("#id_session").select_option(str(session.pk))
    province.locator("#action-schedule").click()
    expect(province.locator("#agenda-link")).to_contain_text(SESSION)
    expect(province.locator("#dossier-state")).to_have_text(vi(DossierState.SCHEDULED.label))
    item = AgendaItem.objects.get(session=session, product=product)

    province.goto(session_url)
    province.locator("#open-scoring").click()
    province.locator("#confirm-action").click()  # the summary, then confirm
    expect(province.locator("#open-scoring")).to_have_count(0)

    # 7. Three members score blind, each on their own device (the third on a phone).
    chair = new_page(browser, contexts, errors)
    log_in(chair, base, "hoidong")
    second = new_page(browser, contexts, errors)
    log_in(second, base, "hoidong.2")
    third = new_page(browser, contexts, errors, **PHONE)
    log_in(third, base, "hoidong.3")

    assert score(chair, base, item, CHAIR_ANSWERS) == Decimal(80)
    expect(chair.locator("#member-totals")).to_be_visible()

    # Before submitting, the second member is told scoring is blind and sees no total.
    second.goto(f"{base}/evaluation/items/{item.pk}/")
    expect(second.locator("#blind-notice")).to_be_visible()
    expect(second.locator("#member-totals")).to_have_count(0)
    expect(second.locator("#mean-score")).to_have_count(0)
    assert points(Decimal(80)) not in second.locator("main").inner_text()
    assert score(second, base, item, MEMBER_ANSWERS) == Decimal(79)
    expect(second.locator("#member-totals tbody tr > td:nth-child(6)")).to_have_text(
        ["80,00", "79,00", "—"]
    )

    assert score(third, base, item, MEMBER_ANSWERS) == Decimal(79)
    expect(third.locator("#mean-score")).to_have_text("79,33")
    expect(third.locator("#star-result")).to_contain_text("4★")
    assert third.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]

    # 8. The chair closes the session; the minutes hold the product and its result.
    chair.goto(session_url)
    chair.locator("#close-session").click()
    expect(chair.locator("#close-session")).to_have_count(0)
    minutes = pdf_text(download(chair, "#minutes-link"))
    row = minutes[minutes.index(f"1 {PRODUCT}") :]
    # No., product, subject, commune, members scoring, mean, spread, standard
    # deviation, result, star this level recognises.
    assert row.startswith(f"1 {PRODUCT} {SUBJECT} Hoằng Hóa 3 79,33 1,00 0,47 4 sao 4 sao"), row
    producer.goto(dossier_url)
    expect(producer.locator("#dossier-state")).to_have_text(vi(DossierState.EVALUATED.label))

    # 9. The province drafts the recognition decision from the closed session,
    # completes it and issues it; the certificate is created. ------------------------
    province.goto(f"{base}/certification/decisions/sessions/")
    session_row = province.locator("#session-table tr", has_text=SESSION)
    session_row.get_by_role("button", name=vi("Draft the decision")).click()
    expect(province).to_have_url(re.compile(r"/certification/decisions/\d+/$"))
    expect(province.locator("#annex tbody tr")).to_have_count(1)
    expect(province.locator("#annex")).to_contain_text(PRODUCT)
    expect(province.locator("#annex")).to_contain_text("4★")
    province.locator("#id_number").fill(DECISION_NUMBER)
    province.locator("#id_date").fill(today.isoformat())
    province.locator("#id_signer_title").fill("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH")
    province.locator("#id_signer_name").fill("Nguyễn Văn Minh")
    province.locator("#decision-form").get_by_role("button").click()
    province.locator("#action-issue").click()
    province.locator("#confirm-action").click()  # the summary, then confirm
    expect(province.locator("#decision-state")).to_have_text(vi(DecisionState.ISSUED.label))
    certificate = Certificate.objects.get(product=product)
    assert (certificate.star, certificate.score, certificate.decision_number) == (
        4,
        Decimal("79.33"),
        DECISION_NUMBER,
    )
    province.locator("#annex").get_by_role("link", name=certificate.number).click()
    expect(province.locator("#certificate-status")).to_be_visible()

    # The certificate PDF's QR code opens the public page of the certificate.
    certificate_pdf = download(province, "#certificate-pdf")
    assert PRODUCT in pdf_text(certificate_pdf)
    (certificate_url,) = decode_pdf_qr(certificate_pdf, tmp_path)
    consumer = new_page(browser, contexts, errors, **PHONE)
    assert consumer.goto(live(certificate_url, base)).status == 200
    expect(consumer.locator("#verify-status")).to_have_attribute("data-outcome", "valid")
    expect(consumer.locator("#product-name")).to_have_text(PRODUCT)
    expect(consumer.locator("#certificate-number")).to_have_text(certificate.number)
    product.refresh_from_db()
    assert (product.status, product.star) == (OcopStatus.CERTIFIED, 4)

    # 10. The producer requests stamps for the product; the province approves. ------
    producer.goto(product_url)
    producer.locator("#request-stamps").click()
    producer.locator("#id_quantity").fill(str(STAMPS))
    producer.locator("#send-request").click()
    expect(producer).to_have_url(re.compile(r"/stamps/\d+/$"))
    batch = StampBatch.objects.get(pk=path_pk(producer))
    batch_url = producer.url
    assert (batch.product, batch.quantity, batch.state) == (
        product,
        STAMPS,
        RequestState.REQUESTED,
    )
    province.goto(batch_url)
    province.locator("#action-approve").click()
    province.locator("#confirm-action").click()  # the summary, then confirm
    expect(province.locator("#serial-range")).to_be_visible()
    stamps = list(Stamp.objects.filter(batch=batch).order_by("serial"))
    assert len(stamps) == STAMPS

    # The producer prints the label sheet; every QR code is one of its stamps.
    producer.reload()
    labels = download(producer, "#download-labels")
    decoded = decode_page(labels, 1, tmp_path)
    assert sorted(decoded) == sorted(stamp_url(token=s.token, gtin=product.gtin) for s in stamps)

    # 11. A consumer scans the first label on a phone: the product, "valid". ----------
    scanned = decoded[0]
    stamp = next(s for s in stamps if scanned.endswith(s.token))
    assert consumer.goto(live(scanned, base)).status == 200
    opened_at = time.monotonic()
    status = consumer.locator("#verify-status")
    expect(status).to_have_attribute("data-outcome", "valid")
    expect(status.locator("h1")).to_have_text(vi("Genuine OCOP product: the certificate is valid"))
    expect(consumer.locator("#product-name")).to_have_text(PRODUCT)
    expect(consumer.locator("#subject-name")).to_have_text(SUBJECT)
    expect(consumer.locator("#stamp-serial")).to_have_text(stamp.serial)
    assert consumer.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # 12. …and reports a suspected fake from the page's link. The form refuses a
    # report sent within MIN_SECONDS of showing it (anti-spam): a person takes
    # longer, so the test waits that long rather than forging the timestamp.
    consumer.locator("#report a").click()
    opened_at = time.monotonic()
    message = "Hũ mắm bán ở chợ Hoằng Hóa có nhãn in mờ, tem trông khác hũ mua ở cửa hàng."
    consumer.get_by_label(vi("What did you see?")).fill(message)
    consumer.get_by_label(vi("Where did you buy or see it?")).fill("Chợ Hoằng Hóa, sạp số 12")
    left = MIN_SECONDS + 1 - (time.monotonic() - opened_at)
    if left > 0:
        consumer.wait_for_timeout(left * 1000)
    consumer.get_by_role("button", name=vi("Send the report")).click()
    expect(consumer).to_have_url(re.compile(re.escape(f"{base}/report-fake/sent/?code=s%2F")))
    # The "report sent" page leads back to the product's page.
    expect(consumer.locator("#back-to-product")).to_have_attribute("href", re.compile(r"^/s/"))
    complaint = Complaint.objects.get()
    assert (complaint.product, complaint.stamp, complaint.message) == (product, stamp, message)

    # The provincial officer sees the complaint in the inspections list.
    province.goto(f"{base}/inspections/")
    complaint_row = province.locator("#inspection-items tbody tr", has_text=PRODUCT)
    expect(complaint_row).to_have_count(1)
    expect(complaint_row).to_contain_text("Hũ mắm bán ở chợ Hoằng Hóa")
    expect(complaint_row).to_contain_text("Chợ Hoằng Hóa, sạp số 12")

    assert console_errors == []
