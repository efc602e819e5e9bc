"""Serials: format, tolerant parsing, and proof that the check letter catches
every single-character error and every adjacent transposition."""

import itertools

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from ocop.stamps.domain.serials import (
    CHECK_LETTERS,
    DAMM_TABLE,
    MAX_NUMBER,
    Serial,
    check_letter,
    damm_digit,
    format_serial,
    normalise_serial,
    parse_serial,
    series_for,
)

DIGITS = range(10)


def test_a_serial_reads_series_number_and_check_letter():
    assert format_serial("38", 1234) == "38-00001234-" + check_letter("38", 1234)
    assert len(format_serial("00", 1)) == len("38-00001234-K")
    assert parse_serial(format_serial("38", 1234)) == Serial("38", 1234)
    assert str(Serial("38", 1234)) == format_serial("38", 1234)


@pytest.mark.parametrize(
    "typed",
    [
        "38-00001234-{c}",
        " 38 0000 1234 {c} ",
        "3800001234{c}",
        "38–0000–1234–{l}",
        "38.00001234.{l}",
    ],
)
def test_parsing_ignores_spaces_dashes_and_case(typed):
    letter = check_letter("38", 1234)
    text = typed.format(c=letter, l=letter.lower())
    assert parse_serial(text) == Serial("38", 1234)
    assert normalise_serial(text) == format_serial("38", 1234)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("38-0000123-K", "format"),  # a digit missing
        ("38-000012345-K", "format"),  # a digit too many
        ("38-00001234", "format"),  # no check letter
        ("AB-00001234-K", "format"),
        ("", "format"),
        ("38-00001234-Z", "check_letter"),  # Z is never a check letter
        (f"38-00000000-{CHECK_LETTERS[damm_digit('3800000000')]}", "format"),  # from 1 up
    ],
)
def test_malformed_serials_are_refused_with_the_reason(text, code):
    with pytest.raises(ValidationError) as caught:
        parse_serial(text)
    assert caught.value.code == code


def test_a_wrong_check_letter_is_refused_with_a_clear_message(settings):
    from django.utils import translation

    good = format_serial("38", 1234)
    wrong = next(c for c in CHECK_LETTERS if c != good[-1])
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        parse_serial(good[:-1] + wrong)
    assert caught.value.code == "check"
    assert caught.value.messages == [
        f"The check letter of “{good[:-1] + wrong}” does not match its digits: a digit or "
        "the letter was probably mistyped."
    ]


# The proof. Processing digits is a walk through the states 0..9 of the table.
# (1) In every row, different digits lead to different states; (2) for every
# digit, different states lead to different states, so what follows an error
# can never bring two walks back together; (3) for every state and a != b,
# reading "ab" and "ba" ends in different states. Hence every single-digit error
# and every adjacent transposition changes the final state, i.e. the check
# digit, whatever the position and the length. Checked here exhaustively.


def test_every_row_of_the_quasigroup_tells_digits_apart():
    for state in DIGITS:
        assert sorted(DAMM_TABLE[state]) == list(DIGITS)


def test_every_digit_moves_different_states_to_different_states():
    for digit in DIGITS:
        assert sorted(DAMM_TABLE[state][digit] for state in DIGITS) == list(DIGITS)


def test_the_quasigroup_is_totally_anti_symmetric():
    for state, a, b in itertools.product(DIGITS, DIGITS, DIGITS):
        if a != b:
            assert DAMM_TABLE[DAMM_TABLE[state][a]][b] != DAMM_TABLE[DAMM_TABLE[state][b]][a]


def test_the_check_letters_are_ten_distinct_unambiguous_letters():
    assert len(set(CHECK_LETTERS)) == 10
    assert set(CHECK_LETTERS).isdisjoint("IOQSZBGDLUVWYN")


def _single_errors(serial: str):
    """Every serial that differs from ``serial`` in exactly one character,
    keeping the shape (a digit for a digit, a letter for a letter)."""
    for index, char in enumerate(serial):
        if char == "-":
            continue
        pool = "0123456789" if char.isdigit() else CHECK_LETTERS
        for other in pool:
            if other != char:
                yield serial[:index] + other + serial[index + 1 :]


def _adjacent_transpositions(serial: str):
    compact = serial.replace("-", "")
    for index in range(len(compact) - 1):
        a, b = compact[index], compact[index + 1]
        if a != b:
            yield compact[:index] + b + a + compact[index + 2 :]


def _refused(text: str) -> bool:
    try:
        parse_serial(text)
    except ValidationError:
        return True
    return False


def test_every_single_error_and_adjacent_transposition_is_caught_exhaustively():
    """All serials 1..1500 of two series: every mistyped variant is refused."""
    checked = 0
    for series in ("38", "00"):
        for number in range(1, 1501):
            serial = format_serial(series, number)
            for variant in itertools.chain(
                _single_errors(serial), _adjacent_transpositions(serial)
            ):
                assert _refused(variant), (serial, variant)
                checked += 1
    # 10 digits x 9 other digits + 9 other letters per serial, plus the swaps.
    assert checked > 2 * 1500 * (10 * 9 + 9)


@given(
    series=st.sampled_from(["00", "01", "38", "79", "96"]),
    number=st.integers(min_value=1, max_value=MAX_NUMBER),
    position=st.integers(min_value=0, max_value=10),
    data=st.data(),
)
def test_random_serials_refuse_any_single_error_or_adjacent_swap(series, number, position, data):
    serial = format_serial(series, number)
    assert parse_serial(serial) == Serial(series, number)
    compact = serial.replace("-", "")
    if position < 10:
        original = compact[position]
        other = data.draw(st.sampled_from([d for d in "0123456789" if d != original]))
        assert _refused(compact[:position] + other + compact[position + 1 :])
        if position < 9 and compact[position] != compact[position + 1]:
            swapped = (
                compact[:position]
                + compact[position + 1]
                + compact[position]
                + compact[position + 2 :]
            )
            assert _refused(swapped)
    else:
        other = data.draw(st.sampled_from([c for c in CHECK_LETTERS if c != compact[-1]]))
        assert _refused(compact[:-1] + other)


def test_damm_digit_of_a_string_with_its_check_digit_is_zero():
    for number in range(1, 200):
        digits = f"38{number:08d}"
        assert damm_digit(digits + str(damm_digit(digits))) == 0


def test_series_are_province_codes_or_the_national_series():
    assert series_for(province_code="38", central=False) == "38"
    assert series_for(province_code="38", central=True) == "00"
    with pytest.raises(ValueError, match="province code"):
        series_for(province_code="", central=False)
    with pytest.raises(ValueError, match=r"1\.\.99999999"):
        format_serial("38", MAX_NUMBER + 1)
