"""The what-if form: a period, the results to look at, and a scratch copy of
the ranking rules (bands, lowest recognised star, mandatory conditions)."""

from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop.core.forms import BootstrapMixin
from ocop.criteria import engine, whatif
from ocop.criteria.models import LegalBasis
from ocop.geo.models import AdminUnit

STARS = (1, 2, 3, 4, 5)


def _band(star: int) -> forms.DecimalField:
    return forms.DecimalField(
        label=_("%(star)s★ from (points)") % {"star": star},
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
    )


class WhatIfForm(BootstrapMixin, forms.Form):
    start = forms.DateField(
        label=_("Sessions from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("Sessions until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    province = forms.ModelChoiceField(
        label=_("Province"),
        queryset=AdminUnit.objects.filter(era="2025", level="province").order_by("name"),
        required=False,
        empty_label=_("Whole country"),
    )
    scored_on = forms.ModelChoiceField(
        label=_("Results scored on the sheets of"),
        queryset=LegalBasis.objects.order_by("effective_from"),
        required=False,
        empty_label=_("Any legal basis"),
    )
    rules_of = forms.ModelChoiceField(
        label=_("Start from the rules of"),
        queryset=LegalBasis.objects.filter(bands__isnull=False)
        .distinct()
        .order_by("effective_from"),
        help_text=_(
            "Fills in the bands and the lowest recognised star below. Decision 1489/QĐ-TTg "
            "changes the levels that evaluate, not the bands: its results are ranked on the "
            "bands of Decision 148/QĐ-TTg."
        ),
    )
    min_recognised_star = forms.TypedChoiceField(
        label=_("Lowest recognised star"), choices=[(s, f"{s}★") for s in STARS], coerce=int
    )
    dropped_levels = forms.TypedMultipleChoiceField(
        label=_("Mandatory conditions that no longer apply"),
        choices=[(s, _("those of %(star)s★") % {"star": s}) for s in (3, 4, 5)],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    condition_stars = forms.CharField(
        label=_("Move mandatory conditions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line: the condition's code, “=”, and the star level it now belongs to, "
            "or “-” when it is no longer mandatory (e.g. “M4-1=5”)."
        ),
    )

    band_1 = _band(1)
    band_2 = _band(2)
    band_3 = _band(3)
    band_4 = _band(4)
    band_5 = _band(5)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dropped_levels"].widget.attrs["class"] = "form-check-input"

    def band_fields(self):
        return [self[f"band_{star}"] for star in STARS]

    def clean_condition_stars(self) -> dict[str, int | None]:
        moved: dict[str, int | None] = {}
        for number, line in enumerate(self.cleaned_data["condition_stars"].splitlines(), 1):
            line = line.strip()
            if not line:
                continue
            code, sep, target = line.rpartition("=")
            code, target = code.strip(), target.strip()
            if not sep or not code or target not in {"-", *(str(s) for s in STARS)}:
                raise forms.ValidationError(
                    _(
                        "Line %(n)s: write the condition's code, “=”, and a star from 1 to 5 "
                        "or “-” (e.g. “M4-1=5”)."
                    )
                    % {"n": number}
                )
            moved[code] = None if target == "-" else int(target)
        return moved

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period is before its start."))
        minimums = [data.get(f"band_{star}") for star in STARS]
        if all(m is not None for m in minimums) and minimums != sorted(set(minimums)):
            raise forms.ValidationError(
                _("Each star must start above the star below it (1★ < 2★ < … < 5★).")
            )
        return data

    def scenario(self) -> whatif.Scenario:
        data = self.cleaned_data
        minimums = [data[f"band_{star}"] for star in STARS]
        bands = tuple(
            engine.Band(star=star, min_score=low, max_score=minimums[i + 1] if i < 4 else None)
            for i, (star, low) in enumerate(zip(STARS, minimums, strict=True))
        )
        return whatif.Scenario(
            bands=bands,
            min_recognised_star=data["min_recognised_star"],
            dropped_levels=frozenset(data["dropped_levels"]),
            condition_stars=data["condition_stars"],
        )


def initial_for(basis: LegalBasis | None, bands, *, today: date) -> dict:
    """The form's first values: this year so far, the rules of ``basis``."""
    initial = {"start": date(today.year - 1, 1, 1), "end": today}
    if basis is not None:
        initial["rules_of"] = basis.pk
        initial["min_recognised_star"] = basis.min_recognised_star
        for band in bands:
            initial[f"band_{band.star}"] = band.min_score
    return initial
