from ocop.site.navigation import navigation_for


def navigation(request):
    """The main navigation for the user's roles (none for anonymous visitors,
    at no query)."""
    user = getattr(request, "user", None)
    return {"nav_items": navigation_for(user) if user is not None else []}
