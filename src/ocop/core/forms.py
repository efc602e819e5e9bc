"""Form helpers shared by every app: Bootstrap classes, and the signed time at
which a public form (no account) was shown, which keeps robots out."""

import time

from django import forms
from django.core import signing

# Public forms carry the time they were shown, signed with this salt.
FORM_SALT = "ocop.public-form.started"


def form_token(*, now: float | None = None) -> str:
    """A signed record of when the form was shown."""
    return signing.dumps({"t": int(time.time() if now is None else now)}, salt=FORM_SALT)


def form_started(token: str) -> int | None:
    """When the form carrying ``token`` was shown (Unix time), or None when
    the token is missing or forged."""
    try:
        return int(signing.loads(token or "", salt=FORM_SALT)["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


class BootstrapMixin:
    """Adds Bootstrap classes and aria-invalid to every widget of a form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"
