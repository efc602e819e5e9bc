"""The forms of the registry import pages."""

from django import forms
from django.utils.translation import gettext_lazy

from ocop.core.forms import BootstrapMixin
from ocop.geo.domain.queries import current_provinces
from ocop.registry.domain.fields import FIELDS
from ocop.registry.domain.queries import import_provinces_for


class UploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel list (.xlsx)"),
        help_text=gettext_lazy(
            "A list of products with at least the product name and the subject name; "
            "title rows above the header are skipped."
        ),
    )
    province = forms.ModelChoiceField(
        label=gettext_lazy("Province of the list"),
        queryset=None,
        empty_label=gettext_lazy("Choose the province"),
        help_text=gettext_lazy("Addresses without a province are taken to be in it."),
    )
    apply_valid = forms.BooleanField(
        label=gettext_lazy("Apply the valid rows even if some rows are bad"), required=False
    )
    decision_number = forms.CharField(
        label=gettext_lazy("Recognition decision number (annex)"),
        max_length=100,
        required=False,
        help_text=gettext_lazy(
            "Leave empty when the list's title rows name it (“Kèm theo Quyết định số "
            "1234/QĐ-UBND ngày 15/11/2025…”): it is read from them and shown on the "
            "next page. Rows with a star and no decision of their own get this one."
        ),
    )
    decision_date = forms.DateField(
        label=gettext_lazy("Decision date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("The certificates' validity is counted from it."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["province"]
        # Any 2025 province is accepted here so that a province outside the
        # user's scope is refused by the domain with a clear message; only
        # the user's own provinces are offered.
        field.queryset = current_provinces()
        allowed = list(import_provinces_for(user))
        field.widget.choices = [("", "---------")] + [(p.pk, p.full_name) for p in allowed]
        if len(allowed) == 1:
            field.initial = allowed[0].pk


class MappingForm(BootstrapMixin, forms.Form):
    """A select per unrecognised column: which field it holds, if any."""

    def __init__(self, *args, columns, mapping, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", gettext_lazy("(ignore this column)")), *FIELDS.items()]
        self.unrecognised = []
        for column in columns:
            chosen = mapping.get(str(column.index))
            if column.field and chosen is None:
                continue
            if not column.header and chosen is None:
                continue
            name = f"column_{column.index}"
            self.fields[name] = forms.ChoiceField(
                label=f"{column.letter}: {column.header}",
                choices=choices,
                required=False,
                initial=chosen or "",
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.unrecognised.append((column, self[name]))

    def mapping(self) -> dict[str, str]:
        return {name.removeprefix("column_"): value for name, value in self.cleaned_data.items()}


class ApplyForm(BootstrapMixin, forms.Form):
    apply_valid = forms.BooleanField(
        label=gettext_lazy("Apply the valid rows even if some rows are bad"), required=False
    )


class AnnexForm(BootstrapMixin, forms.Form):
    """The annex's decision on the preview: prefilled from what was read."""

    decision_number = forms.CharField(
        label=gettext_lazy("Recognition decision number"), max_length=100, required=False
    )
    decision_date = forms.DateField(
        label=gettext_lazy("Decision date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
