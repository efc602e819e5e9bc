"""Scores shown truthfully (``ocop.core.scores``): truncated to two decimals,
so that a displayed score is always in the same star band as the exact one."""

from decimal import Decimal
from fractions import Fraction

from django.template import Context, Template
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from ocop.core.scores import score_floor

D = Decimal


def test_a_mean_just_below_90_is_never_shown_as_90():
    mean = Fraction(26999, 300)  # 89.99666…
    assert score_floor(mean) == D("89.99")
    assert str(score_floor(mean)) == "89.99"


def test_exact_and_short_values_keep_two_places():
    assert [str(score_floor(v)) for v in (D(90), 86, D("86.5"), "70", 0.29, Fraction(298, 3))] == [
        "90.00",
        "86.00",
        "86.50",
        "70.00",
        "0.29",
        "99.33",
    ]
    assert score_floor(None) is None


@settings(max_examples=300, deadline=None)
@given(
    st.fractions(min_value=0, max_value=100),
    st.decimals(min_value=0, max_value=100, places=2),
)
def test_the_shown_score_is_on_the_same_side_of_every_two_decimal_boundary(score, boundary):
    shown = score_floor(score)
    assert shown <= score < shown + D("0.01")
    assert (Fraction(shown) >= Fraction(boundary)) == (score >= Fraction(boundary))


def test_the_template_filter_uses_the_decimal_comma_in_vietnamese():
    template = Template("{% load ocop %}{{ mean|score }}|{{ none|score }}")
    with translation.override("vi"):
        assert template.render(Context({"mean": Fraction(26999, 300), "none": None})) == "89,99|"
    with translation.override("en"):
        assert template.render(Context({"mean": D("86.5"), "none": None})) == "86.50|"
