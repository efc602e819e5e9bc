"""Human-readable stamp serials: ``38-00001234-K``.

* the series: the province's two-digit code (``38`` Thanh Hóa), or ``00`` for
  the national stamp of products recognised by the ministry;
* the number: eight digits, zero-padded, taken from the series' counter;
* a check letter computed with the Damm algorithm over the ten digits.

The Damm algorithm runs the digits through a totally anti-symmetric
quasigroup of order 10, so it detects *every* single-digit error and *every*
transposition of two adjacent digits, in any position and for any length
(H. M. Damm, 2004). The check digit (0–9) is printed as one of ten letters
that cannot be mistaken for digits or for each other when read aloud or
printed small, so the check character also stands apart from the number.
A wrong check letter, or a digit typed where the letter belongs, is
rejected too. ``tests/stamps/test_serials.py`` verifies both properties
exhaustively over the quasigroup and over every serial of a range.

The serial is what a person reads and types; the QR code carries an
unguessable token instead (``links.py``), so nothing sequential is in a URL.
"""

from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SERIES_CENTRAL = "00"
SERIES_DIGITS = 2
NUMBER_DIGITS = 8
MAX_NUMBER = 10**NUMBER_DIGITS - 1

# The Damm quasigroup of order 10 (weakly totally anti-symmetric, zero diagonal).
DAMM_TABLE = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
# Check digit 0–9 printed as a letter: no I/O/Q/S/Z/B/G/D (read as 1 0 0 5 2 8 6 0),
# no L/U/V/W/Y/N (l, u/v, w/vv and n/h are easily confused in small print).
CHECK_LETTERS = "ACEFHKMPRX"
_LETTER_VALUE = {letter: value for value, letter in enumerate(CHECK_LETTERS)}


class Serial(NamedTuple):
    series: str
    number: int

    def __str__(self) -> str:
        return format_serial(self.series, self.number)


def damm_digit(digits: str) -> int:
    """The Damm check digit of a string of decimal digits."""
    interim = 0
    for char in digits:
        interim = DAMM_TABLE[interim][ord(char) - 48]
    return interim


def check_letter(series: str, number: int) -> str:
    return CHECK_LETTERS[damm_digit(f"{series}{number:0{NUMBER_DIGITS}d}")]


def format_serial(series: str, number: int) -> str:
    """``38-00001234-K``: series, zero-padded number and check letter."""
    if len(series) != SERIES_DIGITS or not series.isdigit():
        raise ValueError(f"a series is {SERIES_DIGITS} digits: {series!r}")
    if not 0 < number <= MAX_NUMBER:
        raise ValueError(f"a serial number is 1..{MAX_NUMBER}: {number}")
    return f"{series}-{number:0{NUMBER_DIGITS}d}-{check_letter(series, number)}"


def parse_serial(text: str) -> Serial:
    """Read a serial as a person types it: spaces and dashes anywhere, any
    case (``38 0000 1234 k``). A malformed serial or a wrong check letter
    raises ``ValidationError`` with a message saying which."""
    compact = "".join(ch for ch in str(text) if not ch.isspace() and ch not in "-–—_.").upper()
    digits, letter = compact[:-1], compact[-1:]
    length = SERIES_DIGITS + NUMBER_DIGITS
    if len(digits) != length or not digits.isascii() or not digits.isdigit() or not letter:
        raise ValidationError(
            _(
                "“%(text)s” is not a stamp serial: a serial has %(digits)s digits and a "
                "check letter, like 38-00001234-K."
            )
            % {"text": str(text).strip()[:40], "digits": length},
            code="format",
        )
    if letter not in _LETTER_VALUE:
        raise ValidationError(
            _("“%(text)s” ends in “%(letter)s”, which is not a check letter of a serial.")
            % {"text": str(text).strip()[:40], "letter": letter},
            code="check_letter",
        )
    if damm_digit(digits) != _LETTER_VALUE[letter]:
        raise ValidationError(
            _(
                "The check letter of “%(text)s” does not match its digits: a digit or the "
                "letter was probably mistyped."
            )
            % {"text": str(text).strip()[:40]},
            code="check",
        )
    number = int(digits[SERIES_DIGITS:])
    if number == 0:
        raise ValidationError(_("Serial numbers start at 1."), code="format")
    return Serial(digits[:SERIES_DIGITS], number)


def normalise_serial(text: str) -> str:
    """The stored form (``38-00001234-K``) of a serial as typed."""
    return str(parse_serial(text))


def series_for(*, province_code: str, central: bool) -> str:
    """The series of a batch: the national series for products recognised by
    the ministry (their stamp is the national OCOP stamp), else the province's."""
    if central:
        return SERIES_CENTRAL
    code = (province_code or "").strip()
    if len(code) != SERIES_DIGITS or not code.isdigit() or code == SERIES_CENTRAL:
        raise ValueError(f"not a province code for a serial series: {province_code!r}")
    return code
