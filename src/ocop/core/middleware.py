"""Project middleware."""

import logging

from django.db import OperationalError
from django.shortcuts import render
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)


class VietnameseFirstMiddleware:
    """Serve Vietnamese unless the person chose English with the language switch.

    Django's LocaleMiddleware would otherwise follow the browser's
    Accept-Language header, and many officials' browsers and phones are set to
    English. The choice is kept in the language cookie (``set_language``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Pages served to a signed-in person are theirs alone: ``Cache-Control:
    private, no-store`` unless the view set its own caching, so that neither a
    shared proxy nor the browser's history keeps a back-office page or a
    private file. Public pages for anonymous visitors are left as they are."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response


class BusyDatabaseMiddleware:
    """A write that still finds the database locked after the busy timeout
    (SQLite under a crowd) answers a polite "busy, try again" page with HTTP
    503 and ``Retry-After``, never a 500: the transaction was rolled back, so
    nothing half-saved stays behind, and the person can send the form again."""

    RETRY_AFTER_SECONDS = 5

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_lock_timeout(exception):
            return None
        logger.warning("database busy (%s) on %s %s", exception, request.method, request.path)
        response = render(request, "busy.html", status=503)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        patch_cache_control(response, no_store=True)
        return response


def is_lock_timeout(exception: BaseException) -> bool:
    """Whether an error is the database's lock timeout: SQLite's "database is
    locked"/"database table is locked", PostgreSQL's lock_timeout (55P03)."""
    if not isinstance(exception, OperationalError):
        return False
    cause = exception.__cause__ or exception
    if getattr(cause, "sqlstate", None) == "55P03" or getattr(cause, "pgcode", None) == "55P03":
        return True
    return "database is locked" in str(exception) or "database table is locked" in str(exception)
