"""Who a participant is, for refusing a second registration of the same person."""

import re

from ocop.core.text import fold_key

_NOT_DIGIT = re.compile(r"\D")


def normalise_phone(phone: str) -> str:
    """Digits only, with +84 / 84 written as a leading 0 (0912 345 678 = +84912345678)."""
    digits = _NOT_DIGIT.sub("", phone or "")
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits


def person_key(
    *, user=None, phone: str = "", email: str = "", full_name: str = "", subject=None
) -> str:
    """The person's account when known, else their phone, else their e-mail,
    else their folded name with their subject."""
    if user is not None:
        return f"user:{user.pk}"
    phone = normalise_phone(phone)
    if phone:
        return f"phone:{phone}"
    if email.strip():
        return f"email:{email.strip().casefold()}"
    subject_id = getattr(subject, "pk", None) or ""
    return f"name:{fold_key(full_name)}:{subject_id}"
