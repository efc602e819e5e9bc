from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ocop.core.domain.inbox import mark_all_read, notifications_for


@require_safe
def inbox(request):
    """The signed-in person's notifications, newest first."""
    page = Paginator(notifications_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "core/inbox.html", {"page": page, "nav_active": "inbox"})


@require_POST
def inbox_mark_read(request):
    count = mark_all_read(by=request.user)
    if count:
        messages.success(request, _("All notifications marked as read."))
    return redirect("core:inbox")


@require_safe
@login_not_required
def healthz(request):
    from django.db import connection  # noqa: PLC0415 -- leaf
    from django.http import JsonResponse  # noqa: PLC0415 -- leaf

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def error_400(request, exception=None):
    return render(request, "400.html", status=400)


def error_403(request, exception=None):
    message = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"message": message}, status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    """Rendered without the request's context processors: whatever broke the
    page (the database, say) must not break the error page too."""
    return HttpResponseServerError(loader.get_template("500.html").render())
