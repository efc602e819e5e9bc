"""The project's URLs plus one minimal view, served by gunicorn for
bench/bench_verify.py: the minimal view is the baseline "a Django view served
the same way on this machine" (same settings, middleware, server, workers)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from ocop.urls import handler400, handler403, handler404, handler500  # noqa: F401
from ocop.urls import urlpatterns as project_urlpatterns


@login_not_required
def minimal(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/minimal", minimal), *project_urlpatterns]
