"""The home page and the user guides (the dashboards are in ``dashboards.py``)."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from ocop.accounts.rules import scope_for
from ocop.portal import views as portal_views
from ocop.site.guides import GUIDE_BY_SLUG, GUIDES, guides_for_roles, render_guide


@require_safe
@login_not_required
def home(request):
    """The home page: the public catalogue's home for visitors (``portal``),
    the way into the back office for a signed-in person."""
    if not request.user.is_authenticated:
        return portal_views.home(request)
    return render(request, "site/home.html")


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
