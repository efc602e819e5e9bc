"""``core.widgets.FastSelect`` renders a select box exactly as Django's
templates do: each case renders the bound field with FastSelect and again with
Django's own ``Select``, and the two strings must be equal, character for
character (escaping, optgroups, the selected option, boolean attributes,
localised labels, the field in error)."""

import pytest
from django import forms
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ocop.core.forms import BootstrapMixin
from ocop.core.widgets import FastSelect
from ocop.geo.models import AdminUnit
from ocop.products.forms import ProductListFilter
from tests.factories.accounts import user_with_role
from tests.factories.geo import province


class OwnTemplate(forms.Select):
    template_name = "django/forms/widgets/select.html"
    option_template_name = "django/forms/widgets/radio_option.html"


class Sample(BootstrapMixin, forms.Form):
    plain = forms.ChoiceField(
        choices=[("", _("All")), ("a&b", 'Tom & "Jerry" <b>'), ("x'y", "Nước mắm")]
    )
    grouped = forms.ChoiceField(
        required=False,
        choices=[
            ("", "—"),
            ("Thực phẩm & đồ uống", [("1", "Nước mắm"), ("2", "Mật ong")]),
            (_("Handicrafts"), [("3", "Mây tre <đan>")]),
            ("4", "Khác"),
        ],
    )
    numbers = forms.TypedChoiceField(
        coerce=int, required=False, choices=[(2025, 2025), (1234567, 1234567), (3, "3★")]
    )
    unit = forms.ModelChoiceField(queryset=AdminUnit.objects.none(), required=False)
    locked = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], disabled=True, required=False)
    own = forms.ChoiceField(choices=[("a", "A")], widget=OwnTemplate, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units
        self.fields["grouped"].widget.attrs.update(
            {"data-x": 'a"b', "autofocus": True, "hidden": False}
        )


def _both(bound_field) -> tuple[str, str]:
    """The field rendered with its widget as the form has it, then with
    Django's own Select (same instance, same attributes)."""
    widget = bound_field.field.widget
    ours = str(bound_field)
    kept = widget.__class__
    widget.__class__ = forms.Select
    try:
        django = str(bound_field)
    finally:
        widget.__class__ = kept
    return ours, django


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("thousands", [False, True])
@pytest.mark.parametrize(
    "data",
    [
        None,
        {"plain": "a&b", "grouped": "3", "numbers": "1234567", "locked": "b"},
        {"plain": "nothing-such", "grouped": "9", "numbers": "x"},  # errors: aria-invalid
    ],
)
def test_same_html_as_django_templates(language, thousands, data):
    units = AdminUnit.objects.filter(pk=province("38").pk)
    if data is not None:
        data = {**data, "unit": str(units[0].pk)}
    with translation.override(language), override_settings(USE_THOUSAND_SEPARATOR=thousands):
        form = Sample(data, units=units)
        form.is_valid()
        compared = 0
        for name in ("plain", "grouped", "numbers", "unit", "locked"):
            assert isinstance(form.fields[name].widget, FastSelect), name
            ours, django = _both(form[name])
            assert ours == django, name
            compared += 1
        assert compared == 5
        if data and data["plain"] == "nothing-such":
            assert 'aria-invalid="true"' in str(form["plain"])
        if data and data["grouped"] == "3":
            assert '<option value="3" selected>Mây tre &lt;đan&gt;</option>' in str(form["grouped"])


@pytest.mark.django_db
def test_a_widget_with_its_own_templates_keeps_them():
    form = Sample()
    assert type(form.fields["own"].widget) is OwnTemplate
    assert (
        type(Sample.base_fields["plain"].widget) is forms.Select
    )  # the class's own field untouched


@pytest.mark.django_db
def test_the_product_list_filter_renders_as_before():
    """A real filter form of the platform, bound to a choice in each box."""
    officer = user_with_role("central_officer")
    thanh_hoa = province("38")
    form = ProductListFilter(
        {"province": str(thanh_hoa.pk), "star": "4", "sort": "-star"}, user=officer
    )
    assert form.is_valid(), form.errors
    selects = [bf for bf in form if isinstance(bf.field.widget, FastSelect)]
    assert {bf.name for bf in selects} >= {
        "province",
        "group",
        "category",
        "star",
        "status",
        "sort",
    }
    for bound_field in selects:
        ours, django = _both(bound_field)
        assert ours == django, bound_field.name
    assert f'<option value="{thanh_hoa.pk}" selected>' in str(form["province"])
