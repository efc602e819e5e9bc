"""Bad input is a form error, never a 500 and never silently changed: a unit id
that is not a number, a whole number beyond the column, control characters
and bidirectional overrides in text."""

import pytest
from django import forms

from ocop.core.forms import INT_MAX, BootstrapMixin
from ocop.core.text import forbidden_characters
from ocop.cycles.forms_ideas import IdeaFilterForm
from ocop.events.forms_activities import ActivityFilterForm
from ocop.events.forms_reports import DistributionForm
from ocop.producers.forms import SubjectFilterForm, SubjectForm

pytestmark = pytest.mark.django_db

LIST_FILTERS = [
    ("/subjects/?commune=abc", "commune"),
    ("/cycle/ideas/?commune=abc", "commune"),
    ("/events/?unit=abc", "unit"),
    ("/products/?commune=abc", "commune"),
    ("/certification/?commune=abc", "commune"),
    ("/products/?commune=-1", "commune"),
    ("/subjects/?commune=9999999999999999999999", "commune"),
]


@pytest.mark.parametrize(("url", "field"), LIST_FILTERS)
def test_a_list_filter_with_a_unit_that_is_not_a_number_answers_the_page(
    client, province_officer, url, field
):
    client.force_login(province_officer)
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == 200, url


def _build(form_class, data, user):
    if form_class in (IdeaFilterForm, ActivityFilterForm, SubjectFilterForm):
        return form_class(data=data, user=user)
    return form_class(data=data)


@pytest.mark.parametrize(
    ("form_class", "field"),
    [
        (SubjectForm, "commune"),
        (SubjectFilterForm, "commune"),
        (IdeaFilterForm, "commune"),
        (ActivityFilterForm, "unit"),
    ],
)
def test_a_form_redisplays_a_unit_that_is_not_a_number_as_an_error(
    form_class, field, province_officer
):
    form = _build(form_class, {field: "abc"}, province_officer)
    form.is_valid()
    html = str(form[field])  # rendering the unit picker used to raise ValueError
    assert 'value="abc"' in html or "abc" not in html
    if field in form.errors:
        assert form.errors[field]


def test_a_quantity_beyond_the_column_is_a_form_error(province_officer):
    form = DistributionForm(data={"quantity": str(10**30)}, user=province_officer)
    assert not form.is_valid()
    assert "quantity" in form.errors
    form = DistributionForm(data={"quantity": str(INT_MAX)}, user=province_officer)
    form.is_valid()
    assert "quantity" not in form.errors


class _Probe(BootstrapMixin, forms.Form):
    name = forms.CharField()
    note = forms.CharField(widget=forms.Textarea, required=False)
    count = forms.IntegerField(required=False)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("HTX Đồng\nTâm", "một dòng"),
        ("HTX Đồng\rTâm", "một dòng"),
        ("Tem\u202egpj.exe", "U+202E"),
        ("Mật ong\x07", "U+0007"),
        ("Nhãn\u2066ẩn", "U+2066"),
    ],
)
def test_control_characters_in_a_single_line_field_are_refused_not_stripped(name, message):
    form = _Probe(data={"name": name})
    assert not form.is_valid()
    assert message in str(form.errors["name"])
    assert form.fields["name"].widget.attrs["aria-invalid"] == "true"


def test_a_multi_line_field_keeps_line_breaks_and_tabs_but_not_other_controls():
    form = _Probe(data={"name": "HTX Đồng Tâm", "note": "Dòng 1\r\nDòng 2\tcột"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["note"] == "Dòng 1\r\nDòng 2\tcột"
    form = _Probe(data={"name": "HTX Đồng Tâm", "note": "Dòng 1\u202e"})
    assert not form.is_valid()
    assert "U+202E" in str(form.errors["note"])


def test_a_plain_whole_number_has_the_column_range():
    assert not _Probe(data={"name": "x", "count": str(2**31)}).is_valid()
    assert not _Probe(data={"name": "x", "count": str(-(2**31) - 1)}).is_valid()
    assert _Probe(data={"name": "x", "count": str(2**31 - 1)}).is_valid()


def test_forbidden_characters_names_each_once_in_order():
    assert forbidden_characters("a\u202eb\u202e\x00") == ["U+202E", "U+0000"]
    assert forbidden_characters("a\nb", multiline=True) == []
    assert forbidden_characters("Nước mắm Phú Quốc – 100% “cá cơm”") == []


@pytest.mark.parametrize("value", ["abc", "-1", "0", "1e5", "9" * 30, "12 ", "", None, ["1", "2"]])
def test_the_unit_picker_renders_any_submitted_value(value):
    """Every form with a unit (subjects, products, certificates, ideas,
    activities, councils, accounts, targets, points of sale) uses this widget:
    whatever was posted, it renders, and no unit is made up."""
    from ocop.geo.widgets import UnitPickerWidget, unit_id

    html = UnitPickerWidget().render("commune", value)
    assert 'name="commune"' in html
    assert unit_id(value) in (None, 12)
