"""The decision and the certificate as PDFs, read back as a reader would: the
text with pypdf, the QR code with zbar after rasterising the page."""

import io
import re
import shutil
import subprocess
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from ocop.certification.documents import render_certificate, render_decision
from ocop.certification.domain import decisions
from ocop.certification.domain.certificates import revoke
from ocop.certification.domain.links import certificate_url
from ocop.certification.models import Certificate, RevocationGround
from tests.factories.certification import complete_draft, imported_certificate, issued_decision
from tests.pdffonts import not_embedded, pdf_fonts

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def page_count(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


def decode_qr(pdf: bytes, tmp_path) -> list[str]:
    """Rasterise the first page as a printer would and read the QR codes."""
    from PIL import Image
    from pyzbar.pyzbar import decode

    assert shutil.which("pdftoppm"), "poppler-utils must be installed"
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    command = [shutil.which("pdftoppm"), "-r", "150", "-png", "-singlefile", "-f", "1", "-l", "1"]
    command += [str(path), str(tmp_path / "page")]
    subprocess.run(command, check=True)  # noqa: S603 -- fixed arguments, tool checked above
    image = Image.open(tmp_path / "page.png")
    return [symbol.data.decode() for symbol in decode(image)]


@pytest.fixture
def issued(closed, province_officer):
    return issued_decision(session=closed, by=province_officer, day=date(2025, 9, 30))


@pytest.fixture
def certificate(issued, product_x):
    return Certificate.objects.get(product=product_x)


# The certificate ---------------------------------------------------------------------


def test_the_certificate_holds_the_product_star_expiry_and_a_qr_to_its_page(
    certificate, product_x, subject_x, tmp_path
):
    pdf = render_certificate(certificate=certificate, today=date(2026, 1, 5))
    assert page_count(pdf) == 1
    text = pdf_text(pdf)
    assert "GIẤY CHỨNG NHẬN SẢN PHẨM OCOP" in text
    assert product_x.name in text
    assert subject_x.name in text
    assert "★★★★" in text
    assert "Đạt hạng 4 sao — 86,66 điểm" in text
    assert "Có giá trị đến ngày: 30/09/2028" in text
    assert "0001/2025/OCOP-38" in text
    assert "Số 123/QĐ-UBND ngày 30/09/2025 của Ủy ban nhân dân tỉnh Thanh Hóa" in text
    assert "ỦY BAN NHÂN DÂN TỈNH THANH HÓA" in text
    assert "Thanh Hóa, ngày 30 tháng 09 năm 2025" in text
    assert "PHÓ CHỦ TỊCH" in text
    assert "Lê Văn Ký" in text
    assert "thu hồi" not in text
    url = certificate_url(token=certificate.token)
    assert decode_qr(pdf, tmp_path) == [url]
    path = urlsplit(url).path
    assert (path.startswith("/c/"), path.rstrip("/").rsplit("/", 1)[-1]) == (
        True,
        certificate.token,
    )


def test_a_revoked_certificate_prints_that_it_was_revoked(certificate, province_officer):
    revoke(
        certificate=certificate,
        ground=RevocationGround.objects.get(code="production_stopped"),
        decision_number="9/QĐ-UBND",
        decision_date=date(2026, 2, 2),
        by=province_officer,
    )
    certificate.refresh_from_db()
    text = pdf_text(render_certificate(certificate=certificate))
    assert "Giấy chứng nhận đã bị thu hồi" in text


def test_an_expired_certificate_prints_that_it_lapsed(certificate):
    text = pdf_text(render_certificate(certificate=certificate, today=date(2028, 10, 1)))
    assert "Giấy chứng nhận đã hết hiệu lực" in text


def test_an_imported_certificate_prints_with_its_decision(product_x, tmp_path):
    certificate = imported_certificate(product_x, star=3)
    pdf = render_certificate(certificate=certificate, today=date(2026, 1, 5))
    text = pdf_text(pdf)
    assert page_count(pdf) == 1
    assert "Số 1114/QĐ-UBND ngày 06/04/2024 của Ủy ban nhân dân tỉnh Thanh Hóa" in text
    assert "Có giá trị đến ngày: 06/04/2027" in text
    assert decode_qr(pdf, tmp_path) == [certificate_url(token=certificate.token)]


# The decision ------------------------------------------------------------------------


def test_the_issued_decision_follows_the_official_layout(issued, product_x, product_y):
    pdf = render_decision(decision=issued)
    text = pdf_text(pdf)
    assert page_count(pdf) >= 2  # the annex starts on its own page
    for expected in (
        "ỦY BAN NHÂN DÂN",
        "TỈNH THANH HÓA",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 123/QĐ-UBND",
        "Thanh Hóa, ngày 30 tháng 09 năm 2025",
        "QUYẾT ĐỊNH",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THANH HÓA",
        "Căn cứ Quyết định 148/QĐ-TTg",
        "Căn cứ Quyết định 1489/QĐ-TTg",
        "Điều 1.",
        "Điều 2.",
        "Điều 3.",
        "Giấy chứng nhận sản phẩm OCOP có giá trị 36 tháng",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Lê Văn Ký",
        "DANH SÁCH SẢN PHẨM ĐƯỢC CÔNG NHẬN ĐẠT SẢN PHẨM OCOP",
        "(Kèm theo Quyết định số 123/QĐ-UBND ngày 30/09/2025",
        product_x.name,
        product_y.name,
        product_x.subject.name,
        "86,66",
        "63,66",
        "0001/2025/OCOP-38",
        "0002/2025/OCOP-38",
    ):
        assert expected in text, expected
    assert "DỰ THẢO" not in text


def test_a_draft_decision_prints_as_a_draft(closed, province_officer):
    decision = decisions.draft_from_session(session=closed, by=province_officer)
    text = pdf_text(render_decision(decision=decision))
    assert "DỰ THẢO" in text
    assert "Số: …" in text
    complete_draft(decision, by=province_officer)
    decision.refresh_from_db()
    assert "Số: 123/QĐ-UBND" in pdf_text(render_decision(decision=decision))


# Downloads check permissions -------------------------------------------------------


@pytest.mark.parametrize("who", ["province_officer", "producer_x", "officer_x"])
def test_those_who_see_the_certificate_download_it(client, certificate, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("certification:certificate_pdf", args=[certificate.pk]))
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert response["Content-Disposition"] == (
        'attachment; filename="giay-chung-nhan-ocop-0001-2025-ocop-38.pdf"'
    )


@pytest.mark.parametrize("who", ["other_province_officer", "producer_y"])
def test_others_get_404_for_the_documents(client, issued, certificate, request, who, subject_y):
    if who == "producer_y":
        from ocop.accounts.enums import Role
        from tests.factories.accounts import user_with_role

        user = user_with_role(Role.PRODUCER, subject=subject_y)
        # Y's producer sees Y's certificate and the decision that names it…
        client.force_login(user)
        assert (
            client.get(reverse("certification:decision_pdf", args=[issued.pk])).status_code == 200
        )
    else:
        user = request.getfixturevalue(who)
        client.force_login(user)
        assert (
            client.get(reverse("certification:decision_pdf", args=[issued.pk])).status_code == 404
        )
    # …but not X's certificate.
    response = client.get(reverse("certification:certificate_pdf", args=[certificate.pk]))
    assert response.status_code == 404


def test_a_producer_does_not_see_a_draft(client, closed, province_officer, producer_x):
    decision = decisions.draft_from_session(session=closed, by=province_officer)
    client.force_login(producer_x)
    assert client.get(reverse("certification:decision_pdf", args=[decision.pk])).status_code == 404
    client.force_login(province_officer)
    assert client.get(reverse("certification:decision_pdf", args=[decision.pk])).status_code == 200


def test_the_certificate_qr_opens_its_page_valid_then_expired_then_revoked(
    certificate, product_x, province_officer, client, tmp_path
):
    """The issue's check, end to end: the QR read back from the rendered
    certificate opens the public page, which shows "valid"; with the clock
    moved past the expiry it shows "expired"; after revocation "revoked"."""
    (url,) = decode_qr(render_certificate(certificate=certificate), tmp_path)
    path = urlsplit(url).path

    def outcome() -> tuple[int, str]:
        response = client.get(path)
        match = re.search(r'id="verify-status" data-outcome="(\w+)"', response.content.decode())
        return response.status_code, match.group(1) if match else ""

    with time_machine.travel(date(2026, 11, 24), tick=False):
        assert outcome() == (200, "valid")
    with time_machine.travel(certificate.valid_until + timedelta(days=1), tick=False):
        assert outcome()[1] == "expired"
    with time_machine.travel(date(2026, 12, 1), tick=False):
        revoke(
            certificate=certificate,
            ground=RevocationGround.objects.get(code="safety_or_process_violation"),
            decision_number="45/QĐ-UBND",
            decision_date=date(2026, 12, 1),
            by=province_officer,
        )
        assert outcome()[1] == "revoked"
    assert "01/12/2026" in client.get(path).content.decode()


def test_the_decision_and_the_certificate_embed_every_font_and_are_set_in_liberation_serif(
    issued, certificate
):
    """Decree 30/2020: administrative documents in a Times New Roman type;
    Liberation Serif has its metrics. Every font embedded; the PDF tagged."""
    for pdf in (render_decision(decision=issued), render_certificate(certificate=certificate)):
        fonts = pdf_fonts(pdf)
        assert not_embedded(pdf) == []
        names = {font["plain"] for font in fonts}
        assert {"LiberationSerif", "LiberationSerifBold"} <= names, names
        assert not any(name.startswith(("NotoSerif", "DejaVuSerif")) for name in names), names
        assert PdfReader(io.BytesIO(pdf)).trailer["/Root"].get("/MarkInfo") is not None


def test_the_certificate_qr_follows_the_site_address(certificate, settings, tmp_path):
    """`make run PORT=8011` sets SITE_URL=http://127.0.0.1:8011 (issue 18,
    point 1): the certificate's QR code points there, not at port 8000."""
    settings.SITE_URL = "http://127.0.0.1:8011"
    (url,) = decode_qr(render_certificate(certificate=certificate), tmp_path)
    assert url == f"http://127.0.0.1:8011/c/{certificate.token}"
