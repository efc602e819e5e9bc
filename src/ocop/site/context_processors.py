from functools import partial

from ocop.site.navigation import menus_for
from ocop.site.queue import queue_count


def navigation(request):
    """The main navigation for the user's roles, grouped into dropdowns (none
    for anonymous visitors, at no query), and the number of items waiting in
    the person's work queue (counted only when the template asks)."""
    user = getattr(request, "user", None)
    if user is None:
        return {"nav_items": [], "user_menu_items": [], "queue_count": 0}
    bar, own = menus_for(user)
    return {"nav_items": bar, "user_menu_items": own, "queue_count": partial(queue_count, user)}
