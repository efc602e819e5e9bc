from functools import partial

from django.conf import settings

from ocop.core.domain.notify import unread_count


def ocop(request):
    """Values every page needs: the site's address and the number of unread
    notifications (counted only when a template asks, and never for anonymous
    visitors). The navigation comes from ``ocop.site.context_processors``."""
    user = getattr(request, "user", None)
    return {
        "SITE_URL": settings.SITE_URL,
        "inbox_unread": partial(unread_count, user),
    }
