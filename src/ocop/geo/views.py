from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ocop.geo.domain.queries import search_units
from ocop.geo.enums import Era, Level


def render_unit_search(request, *, province_ids=None):
    """The unit picker's results for ``?q=…&era=…&target=…``, limited to the
    units of ``province_ids`` when given (an app above ``geo`` decides them)."""
    query = request.GET.get("q", "")[:100]
    era = Era.LEGACY if request.GET.get("era") == "legacy" else Era.CURRENT
    levels = (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)
    units = search_units(query, levels=levels, era=era, province_ids=province_ids)
    target = request.GET.get("target", "")[:60]
    return render(
        request,
        "geo/unit_search_results.html",
        {"units": units, "query": query, "target": target},
    )


@require_safe
@login_not_required
def unit_search(request):
    """Public: administrative units are public reference data."""
    return render_unit_search(request)
