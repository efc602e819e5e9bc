"""Thin views: what waits for the signed-in person, and overdue items."""

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from ocop.accounts.rules import is_officer
from ocop.core.pagination import CappedPaginator

from .domain import queries

PER_PAGE = 50


def _url_exists(name: str) -> bool:
    try:
        reverse(name, args=[0])
    except NoReverseMatch:
        return False
    return True


@require_safe
def my_tasks(request):
    tasks = queries.my_tasks(request.user)
    officer = is_officer(request.user)
    context = {
        "dossiers": CappedPaginator(tasks["dossiers"], PER_PAGE).get_page(request.GET.get("page")),
        "ideas": CappedPaginator(tasks["ideas"], PER_PAGE).get_page(request.GET.get("ideas_page")),
        "idea_links": _url_exists("cycles:idea"),
        "officer": officer,
        "overdue": list(queries.overdue_by_commune(request.user)) if officer else [],
        "today": timezone.localdate(),
        "nav_active": "tasks",
    }
    return render(request, "cycles/tasks.html", context)
