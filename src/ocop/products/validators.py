from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def gtin_check_digit(body: str) -> int:
    """GS1 check digit for the digits before it (GTIN-8/12/13/14)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def normalise_gtin(value: str) -> str:
    return "".join(value.split())


def validate_gtin(value: str) -> None:
    """GTIN-8, -12, -13 or -14 with a correct GS1 check digit."""
    digits = normalise_gtin(value)
    if not digits.isdigit() or len(digits) not in (8, 12, 13, 14):
        raise ValidationError(
            _("A GTIN (barcode number) has 8, 12, 13 or 14 digits."), code="gtin_format"
        )
    if gtin_check_digit(digits[:-1]) != int(digits[-1]):
        raise ValidationError(
            _("The check digit of this GTIN is wrong: the last digit should be %(digit)s.")
            % {"digit": gtin_check_digit(digits[:-1])},
            code="gtin_check",
        )
