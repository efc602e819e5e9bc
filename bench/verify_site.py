"""The project's URLs plus two minimal views, served by gunicorn for
bench/bench_verify.py. The minimal view is the baseline "a Django view served
the same way on this machine" (same settings, middleware, server, workers):
the whole middleware stack. The lean minimal view is the same view marked
``@lean_public`` under ``/s/``: served through the shorter stack the
verification page uses (``ocop.core.lean``), it shows what that stack alone
gives, so that the page's own cost can be read beside the ratio."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from ocop.core.lean import lean_public
from ocop.urls import handler400, handler403, handler404, handler500  # noqa: F401
from ocop.urls import urlpatterns as project_urlpatterns


@login_not_required
def minimal(request):
    return HttpResponse("ok", content_type="text/plain")


@lean_public
@login_not_required
def lean_minimal(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/minimal", minimal),
    path("s/bench-lean-minimal", lean_minimal),
    *project_urlpatterns,
]
