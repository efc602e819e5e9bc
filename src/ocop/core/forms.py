"""What every form of the platform shares (``BootstrapMixin``): Bootstrap
classes, ``aria-invalid`` on fields in error, and the checks no form may miss —
no control or bidirectional-override characters in text (line breaks only in
multi-line fields), whole numbers that fit the database's columns, and no
silent lost update: an edit form of a saved record carries the values it was
opened on, and a save made after someone else changed the record is refused
with what changed, the person's input kept (see ``EditGuard``). Also the
signed time at which a public form (no account) was shown, which keeps robots
out (``form_token`` / ``form_started``)."""

import time

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ocop.core.text import forbidden_characters
from ocop.core.widgets import speed_up

# The range of a 32-bit integer column, the smallest any of our integer
# columns has: a plain form's whole number outside it is refused as a form
# error instead of overflowing the database driver (OverflowError → 500).
INT_MIN, INT_MAX = -(2**31), 2**31 - 1

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


HUMAN_MIN_SECONDS = 3  # a person takes longer than this to write a public form
HUMAN_MAX_AGE_SECONDS = 24 * 3600  # a form older than a day is sent again
HONEYPOT = "website"


class HumanCheckMixin:
    """The robot checks of a public form without an account: a honeypot field
    left empty and a signed timestamp (``started``) showing the form was open
    long enough for a person, and not for more than a day. The two messages
    name what the form is ("report", "inquiry")."""

    honeypot_message: str  # set by each form
    too_fast_message: str

    def __init__(self, *args, now: float | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = time.time() if now is None else now

    @property
    def fresh_token(self) -> str:
        """The timestamp to render: a refused form can simply be sent again."""
        return form_token(now=self.now)

    def clean(self):
        cleaned = super().clean()
        if self.data.get(HONEYPOT):
            raise forms.ValidationError(self.honeypot_message, code="honeypot")
        started = form_started(self.data.get("started", ""))
        if started is None:
            raise forms.ValidationError(
                _("The form could not be checked. Please send it again."), code="token"
            )
        elapsed = self.now - started
        if elapsed < HUMAN_MIN_SECONDS:
            raise forms.ValidationError(self.too_fast_message, code="too_fast")
        if elapsed > HUMAN_MAX_AGE_SECONDS:
            raise forms.ValidationError(
                _("This form was opened more than a day ago. Please send it again."),
                code="too_old",
            )
        return cleaned


def _single_line(value) -> None:
    _check_characters(value, multiline=False)


def _multi_line(value) -> None:
    _check_characters(value, multiline=True)


def check_characters(value, *, multiline: bool) -> None:
    """Refuse (``ValidationError``) the control and bidirectional-override
    characters of ``value``, line breaks and tabs too unless ``multiline``:
    what the forms check, for text that reaches a domain function otherwise
    (a workflow's reason)."""
    _check_characters(value, multiline=multiline)


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
            speed_up(widget)  # the same HTML, rendered in Python (core/widgets.py)
            self._guard(field)
        self.edit_guard = EditGuard.for_form(self)

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
        if self.edit_guard is not None and self.is_bound:
            self.edit_guard.check(self)
            # The version is the form's own business, not data for the domain.
            getattr(self, "cleaned_data", {}).pop(EditGuard.FIELD, None)
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"


class EditGuard:
    """No silent lost updates on edit forms.

    An edit form of a saved record (a ``ModelForm`` with an instance) gets a
    hidden field, ``opened_as``: the record's values for the form's fields when
    the form was opened, signed. On submit those are compared with the record
    as it is now (loaded by the view for this request, before the form applies
    the input): if someone else saved a change in between, the save is refused
    with a form error naming each field that changed and its new value, the
    person's input is kept on the page, and the form now carries the new
    version, so sending it again deliberately overwrites. A post without the
    field (a script, an old page) is not checked."""

    FIELD = "opened_as"
    SALT = "ocop.core.forms.edit-guard"

    def __init__(self, form, names: list[str]):
        self.names = names
        self.current = self.snapshot(form.instance, names)
        form.fields[self.FIELD] = forms.CharField(
            widget=forms.HiddenInput, required=False, initial=self.token(self.current)
        )

    @classmethod
    def for_form(cls, form):
        instance = getattr(form, "instance", None)
        if instance is None or instance.pk is None or not hasattr(form, "_meta"):
            return None
        concrete = {f.name for f in instance._meta.get_fields() if hasattr(f, "value_from_object")}
        names = [name for name in form.fields if name in concrete]
        return cls(form, names) if names else None

    @staticmethod
    def snapshot(instance, names) -> dict[str, str]:
        values = {}
        for name in names:
            field = instance._meta.get_field(name)
            value = field.value_from_object(instance)
            if field.many_to_many:
                value = sorted(str(getattr(v, "pk", v)) for v in value or [])
            values[name] = str(value if not hasattr(value, "name") else value.name)
        return values

    def token(self, values) -> str:
        return signing.dumps(values, salt=self.SALT, compress=True)

    def check(self, form) -> None:
        submitted = form.data.get(form.add_prefix(self.FIELD))
        if not submitted:
            return
        try:
            opened = signing.loads(submitted, salt=self.SALT)
        except signing.BadSignature:
            opened = {}
        changed = [n for n in self.names if opened.get(n) != self.current.get(n)]
        if not changed:
            return
        shown = []
        for name in changed:
            bound = form[name]
            value = self.current.get(name, "")
            if getattr(form.fields[name], "choices", None) is not None:
                value = self._choice_label(form.fields[name], value)
            shown.append(
                gettext("%(field)s (now: “%(value)s”)")
                % {"field": bound.label, "value": value[:80] or "—"}
            )
        form.add_error(
            None,
            ValidationError(
                _(
                    "While you were editing, someone else saved a change to this record: "
                    "%(fields)s. Your input is kept below and nothing was saved. Check the "
                    "new values; send the form again to save your version over theirs."
                ),
                code="stale",
                params={"fields": "; ".join(shown)},
            ),
        )
        data = form.data.copy()
        data[form.add_prefix(self.FIELD)] = self.token(self.current)
        form.data = data

    @staticmethod
    def _choice_label(field, value: str) -> str:
        if isinstance(field, forms.ModelChoiceField):
            found = field.queryset.filter(pk=value).first() if value.isdigit() else None
            return str(found) if found is not None else value
        for key, label in getattr(field, "choices", []):
            if str(getattr(key, "value", key)) == value:
                return str(label)
        return value
