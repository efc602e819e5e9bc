"""The home page, the work queue and the user guides (the dashboards are in ``dashboards.py``)."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from ocop.accounts.rules import is_officer, scope_for
from ocop.cycles.domain.queries import overdue_by_commune
from ocop.portal import views as portal_views
from ocop.site.guides import GUIDE_BY_SLUG, GUIDES, guides_for_roles, render_guide
from ocop.site.queue import queue_count, sections_for


@require_safe
@login_not_required
def home(request):
    """The home page: the public catalogue's home for visitors (``portal``),
    a signed-in person's home is their work queue."""
    if not request.user.is_authenticated:
        return portal_views.home(request)
    return redirect("site:queue")


@require_safe
def queue(request):
    """ "Việc của tôi": everything waiting for the signed-in person, by kind,
    oldest first (each kind paged by its own ``<kind>-page`` parameter)."""
    pages = {
        key[: -len("-page")]: value for key, value in request.GET.items() if key.endswith("-page")
    }
    sections = sections_for(request.user, pages=pages)
    for section in sections:
        section.links = _page_links(request, f"{section.kind}-page", section.page)
    officer = is_officer(request.user)
    context = {
        "sections": sections,
        "total": sum(s.count for s in sections),
        "queue_total": sum(s.count for s in sections),  # the navigation's badge
        "overdue": list(overdue_by_commune(request.user)) if officer else [],
        "officer": officer,
        "nav_active": "tasks",
    }
    return render(request, "site/queue.html", context)


@require_safe
def queue_badge(request):
    """The navigation's count of the work queue, fetched after the page loads."""
    return render(request, "site/_queue_badge.html", {"waiting": queue_count(request.user)})


def _page_links(request, name: str, page) -> dict:
    """The query strings of the previous and next pages of one kind."""
    links = {}
    for key, number in (
        ("previous", page.previous_page_number() if page.has_previous() else None),
        ("next", page.next_page_number() if page.has_next() else None),
    ):
        if number is not None:
            query = request.GET.copy()
            query[name] = number
            links[key] = "?" + query.urlencode()
    return links


@require_safe
@login_not_required
def guides(request):
    """The list of user guides, the signed-in person's own first."""
    roles = scope_for(request.user).roles if request.user.is_authenticated else set()
    mine = guides_for_roles(roles)
    context = {"mine": mine, "others": [g for g in GUIDES if g not in mine]}
    return render(request, "site/guides.html", context)


@require_safe
@login_not_required
def guide(request, slug):
    """One user guide rendered from its Markdown file (public: the guides
    describe the platform, they hold no data)."""
    rendered = render_guide(slug)
    if rendered is None:
        raise Http404
    # core.markdown escapes every text of the file before adding its markup.
    body = mark_safe(rendered.html)
    context = {"guide": GUIDE_BY_SLUG[slug], "rendered": rendered, "body": body}
    return render(request, "site/guide.html", context)
