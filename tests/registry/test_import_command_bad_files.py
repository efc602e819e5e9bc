"""`manage.py import_products` answers every bad file with the web's clear
Vietnamese message, never a traceback: damaged Excel files (not a zip, no
workbook inside, a worksheet cut short), files of another kind, missing files."""

import zipfile

import pytest
from django.core.management import CommandError, call_command

from ocop.products.models import Product
from tests.registry.files import thanh_hoa_list

pytestmark = pytest.mark.django_db


def refused(path, *args) -> str:
    with pytest.raises(CommandError) as caught:
        call_command("import_products", str(path), "--province", "38", *args)
    return str(caught.value)


def rezip(source, target, *, cut: str = "", drop: str = ""):
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            if info.filename == drop:
                continue
            data = old.read(info.filename)
            if info.filename == cut:
                data = data[: len(data) // 2]
            new.writestr(info, data)
    return target


def test_a_file_that_is_not_a_zip(tmp_path):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")  # BadZipFile
    assert "Không đọc được tệp Excel" in refused(path)


def test_a_zip_without_its_workbook(tmp_path):
    path = rezip(thanh_hoa_list(tmp_path), tmp_path / "ds.xlsx", drop="xl/workbook.xml")
    assert "Không đọc được tệp Excel" in refused(path)  # KeyError inside openpyxl


def test_a_worksheet_cut_short(tmp_path):
    path = rezip(thanh_hoa_list(tmp_path), tmp_path / "ds.xlsx", cut="xl/worksheets/sheet1.xml")
    message = refused(path)  # an XML ParseError while the rows are read
    assert "Tệp Excel bị hỏng" in message
    assert "lưu lại" in message
    assert Product.objects.count() == 0


def test_a_file_of_another_kind(tmp_path):
    path = tmp_path / "ds.csv"
    path.write_text("Tên sản phẩm,Tên chủ thể\n")
    assert "không phải danh sách Excel (.xlsx)" in refused(path)


def test_a_missing_file_and_a_directory(tmp_path):
    assert "không tồn tại" in refused(tmp_path / "khong-co.xlsx")
    assert "không phải là tệp" in refused(tmp_path)


def test_a_bad_province_code_is_said_in_vietnamese(tmp_path):
    with pytest.raises(CommandError, match="Mã tỉnh"):
        call_command("import_products", str(thanh_hoa_list(tmp_path)), "--province", "99")
