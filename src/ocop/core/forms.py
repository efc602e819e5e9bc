"""What every form of the platform shares (``BootstrapMixin``): Bootstrap
classes, ``aria-invalid`` on fields in error, and the checks no form may miss —
no control or bidirectional-override characters in text (line breaks only in
multi-line fields), and whole numbers that fit the database's columns."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from ocop.core.text import forbidden_characters

# The range of a 32-bit integer column, the smallest any of our integer
# columns has: a plain form's whole number outside it is refused as a form
# error instead of overflowing the database driver (OverflowError → 500).
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


def _single_line(value) -> None:
    _check_characters(value, multiline=False)


def _multi_line(value) -> None:
    _check_characters(value, multiline=True)


def _check_characters(value, *, multiline: bool) -> None:
    if not isinstance(value, str):
        return
    found = forbidden_characters(value, multiline=multiline)
    if not found:
        return
    if not multiline and any(code in ("U+000A", "U+000D") for code in found):
        raise ValidationError(
            _("This field takes one line: remove the line break."), code="line_break"
        )
    raise ValidationError(
        _(
            "Remove the invisible control characters (%(codes)s): they are often pasted "
            "by mistake and can make text read differently from what it is."
        ),
        code="control_characters",
        params={"codes": ", ".join(found)},
    )


def _has(validators, kind) -> bool:
    return any(isinstance(v, kind) for v in validators)


class BootstrapMixin:
    """Adds Bootstrap classes and aria-invalid to every widget of a form, and the
    checks every text and number field needs (see the module's docstring)."""

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
            self._guard(field)

    @staticmethod
    def _guard(field) -> None:
        if isinstance(field, forms.CharField):
            check = _multi_line if isinstance(field.widget, forms.Textarea) else _single_line
            if check not in field.validators:
                field.validators.append(check)
        elif isinstance(field, forms.IntegerField):
            if not _has(field.validators, MaxValueValidator):
                field.validators.append(MaxValueValidator(INT_MAX))
            if not _has(field.validators, MinValueValidator):
                field.validators.append(MinValueValidator(INT_MIN))

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"
