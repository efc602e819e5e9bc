"""What every answer of the API gets, around django-ninja's views
(``urls.py`` wraps each URL pattern's view with ``api_view``):

* a limit per client and minute (``OCOP_API_PUBLIC_RATE_LIMIT`` per address
  for public calls, ``OCOP_API_TOKEN_RATE_LIMIT`` per token for calls with a
  token): 429 in the one error shape, with ``Retry-After``;
* for GET/HEAD answers 200: an ``ETag`` (a hash of the body) and conditional
  requests (``If-None-Match`` → 304 Not Modified; ``If-Modified-Since`` when
  the operation set ``Last-Modified``); public answers may be kept 60 s by
  shared caches and are open to every origin (CORS, GET only); answers to a
  token are private and never stored;
* HEAD wherever GET; 405 (a wrong method) in the one error shape, with ``Allow``;
* the record of the call of a token (``accounts.domain.api_tokens.record_use``).
"""

import hashlib
import re
from functools import cache, wraps

from django.conf import settings
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import parse_http_date_safe
from django.utils.translation import gettext as _

from ocop.accounts.domain.api_tokens import record_use
from ocop.accounts.tokens import hash_token
from ocop.core.clients import client_key
from ocop.core.ratelimit import allow

from .errors import json_error

WINDOW = 60
PUBLIC_CACHE_SECONDS = 60


def _limited(request) -> bool:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        key = "api-token:" + hash_token(header[7:].strip())[:32]
        limit = settings.OCOP_API_TOKEN_RATE_LIMIT
    else:
        key = "api:" + client_key(request)
        limit = settings.OCOP_API_PUBLIC_RATE_LIMIT
    return not allow(key, limit=limit, window=WINDOW)


def _conditional(request, response):
    if not response.has_header("ETag"):
        response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    last_modified = response.get("Last-Modified")
    timestamp = parse_http_date_safe(last_modified) if last_modified else None
    return get_conditional_response(
        request, etag=response["ETag"], last_modified=timestamp, response=response
    )


ROUTE_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


@cache
def _query_names(api) -> dict[tuple[str, str], frozenset[str]]:
    """(path template, method) → the query parameters the operation declares."""
    schema = api.get_openapi_schema()
    return {
        (path, method): frozenset(
            p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"
        )
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }


def _unknown_parameters(request, api) -> list[str]:
    match = request.resolver_match
    if match is None or api is None:
        return []
    path = "/" + ROUTE_PARAMETER.sub(r"{\1}", match.route)
    method = "get" if request.method == "HEAD" else request.method.lower()
    declared = _query_names(api).get((path, method))
    if declared is None:
        return []
    return sorted(name for name in request.GET if name not in declared)


def api_view(view, api=None):
    """Wrap one view of the API (see the module's docstring)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        unknown = _unknown_parameters(request, api)
        if unknown:
            return json_error(
                422,
                _("Unknown query parameter: %(names)s.") % {"names": ", ".join(unknown)[:200]},
                [
                    {"loc": ["query", name[:50]], "msg": "unknown", "type": "extra_forbidden"}
                    for name in unknown[:20]
                ],
            )
        if _limited(request):
            return json_error(
                429,
                _("Too many requests: wait a minute and try again."),
                Retry_After=str(WINDOW),
            )
        head = request.method == "HEAD"
        if head:  # HEAD answers wherever GET does (the server drops the body)
            request.method = "GET"
        response = view(request, *args, **kwargs)
        if head:
            request.method = "HEAD"
        if response.status_code == 405:
            allowed = response.get("Allow", "")
            response = json_error(405, _("Method not allowed."), Allow=allowed)
        token = getattr(request, "api_token", None)
        if token is not None:
            record_use(
                token=token,
                method=request.method,
                path=request.get_full_path(),
                status=response.status_code,
                client=client_key(request),
            )
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            if token is not None or request.headers.get("Authorization"):
                response["Cache-Control"] = "private, no-store"
            elif request.COOKIES.get(settings.SESSION_COOKIE_NAME):
                response["Cache-Control"] = "private, no-cache"
            else:
                response["Cache-Control"] = f"public, max-age={PUBLIC_CACHE_SECONDS}"
            if token is None:
                response["Access-Control-Allow-Origin"] = "*"
                response["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Retry-After"
            patch_vary_headers(response, ["Authorization"])
            if not getattr(response, "streaming", False):
                response = _conditional(request, response)
        return response

    return wrapped
