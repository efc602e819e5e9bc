from ocop.site.navigation import menus_for


def navigation(request):
    """The main navigation for the user's roles, grouped into dropdowns (none
    for anonymous visitors, at no query). The work queue's count is fetched by
    the page itself (``views.queue_badge``)."""
    user = getattr(request, "user", None)
    if user is None:
        return {"nav_items": [], "user_menu_items": []}
    bar, own = menus_for(user)
    return {"nav_items": bar, "user_menu_items": own}
