"""Scores shown truthfully.

Stars are banded on the exact score (a mean of three totals is a ``Fraction``),
never on a rounded one. Rounding for display can cross a band boundary: a mean
of 89.9966… (4★, below the 90 of 5★) rounds to "90,00". So scores are shown
**truncated toward zero** to two decimals ("89,99"): every band boundary has at
most two decimals, so a truncated score is in the same band as the exact one
(if ``score < b`` then ``truncated <= score < b``; if ``score >= b`` then
``truncated >= b``). Use ``score_floor`` for values written to documents and
spreadsheets and the ``score`` template filter (``{% load ocop %}``) on pages.
"""

from decimal import Decimal
from fractions import Fraction

PLACES = 2


def score_floor(value, places: int = PLACES) -> Decimal | None:
    """``value`` (Fraction, Decimal, int, float or numeric text) truncated
    toward zero to ``places`` decimals, as a Decimal with exactly that many
    places; None stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        value = Decimal(repr(value))  # the shortest decimal of the float, not its binary value
    exact = Fraction(value) if not isinstance(value, str) else Fraction(Decimal(value))
    scale = 10**places
    return Decimal(int(exact * scale)).scaleb(-places)
