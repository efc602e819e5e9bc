from ocop.site.navigation import menu_for


def navigation(request):
    """The main navigation for the user's roles, grouped into dropdowns (none
    for anonymous visitors, at no query)."""
    user = getattr(request, "user", None)
    return {"nav_items": menu_for(user) if user is not None else []}
