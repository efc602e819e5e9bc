import pytest
import yaml
from django.core.management import CommandError, call_command
from django.utils import translation

from ocop.criteria.models import Sheet
from tests.criteria.conftest import criterion

pytestmark = pytest.mark.django_db


def _write(path, data):
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_load_criteria_reports_each_file(tmp_path, sheet_data, capsys):
    path = _write(tmp_path / "phieu.yaml", sheet_data)
    with translation.override("en"):
        call_command("load_criteria", str(path))
        call_command("load_criteria", str(path))
        criterion(sheet_data, "1.1")["text"] = "Nguồn nguyên liệu địa phương"
        _write(path, sheet_data)
        call_command("load_criteria", str(path))
    assert capsys.readouterr().out.splitlines() == [
        "phieu.yaml: TEST-1048 created (version 1)",
        "phieu.yaml: TEST-1048 unchanged (version 1)",
        "phieu.yaml: TEST-1048 replaced (not yet used in a scoring) (version 1)",
    ]
    # Operators read it in Vietnamese by default.
    call_command("load_criteria", str(path))
    assert capsys.readouterr().out.strip() == "phieu.yaml: TEST-1048 không đổi (phiên bản 1)"


def test_load_criteria_shipped_is_idempotent(capsys):
    with translation.override("en"):
        call_command("load_criteria", "--shipped")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "rules.yaml: ranking rules: 0 created, 0 updated, 0 deleted"
    assert all(line.endswith("unchanged (version 1)") for line in lines[1:])


def test_a_refused_file_prints_every_reason_and_writes_nothing(tmp_path, sheet_data, capsys):
    good = _write(tmp_path / "good.yaml", sheet_data)
    bad_data = {**sheet_data, "code": "TEST-BAD", "product_set": "ZZZ"}
    criterion(bad_data, "1.1")["options"][0]["points"] = "abc"
    bad = _write(tmp_path / "bad.yaml", bad_data)
    with translation.override("en"), pytest.raises(CommandError):
        call_command("load_criteria", str(good), str(bad))
    err = capsys.readouterr().err
    assert f"{bad} was refused:" in err
    assert "  - Criterion 1.1, option a: “points” must be a number, not “abc”" in err
    assert "  - The product set “ZZZ” does not exist." in err
    assert Sheet.objects.filter(code__in=["TEST-1048", "TEST-BAD"]).count() == 0


def test_a_file_of_unknown_format_is_refused(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("format: something/1\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_criteria", str(path))
