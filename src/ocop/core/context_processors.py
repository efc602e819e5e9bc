from django.conf import settings


def ocop(request):
    """Values every page needs: the navigation for the user's roles."""
    from ocop.core.navigation import navigation_for  # noqa: PLC0415 -- circular import

    user = getattr(request, "user", None)
    return {
        "SITE_URL": settings.SITE_URL,
        "nav_items": navigation_for(user) if user is not None else [],
    }
