"""One number format everywhere: counts and quantities read "2.000" in
Vietnamese and "2,000" in English (``{{ value|num }}``, also as the count of
a ``blocktranslate``), while ids, years and serials stay bare."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation


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
