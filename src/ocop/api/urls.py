"""The JSON API (django-ninja) at /api/v1/, with its OpenAPI schema at
/api/v1/openapi.json and documentation at /api/v1/docs.

Authentication is declared per endpoint by django-ninja (session auth for
back-office data, none for public reference data), so the API's views are
exempted from LoginRequiredMiddleware, which would otherwise redirect API
clients to the login page instead of answering 401.

Errors are JSON, never a trace: an unexpected exception is logged (like
Django's own 500s) and answered with ``{"detail": "Internal server error"}``
and status 500, in production and in development alike.
"""

import logging

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI

from ocop.api.geo import router as geo_router

api = NinjaAPI(
    title="OCOP Platform API",
    version="1",
    description="Dữ liệu Chương trình Mỗi xã một sản phẩm (OCOP) / OCOP programme data.",
    urls_namespace="api",
)
api.add_router("/geo/", geo_router)

logger = logging.getLogger("django.request")


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": "Forbidden"}, status=403)


@api.exception_handler(Exception)
def _server_error(request, exc):
    logger.error(
        "Internal Server Error: %s", request.path, exc_info=exc, extra={"status_code": 500}
    )
    return api.create_response(request, {"detail": "Internal server error"}, status=500)


def _exempt(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _exempt(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            pattern.callback = login_not_required(pattern.callback)
    return patterns


_patterns, _app_name, _namespace = api.urls
api_urls = (_exempt(_patterns), _app_name, _namespace)
