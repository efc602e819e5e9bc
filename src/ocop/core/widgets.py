"""Django's ``Select`` rendered in Python: the same HTML as its templates.

Django renders a select box through three templates, one of them included
once per option (``select.html``, ``select_option.html``, ``attrs.html``).
On a list page with its filter form (about 80 options) that was a third of
the page's Python time (about 15 ms of the 57 ms of a national product
search: docs/benchmarks.md). ``FastSelect`` builds the same string from the
widget's own public context (``get_context``), escaped as the templates
escape it; ``tests/core/test_widgets.py`` compares it with Django's rendering
of the project's forms, character for character.

``BootstrapMixin`` (``core/forms.py``) gives it to every plain ``Select`` of
the project's forms; a subclass with its own templates keeps Django's. It
does not go through the form renderer: the project sets no ``FORM_RENDERER``
and overrides none of Django's widget templates; one that did would have to
give that widget its own templates.
"""

from django import forms
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime

# The templates FastSelect stands for: a widget that names others keeps them.
TEMPLATES = ("django/forms/widgets/select.html", "django/forms/widgets/select_option.html")


def _shown(value) -> str:
    """``{{ value }}`` in a template: localised (a number, a date), escaped."""
    return conditional_escape(localize(template_localtime(value)))


def _attrs(attrs: dict) -> str:
    """``attrs.html``: `` name="value"``, a bare name for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


class FastSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
            for option in options:
                parts.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                    f"{_attrs(option['attrs'])}>{_shown(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))


def speed_up(widget) -> None:
    """Render ``widget`` with ``FastSelect`` when it is a plain ``Select``
    using Django's own templates (its state is unchanged: same class family,
    no attribute of its own)."""
    if type(widget) is forms.Select and (widget.template_name, widget.option_template_name) == (
        TEMPLATES
    ):
        widget.__class__ = FastSelect
