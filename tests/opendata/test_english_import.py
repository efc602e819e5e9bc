"""The imitation of an English spreadsheet's CSV import can fail: it reads
the Vietnamese dd/mm/yyyy dates and decimal commas as an English spreadsheet
does (wrongly), and the open data format as intended."""

from datetime import date, datetime
from decimal import Decimal

from .english_import import check, read_cell


def test_an_english_import_misreads_vietnamese_dates_and_decimal_commas():
    assert read_cell("05/12/2024").value == date(2024, 5, 12)  # 12 May, not 5 December
    assert read_cell("13/12/2024").kind == "text"  # no 13th month: left as text
    assert read_cell("86,67").kind == "text"  # not a number at all
    assert read_cell("1,234").value == Decimal(1234)  # thousands, not 1.234


def test_the_open_data_format_is_read_as_intended():
    assert read_cell("2024-12-05").value == date(2024, 12, 5)
    assert read_cell("2026-12-05 10:30:00").value == datetime(2026, 12, 5, 10, 30)  # noqa: DTZ001
    assert read_cell("86.67").value == Decimal("86.67")
    assert read_cell("123/QĐ-UBND").kind == "text"
    assert read_cell("38-000-26734-1-2025").kind == "text"
    assert read_cell("I.4.a").kind == "text"


def test_check_reports_a_cell_read_otherwise_than_the_dictionary_says():
    raw = '\ufeffname,decision_date,score\r\nA,05/12/2024,"86,67"\r\nB,2024-12-05,86.67\r\n'
    fields = [("name", "text"), ("decision_date", "date"), ("score", "decimal")]
    problems = check(raw.encode(), fields)
    assert len(problems) == 2
    assert problems[0].startswith("row 2, decision_date")
    assert problems[1].startswith("row 2, score")
