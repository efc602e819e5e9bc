"""One number format everywhere: counts and quantities read "2.000" in
Vietnamese and "2,000" in English (``{{ value|num }}``, also as the count of
a ``blocktranslate``), while ids, years and serials stay bare."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

SRC = Path(__file__).resolve().parents[2] / "src"


def render(source: str, lang: str, **context) -> str:
    with translation.override(lang):
        return Template("{% load i18n ocop %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("value", "vi", "en"),
    [
        (2000, "2.000", "2,000"),
        (1234567, "1.234.567", "1,234,567"),
        (999, "999", "999"),
        (0, "0", "0"),
        (Decimal("1234.5"), "1.234,5", "1,234.5"),
        (None, "None", "None"),
        ("abc", "abc", "abc"),
    ],
)
def test_num_groups_thousands_in_the_language_of_the_page(value, vi, en):
    assert render("{{ value|num }}", "vi", value=value) == vi
    assert render("{{ value|num }}", "en", value=value) == en


def test_a_grouped_count_still_chooses_the_plural_and_compares_as_a_number():
    source = (
        "{% blocktranslate count n=value|num %}{{ n }} stamp{% plural %}{{ n }} stamps"
        "{% endblocktranslate %}{% if value|num > 1999 %} many{% endif %}"
    )
    assert render(source, "en", value=2000) == "2,000 stamps many"
    assert render(source, "en", value=1) == "1 stamp"


def test_without_the_filter_ids_and_years_stay_bare():
    assert render("{{ value }}", "vi", value=2026) == "2026"


def test_every_plural_count_in_the_templates_is_grouped():
    """A count that chooses a plural is a count shown to people: it goes
    through ``|num`` (issue 18, point 9: "2.000", not "2000")."""
    found = []
    pattern = re.compile(r"blocktranslate[^%]*\bcount (\w+)=([^ %]+)")
    for path in sorted((SRC / "ocop").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for match in pattern.finditer(text):
            if "|num" not in match.group(2):
                found.append(f"{path.relative_to(SRC)}: {match.group(0)}")
    assert found == []


def test_an_import_summary_reads_in_the_one_number_format():
    summary = {
        "rows": 12500,
        "rows_valid": 12000,
        "rows_rejected": 400,
        "rows_duplicate": 100,
        "subjects_created": 1500,
    }
    with translation.override("vi"):
        html = render_to_string("registry/import/_summary.html", {"summary": summary})
    assert "12.500" in html
    assert "12.000" in html
    assert '<td data-count="subjects_created">1.500</td>' in html
