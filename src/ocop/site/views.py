"""The home page and the signed-in person's overview."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from ocop.accounts.domain.queries import active_assignments
from ocop.portal import views as portal_views
from ocop.producers.domain.queries import subjects_visible_to
from ocop.products.domain.queries import count_by_status, products_visible_to
from ocop.products.enums import OcopStatus


@require_safe
@login_not_required
def home(request):
    """The home page: the public catalogue's home for visitors (``portal``),
    the way into the back office for a signed-in person."""
    if not request.user.is_authenticated:
        return portal_views.home(request)
    return render(request, "site/home.html")


@require_safe
def dashboard(request):
    """The signed-in person's overview: their roles and what they can reach."""
    products = products_visible_to(request.user)
    # Shown status: a certified product past its validity counts as expired.
    counts = {
        row["shown_status"]: row["n"]
        for row in count_by_status(products, today=timezone.localdate())
    }
    context = {
        "assignments": active_assignments(request.user),
        "subject_count": subjects_visible_to(request.user).count(),
        "product_count": products.count(),
        "products_by_status": [
            (status.value, status.label, counts.get(status.value, 0)) for status in OcopStatus
        ],
    }
    return render(request, "site/dashboard.html", context)
