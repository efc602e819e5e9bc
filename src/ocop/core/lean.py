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
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.core.exceptions import MiddlewareNotUsed
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.middleware.csp import ContentSecurityPolicyMiddleware, get_nonce
from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.csp import CSP, build_policy
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
    """The middleware a lean page goes through, in the project's order (a
    middleware with a lean variant, ``LEAN_VARIANTS``, replaced by it)."""
    skipped = set(settings.OCOP_LEAN_SKIPPED_MIDDLEWARE) | {THIS}
    return [LEAN_VARIANTS.get(path, path) for path in settings.MIDDLEWARE if path not in skipped]


class LeanLocaleMiddleware(LocaleMiddleware):
    """Django's ``LocaleMiddleware`` for the lean pages, without its per-request
    look for a language in the path when the URLconf has no
    ``i18n_patterns`` (this project's): the language of the cookie, else the
    default, as ``get_language_from_request`` decides it; ``Vary`` and
    ``Content-Language`` as Django sets them. With ``i18n_patterns`` (or a
    per-request URLconf) it is Django's own."""

    def __init__(self, get_response):
        super().__init__(get_response)
        self.prefixed = is_language_prefix_patterns_used(settings.ROOT_URLCONF)[0]

    def process_request(self, request):
        if self.prefixed or hasattr(request, "urlconf"):
            return super().process_request(request)
        translation.activate(translation.get_language_from_request(request, check_path=False))
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def process_response(self, request, response):
        if self.prefixed or hasattr(request, "urlconf"):
            return super().process_response(request, response)
        vary = response.get("Vary", "")
        if not vary:  # what patch_vary_headers gives, without its parsing
            response.headers["Vary"] = "Accept-Language"
        elif "accept-language" not in vary.lower():
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


_NONCE_SLOT = "\ue000nonce\ue000"
_POLICIES: dict[int, tuple[object, str, str]] = {}


@receiver(setting_changed)
def _forget_policies(*, setting, **_kwargs):
    if setting in ("SECURE_CSP", "SECURE_CSP_REPORT_ONLY"):
        _POLICIES.clear()


def _policy(config, nonce) -> str:
    """``build_policy(config, nonce)``, built once per configuration with a
    slot for the nonce (the configuration is a setting: fixed while the
    process runs, and forgotten when a test changes it)."""
    kept = _POLICIES.get(id(config))
    if kept is None or kept[0] is not config:
        kept = (config, build_policy(config, _NONCE_SLOT), build_policy(config, None))
        _POLICIES[id(config)] = kept
    if nonce:
        return kept[1].replace(_NONCE_SLOT, str(nonce))
    return kept[2]


class LeanContentSecurityPolicyMiddleware(ContentSecurityPolicyMiddleware):
    """Django's CSP middleware for the lean pages with the policy built once
    per configuration (``_policy``) instead of on every answer. A view that
    sets its own policy (``_csp_config``) gets Django's own handling."""

    def process_response(self, request, response):
        if hasattr(response, "_csp_config") or hasattr(response, "_csp_ro_config"):
            return super().process_response(request, response)
        nonce = get_nonce(request)
        for header, config in (
            (CSP.HEADER_ENFORCE, settings.SECURE_CSP),
            (CSP.HEADER_REPORT_ONLY, settings.SECURE_CSP_REPORT_ONLY),
        ):
            if config and header not in response:
                response.headers[str(header)] = _policy(config, nonce)
        return response


LEAN_VARIANTS = {
    "django.middleware.locale.LocaleMiddleware": "ocop.core.lean.LeanLocaleMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware": (
        "ocop.core.lean.LeanContentSecurityPolicyMiddleware"
    ),
}


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
