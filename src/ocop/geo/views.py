from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ocop.accounts.enums import Role
from ocop.accounts.rules import scope_for
from ocop.geo.domain.queries import search_units
from ocop.geo.enums import Era, Level


@require_safe
@login_not_required
def unit_search(request):
    """Public: administrative units are public reference data."""
    query = request.GET.get("q", "")[:100]
    province_ids = None
    if request.GET.get("scope") == "admin":
        scope = scope_for(request.user)
        if not scope.is_national((Role.CENTRAL_ADMIN,)):
            province_ids = sorted(scope.province_ids((Role.PROVINCE_ADMIN,)))
    era = Era.LEGACY if request.GET.get("era") == "legacy" else Era.CURRENT
    levels = (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)
    units = search_units(query, levels=levels, era=era, province_ids=province_ids)
    target = request.GET.get("target", "")[:60]
    return render(
        request,
        "geo/unit_search_results.html",
        {"units": units, "query": query, "target": target},
    )
