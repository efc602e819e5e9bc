"""Label sheets: real PDFs read back with pypdf, pages rasterised with
pdftoppm as a printer would, and every QR code decoded with zbar."""

import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from ocop.stamps.domain.batches import void_stamps
from ocop.stamps.domain.labels import render_labels
from ocop.stamps.domain.links import stamp_url
from ocop.stamps.enums import LabelState
from ocop.stamps.models import LabelSheet, Stamp
from tests.factories.stamps import approved_batch
from tests.pdffonts import not_embedded, pdf_fonts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def decode_page(pdf: bytes, page: int, tmp_path, *, dpi: int = 150) -> list[str]:
    from PIL import Image
    from pyzbar.pyzbar import ZBarSymbol, decode

    assert shutil.which("pdftoppm"), "poppler-utils must be installed"
    source = tmp_path / "labels.pdf"
    source.write_bytes(pdf)
    command = [shutil.which("pdftoppm"), "-r", str(dpi), "-png", "-singlefile"]
    command += ["-f", str(page), "-l", str(page), str(source), str(tmp_path / "page")]
    subprocess.run(command, check=True)  # noqa: S603 -- fixed arguments, tool checked above
    image = Image.open(tmp_path / "page.png")
    return [s.data.decode() for s in decode(image, symbols=[ZBarSymbol.QRCODE])]


def text_of(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def batch(certified_x, producer_x, province_officer):
    return approved_batch(
        product=certified_x, producer=producer_x, officer=province_officer, quantity=45
    )


def _stamps(batch):
    return list(Stamp.objects.filter(batch=batch).order_by("serial"))


def test_label_sheets_hold_product_serials_and_qr_codes_that_open_the_stamp_page(
    batch, tmp_path, settings
):
    settings.SITE_URL = "https://ocop.thanhhoa.gov.vn"
    pdf = render_labels(batch=batch)
    pages = text_of(pdf)
    stamps = _stamps(batch)
    assert len(pages) == 2  # 40 labels a page
    assert pages[0].count("Nước mắm cá cơm Làng X") == 40 + 1  # each label and the footer
    assert pages[1].count("Nước mắm cá cơm Làng X") == 5 + 1
    assert pages[0].count("OCOP ★★★★") == 40
    assert [s.serial for s in stamps if s.serial in pages[0]] == [s.serial for s in stamps[:40]]
    assert [s.serial for s in stamps if s.serial in pages[1]] == [s.serial for s in stamps[40:]]
    assert f"{stamps[0].serial} - {stamps[39].serial} 1/2" in pages[0]
    assert f"{stamps[40].serial} - {stamps[44].serial} 2/2" in pages[1]
    decoded = decode_page(pdf, 1, tmp_path)
    assert sorted(decoded) == sorted(stamp_url(token=s.token) for s in stamps[:40])
    assert all(url.startswith("https://ocop.thanhhoa.gov.vn/s/") for url in decoded)
    assert sorted(decode_page(pdf, 2, tmp_path)) == sorted(
        stamp_url(token=s.token) for s in stamps[40:]
    )


def test_a_product_with_a_gtin_gets_gs1_digital_link_qr_codes(
    certified_x, producer_x, province_officer, tmp_path, settings
):
    settings.SITE_URL = "https://ocop.thanhhoa.gov.vn"
    certified_x.gtin = "8934567890128"
    certified_x.save()
    batch = approved_batch(
        product=certified_x, producer=producer_x, officer=province_officer, quantity=12
    )
    decoded = decode_page(render_labels(batch=batch), 1, tmp_path)
    assert sorted(decoded) == sorted(
        f"https://ocop.thanhhoa.gov.vn/01/08934567890128/21/{s.token}" for s in _stamps(batch)
    )
    assert sorted(decoded) == sorted(
        stamp_url(token=s.token, gtin="8934567890128") for s in _stamps(batch)
    )


def test_voided_stamps_are_not_printed(batch, province_officer, tmp_path):
    stamps = _stamps(batch)
    void_stamps(
        batch=batch, serials=[stamps[0].serial, stamps[44].serial], reason="x", by=province_officer
    )
    pdf = render_labels(batch=batch)
    text = " ".join(text_of(pdf))
    assert [s.serial for s in stamps if s.serial in text] == [s.serial for s in stamps[1:44]]
    assert stamp_url(token=stamps[0].token) not in decode_page(pdf, 1, tmp_path)


def test_progress_is_reported_page_by_page(batch):
    calls = []
    render_labels(batch=batch, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(40, 45), (45, 45)]


def test_a_long_product_name_is_cut_on_the_label(certified_x, producer_x, province_officer):
    certified_x.name = "Nước mắm " + "cá cơm truyền thống đặc biệt " * 8
    certified_x.save()
    batch = approved_batch(
        product=certified_x, producer=producer_x, officer=province_officer, quantity=1
    )
    pages = text_of(render_labels(batch=batch))
    assert len(pages) == 1
    assert "…" in pages[0]


# Large batches: prepared in the background ------------------------------------------


def test_a_large_batch_is_prepared_in_the_background_on_approval(
    certified_x, producer_x, province_officer, settings, django_capture_on_commit_callbacks
):
    settings.OCOP_STAMPS_LABELS_DIRECT_MAX = 20
    with django_capture_on_commit_callbacks(execute=True):
        batch = approved_batch(
            product=certified_x, producer=producer_x, officer=province_officer, quantity=45
        )
    sheet = LabelSheet.objects.get(batch=batch)
    assert (sheet.state, sheet.done, sheet.total, sheet.percent) == (LabelState.READY, 45, 45, 100)
    with sheet.file.open("rb") as handle:
        pdf = handle.read()
    assert len(text_of(pdf)) == 2
    # Voiding makes the prepared file stale: it is discarded, and the file goes.
    name, storage = sheet.file.name, sheet.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        void_stamps(batch=batch, serials=[_stamps(batch)[0].serial], reason="x", by=producer_x)
    assert (LabelSheet.objects.filter(batch=batch).count(), storage.exists(name)) == (0, False)


def test_a_small_batch_is_not_prepared_in_advance(batch):
    assert LabelSheet.objects.count() == 0


def test_worker_processes_encode_the_same_codes_in_the_same_order():
    from ocop.stamps.domain.qrbits import qr_bits, qr_bits_in_order

    urls = [stamp_url(token=f"Tok{n:017d}") for n in range(900)]  # three chunks
    assert list(qr_bits_in_order(urls, workers=2, parallel_from=1)) == [qr_bits(u) for u in urls]


def test_a_qr_code_is_packed_one_bit_per_module():
    from ocop.stamps.domain.qrbits import qr_bits

    size, data = qr_bits("https://ocop.example.vn/s/AbCdEfGhIjKlMnOpQrSt")
    assert size == 33  # version 4 (46 characters at level M)
    assert len(data) == size * 5  # 33 bits padded to 5 bytes a row
    # The finder pattern's top row: seven dark modules, a light separator.
    assert format(data[0], "08b") == "11111110"


def test_the_label_sheet_embeds_every_font_the_serials_included(batch):
    pdf = render_labels(batch=batch)
    assert not_embedded(pdf) == []
    assert "LiberationMonoBold" in {font["plain"] for font in pdf_fonts(pdf)}


def test_pending_label_sheets_say_plainly_when_no_worker_takes_them(
    client, certified_x, producer_x, province_officer, settings, django_capture_on_commit_callbacks
):
    """Label sheets over the direct limit waited forever with no worker: after
    OCOP_TASK_WORKER_WAIT_SECONDS the page says why."""
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    settings.OCOP_STAMPS_LABELS_DIRECT_MAX = 20
    with django_capture_on_commit_callbacks(execute=False):  # no worker runs the task
        batch = approved_batch(
            product=certified_x, producer=producer_x, officer=province_officer, quantity=45
        )
    sheet = LabelSheet.objects.get(batch=batch)
    assert sheet.state == LabelState.PENDING
    client.force_login(producer_x)
    url = reverse("stamps:labels_status", args=[batch.pk])
    assert 'id="labels-no-worker"' not in client.get(url).content.decode()  # just asked
    a_minute_ago = timezone.now() - timedelta(minutes=1)
    LabelSheet.objects.filter(pk=sheet.pk).update(requested_at=a_minute_ago)
    page = client.get(url).content.decode()
    assert 'id="labels-no-worker"' in page
    assert "No background process has taken this work up yet" in page
    batch_page = client.get(reverse("stamps:batch", args=[batch.pk])).content.decode()
    assert 'id="labels-no-worker"' in batch_page
