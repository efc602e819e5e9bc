import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .enums import LegalForm

TAX_NUMBER = re.compile(r"^\d{10}(-\d{3})?$")
# Household-business registration numbers issued by district offices, e.g.
# "27F8012345" or "28A8000123": digits and letters, 8 to 15 characters.
HOUSEHOLD_NUMBER = re.compile(r"^[0-9A-Z]{8,15}$")


def normalise_registration_number(value: str | None) -> str:
    value = (value or "").strip().upper().replace(" ", "").replace(".", "")
    # 13 digits written without the dash: 10-digit tax number + 3-digit branch.
    if re.fullmatch(r"\d{13}", value):
        value = f"{value[:10]}-{value[10:]}"
    return value


def validate_registration_number(value: str, *, legal_form: str) -> None:
    if TAX_NUMBER.match(value):
        return
    if legal_form == LegalForm.HOUSEHOLD and HOUSEHOLD_NUMBER.match(value):
        return
    if legal_form == LegalForm.HOUSEHOLD:
        raise ValidationError(
            _(
                "Enter a tax number (10 digits, or 10 digits, a dash and a 3-digit branch "
                "number) or a household-business registration number (8 to 15 letters "
                "and digits)."
            ),
            code="registration_number",
        )
    raise ValidationError(
        _(
            "The business registration / tax number has 10 digits, or 10 digits, a dash "
            "and a 3-digit branch number (e.g. 2801234567 or 2801234567-001)."
        ),
        code="registration_number",
    )
