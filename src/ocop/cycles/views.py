"""Thin views over ``ocop.cycles.domain``."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from ocop.core.domain.activity import history_for

from .domain import checks, queries, workflow


def dossier_detail(request, pk: int):
    dossier = get_object_or_404(queries.dossiers_visible_to(request.user), pk=pk)
    today = timezone.localdate()
    return render(
        request,
        "cycles/dossier_detail.html",
        {
            "dossier": dossier,
            "checklist": checks.checklist(dossier, today=today),
            "actions": workflow.available(request.user, dossier),
            "versions": dossier.versions.all(),
            "history": history_for(dossier)[:50],
            "nav_active": "dossiers",
        },
    )
