"""The what-if of a rule change (central office): how many stored results a
scratch copy of the ranking rules would re-rank. A GET form: nothing is
written."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from ocop.criteria.domain.queries import bands_for
from ocop.criteria.models import LegalBasis

from .domain import whatif
from .forms_whatif import WhatIfForm, initial_for
from .rules import can_run_what_if


def _basis_in_force(today):
    return (
        whatif.bases_with_bands()
        .filter(effective_from__lte=today)
        .order_by("-effective_from")
        .first()
    )


@require_safe
def what_if(request):
    if not can_run_what_if(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    report = too_many = None
    counted = 0
    if "load" in request.GET or not request.GET:
        # Start (again) from the rules of a legal basis.
        basis = None
        if request.GET.get("rules_of", "").isdigit():
            basis = LegalBasis.objects.filter(pk=request.GET["rules_of"]).first()
        basis = basis or _basis_in_force(today)
        initial = initial_for(basis, bands_for(basis) if basis else [], today=today)
        data = request.GET.copy()
        for key, value in initial.items():
            if (
                key.startswith("band_")
                or key in ("min_recognised_star", "rules_of")
                or key not in data
            ):
                data[key] = value
        form = WhatIfForm(data) if request.GET else WhatIfForm(initial=initial)
        if request.GET:
            form.is_valid()  # shows the loaded rules; nothing is run
    else:
        form = WhatIfForm(request.GET)
        if form.is_valid():
            data = form.cleaned_data
            period = whatif.Period(
                start=data["start"],
                end=data["end"],
                province_id=data["province"].pk if data["province"] else None,
                basis_id=data["scored_on"].pk if data["scored_on"] else None,
            )
            counted = whatif.count_results(period)
            if counted > settings.OCOP_WHATIF_MAX_RESULTS:
                too_many = settings.OCOP_WHATIF_MAX_RESULTS
            else:
                report = whatif.run(period, form.scenario())
    context = {
        "form": form,
        "report": report,
        "counted": counted,
        "too_many": too_many,
        "nav_active": "evaluation",
    }
    return render(request, "evaluation/what_if.html", context)
