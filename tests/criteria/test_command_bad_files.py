"""`manage.py load_criteria` answers every bad file with a clear Vietnamese
message (as the web does), never a traceback or a crashed process: damaged
Excel files, nesting that overflows the stack, NUL bytes, absurd sizes,
files of another kind, missing files."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.test import override_settings
from openpyxl import Workbook

from ocop.criteria.domain.excel import INFO_TITLE, TREE_TITLE
from ocop.criteria.models import Sheet
from tests.criteria.conftest import criterion

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def refused(path, capsys) -> str:
    """The reasons printed for a refused file (Vietnamese, the site's language)."""
    with pytest.raises(CommandError, match="Chưa nạp dữ liệu nào"):
        call_command("load_criteria", str(path))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"{path} bị từ chối" in err or "bị từ chối" in err
    return err


def test_a_file_that_is_not_a_zip_is_refused(tmp_path, capsys):
    path = tmp_path / "phieu.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")  # BadZipFile
    assert "Không đọc được tệp Excel" in refused(path, capsys)


def test_a_zip_without_a_workbook_is_refused(tmp_path, capsys):
    path = tmp_path / "phieu.xlsx"
    with zipfile.ZipFile(path, "w") as archive:  # KeyError in openpyxl
        archive.writestr("[Content_Types].xml", "<Types/>")
    assert "Không đọc được tệp Excel" in refused(path, capsys)


def test_a_cut_worksheet_is_refused(tmp_path, capsys):
    book = Workbook()
    book.active.title = INFO_TITLE
    book.create_sheet(TREE_TITLE)
    for row in range(1, 50):
        book[INFO_TITLE].cell(row=row, column=1, value=f"dòng {row}")
        book[INFO_TITLE].cell(row=row, column=3, value="code")
    whole = tmp_path / "whole.xlsx"
    book.save(whole)
    path = tmp_path / "phieu.xlsx"
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # XML ParseError while reading the rows
            target.writestr(info, data)
    assert "bị hỏng" in refused(path, capsys)


def test_json_nested_beyond_the_stack_is_refused(tmp_path, capsys):
    path = tmp_path / "phieu.json"
    path.write_text("[" * 100_000 + "]" * 100_000)  # RecursionError in json
    assert "lồng nhau quá 40 cấp" in refused(path, capsys)


def test_deeply_nested_yaml_does_not_crash_the_process(tmp_path):
    """libyaml's composer recurses in C: 100,000 levels crash the process
    (a segmentation fault, no message). The nesting is counted first."""
    path = tmp_path / "phieu.yaml"
    path.write_text("[" * 100_000 + "]" * 100_000)
    result = subprocess.run(  # noqa: S603 -- fixed command, test input
        [sys.executable, "manage.py", "load_criteria", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "ocop.settings.test"},
        check=False,
    )
    assert result.returncode == 1, result.stderr[-500:]  # a CommandError, not a signal
    assert "lồng nhau quá 40 cấp" in result.stderr
    assert "Traceback" not in result.stderr


def test_nul_bytes_are_refused(tmp_path, capsys):
    path = tmp_path / "phieu.yaml"
    path.write_bytes(b"format: ocop-criteria-sheet/1\x00\ncode: X\n")
    assert "chứa byte NUL" in refused(path, capsys)


@override_settings(OCOP_CRITERIA_FILE_MAX_BYTES=1024)
def test_an_absurd_size_is_refused_before_it_is_read(tmp_path, capsys):
    path = tmp_path / "phieu.yaml"
    path.write_text("# " + "x" * 2000 + "\nformat: ocop-criteria-sheet/1\n")
    err = refused(path, capsys)
    assert "quá lớn" in err
    assert "giới hạn là 1,0" in err


def test_a_file_of_another_kind_and_a_missing_file_are_refused(tmp_path, capsys):
    other = tmp_path / "phieu.csv"
    other.write_text("a,b\n")
    assert "không phải định dạng .yaml, .yml, .json hoặc .xlsx" in refused(other, capsys)
    assert "không tồn tại" in refused(tmp_path / "khong-co.yaml", capsys)


def test_an_absurd_number_is_a_message(tmp_path, sheet_data, capsys):
    criterion(sheet_data, "1.1")["options"][0]["points"] = "1e999999"  # InvalidOperation
    path = tmp_path / "phieu.yaml"
    path.write_text(yaml.safe_dump(sheet_data, allow_unicode=True), encoding="utf-8")
    err = refused(path, capsys)
    assert "1e999999" in err
    assert Sheet.objects.filter(code=sheet_data["code"]).count() == 0


def test_an_inflated_workbook_is_refused_before_it_is_parsed(tmp_path, capsys):
    """The criteria reader has the bounds of every other reader (core.xlsx)."""
    import io

    from tests.factories.xlsx import inflated

    book = Workbook()
    book.active.title = INFO_TITLE
    book.active.append(["Mã phiếu", "X"])
    buffer = io.BytesIO()
    book.save(buffer)
    path = tmp_path / "phieu.xlsx"
    path.write_bytes(inflated(buffer.getvalue(), "xl/sharedStrings.xml", 20))
    assert "sharedStrings.xml" in refused(path, capsys)
    assert not Sheet.objects.filter(code="X").exists()
