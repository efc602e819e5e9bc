"""The JSON API (django-ninja) at /api/v1/, with its OpenAPI document at
/api/v1/openapi.json and its documentation page at /api/v1/docs.

* **Public** operations (``public_*.py``) need no login: reference data,
  the certified products, public profiles, certificates, stamp verification,
  points of sale, events, statistics.
* **Back-office** operations (``office_*.py``) need a personal API token
  (``auth.py``): the person's own scope, narrowed to the token's roles.

The API's views are exempted from LoginRequiredMiddleware (which would send
API clients to the login page instead of answering 401) and wrapped by
``http.api_view`` (limits, ETag and 304, CORS, the token's use log, JSON
405). Every error is JSON in one shape (``errors.py``), never a trace; an
unknown path under /api/ answers that shape with 404.
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, re_path
from django.utils.translation import gettext as _

from ocop.api import errors, office_registry, office_work, public_catalogue, public_more
from ocop.api.docs import OwnSwagger
from ocop.api.geo import router as geo_router
from ocop.api.http import api_view
from ocop.api.schema import OcopAPI

api = OcopAPI(
    title="OCOP Platform API",
    version="1",
    urls_namespace="api",
    docs=OwnSwagger(),
)
errors.install(api)
api.add_router("/geo/", geo_router)
api.add_router("/public/", public_catalogue.router)
api.add_router("/public/", public_more.router)
api.add_router("/office/", office_registry.router)
api.add_router("/office/", office_work.router)


def _wrap(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _wrap(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            pattern.callback = login_not_required(api_view(pattern.callback, api))
    return patterns


@login_not_required
def unknown(request, rest=""):
    """Any other path under /api/v1/: the one error shape, 404."""
    return errors.json_error(404, _("There is no such API operation."))


_patterns, _app_name, _namespace = api.urls
api_urls = (
    [*_wrap(_patterns), re_path(r"^(?P<rest>.*)$", unknown, name="unknown")],
    _app_name,
    _namespace,
)
