from functools import partial

from django.conf import settings

from ocop.core.domain.notify import unread_count


def ocop(request):
    """Values every page needs: the navigation for the user's roles and the
    number of unread notifications (counted only when a template asks, and
    never for anonymous visitors)."""
    from ocop.core.navigation import navigation_for  # noqa: PLC0415 -- circular import

    user = getattr(request, "user", None)
    return {
        "SITE_URL": settings.SITE_URL,
        "nav_items": navigation_for(user) if user is not None else [],
        "inbox_unread": partial(unread_count, user),
    }
