import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from ocop.core.pdf import render_pdf
from ocop.core.qr import qr_png_bytes

pytestmark = pytest.mark.django_db


def _decode_qr(png: bytes) -> list[str]:
    from PIL import Image
    from pyzbar.pyzbar import decode

    return [symbol.data.decode() for symbol in decode(Image.open(io.BytesIO(png)))]


def test_qr_png_decodes_to_the_same_url():
    url = "https://ocop.example.vn/v/AbC123xyz"
    assert _decode_qr(qr_png_bytes(url)) == [url]


def test_official_pdf_keeps_vietnamese_text_and_a_decodable_qr(tmp_path):
    url = "https://ocop.example.vn/v/Kiem-tra-9"
    pdf = render_pdf(
        "pdf/sample.html",
        {
            "title": "GIẤY CHỨNG NHẬN SẢN PHẨM OCOP",
            "body": "Nước mắm Ông Kiểm — Hợp tác xã Đồng Tâm, xã Hoằng Hóa, tỉnh Thanh Hóa",
            "qr_url": url,
        },
    )
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Nước mắm Ông Kiểm" in text
    assert "tỉnh Thanh Hóa" in text
    assert len(reader.pages) == 1
    # Rasterise the page as a printer would and read the QR back.
    assert shutil.which("pdftoppm"), "poppler-utils must be installed"
    pdf_path = tmp_path / "doc.pdf"
    pdf_path.write_bytes(pdf)
    command = [shutil.which("pdftoppm"), "-r", "150", "-png", "-singlefile"]
    command += [str(pdf_path), str(tmp_path / "page")]
    subprocess.run(command, check=True)  # noqa: S603 -- fixed arguments, tool checked above
    assert _decode_qr((tmp_path / "page.png").read_bytes()) == [url]
