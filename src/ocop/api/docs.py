"""The API's documentation page: Swagger UI from our own static files
(``swagger-ui-dist`` from npm, copied by ``manage.py vendor_assets``),
started by ``static/ocop/js/api-docs.js``: no CDN and no inline script, so
it works under the site's strict Content Security Policy."""

from django.shortcuts import render
from django.urls import reverse
from ninja.openapi.docs import DocsBase


class OwnSwagger(DocsBase):
    def render_page(self, request, api, **kwargs):
        return render(
            request,
            "api/docs.html",
            {"api": api, "openapi_url": reverse(f"{api.urls_namespace}:openapi-json")},
        )
