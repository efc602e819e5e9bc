"""Public, read-only pages served through a shorter middleware stack.

The public verification page (``/s/…``, ``/c/…``, ``/01/…``) is what every
scanned stamp opens: the site's hottest page, for anonymous phones. It uses
no session, no signed-in user, no form, no message, no HTMX and no static
file, so the middleware that serve those only cost it time. A view marked
``@lean_public`` (public: ``login_not_required``) under one of the
``OCOP_LEAN_PREFIXES`` is answered, for GET, HEAD and OPTIONS, through the
project's own ``MIDDLEWARE`` minus ``OCOP_LEAN_SKIPPED_MIDDLEWARE`` — the way
WhiteNoise answers static files before the rest of the stack. Everything
else (other methods, other views, other paths) goes through the whole stack.

What the page's answer carries from the kept middleware (security headers,
CSP, X-Frame-Options, the language and its ``Content-Language``/``Vary``, the
"database busy" answer) is unchanged: ``tests/core/test_lean.py`` compares
the answers of both stacks, header by header.
"""

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.urls import Resolver404, resolve
from django.utils.module_loading import import_string

THIS = "ocop.core.lean.LeanPublicPagesMiddleware"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def lean_public(view):
    """Mark a public view (already ``login_not_required``) that needs no
    session, user, CSRF token or message, to be served through the lean
    stack. Apply it outermost."""
    if getattr(view, "login_required", True) is not False:
        raise ValueError(f"{view.__qualname__}: only a public view (login_not_required) is lean")
    view.lean_public = True
    return view


def lean_middleware() -> list[str]:
    """The middleware a lean page goes through, in the project's order."""
    skipped = set(settings.OCOP_LEAN_SKIPPED_MIDDLEWARE) | {THIS}
    return [path for path in settings.MIDDLEWARE if path not in skipped]


class LeanHandler(BaseHandler):
    """Django's request handler over ``lean_middleware()`` (synchronous, as
    the WSGI server is); the view is the one already resolved."""

    def load_middleware(self, is_async=False):
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        handler = convert_exception_to_response(self._get_response)
        for path in reversed(lean_middleware()):
            try:
                instance = import_string(path)(handler)
            except MiddlewareNotUsed:
                continue
            if hasattr(instance, "process_view"):
                self._view_middleware.insert(0, instance.process_view)
            if hasattr(instance, "process_template_response"):
                self._template_response_middleware.append(instance.process_template_response)
            if hasattr(instance, "process_exception"):
                self._exception_middleware.append(instance.process_exception)
            handler = convert_exception_to_response(instance)
        self._middleware_chain = handler

    def resolve_request(self, request):
        return request.resolver_match


def lean_match(path: str):
    """The URL match of ``path`` when its view is lean, else None."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    func = match.func
    if getattr(func, "lean_public", False) and getattr(func, "login_required", True) is False:
        return match
    return None


class LeanPublicPagesMiddleware:
    """First in ``MIDDLEWARE``: hands a lean page to the lean stack."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(settings.OCOP_LEAN_PREFIXES)
        self.lean = LeanHandler()
        self.lean.load_middleware()

    def __call__(self, request):
        if request.method in SAFE_METHODS and request.path_info.startswith(self.prefixes):
            match = lean_match(request.path_info)
            if match is not None:
                request.resolver_match = match
                return self.lean.get_response(request)
        return self.get_response(request)
