from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from ocop.api.urls import api_urls

urlpatterns = [
    path("", include("ocop.site.urls")),
    path("", include("ocop.core.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("accounts/", include("ocop.accounts.urls")),
    path("geo/", include("ocop.geo.urls")),
    path("subjects/", include("ocop.producers.urls")),
    path("products/import/", include("ocop.registry.urls")),
    path("exchange/", include("ocop.exchange.urls")),
    path("", include("ocop.registry.urls_export")),
    path("products/", include("ocop.products.urls")),
    path("criteria/", include("ocop.criteria.urls")),
    path("evaluation/", include("ocop.evaluation.urls")),
    path("cycle/", include("ocop.cycles.urls")),
    path("inspections/", include("ocop.inspections.urls")),
    path("traceability/", include("ocop.traceability.urls")),
    path("certification/", include("ocop.certification.urls")),
    path("stamps/", include("ocop.stamps.urls")),
    path("events/", include("ocop.events.urls")),
    path("trade/", include("ocop.trade.urls")),
    path("stats/", include("ocop.stats.urls")),
    path("api/v1/", api_urls),
    path("django-admin/", admin.site.urls),
    # Public verification pages (QR codes): /s/…, /c/…, /01/… (GS1 Digital Link).
    path("", include("ocop.stamps.urls_public")),
    # The public "report a suspected fake" form (linked from the verification pages).
    path("", include("ocop.inspections.urls_public")),
    # Points of sale by province and the buyers' inquiry form (no login).
    path("", include("ocop.trade.urls_public")),
    # The public catalogue: /san-pham/…, /chu-the/…, /du-lieu-mo/…, sitemap.xml, robots.txt.
    path("", include("ocop.portal.urls")),
    path("", include("ocop.opendata.urls")),
]

handler400 = "ocop.core.views.error_400"
handler403 = "ocop.core.views.error_403"
handler404 = "ocop.core.views.error_404"
handler500 = "ocop.core.views.error_500"
