"""The project's URLs and error handlers, plus views that fail on purpose."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.urls import path

from ocop.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def boom(request):
    raise RuntimeError("secret-detail-42: database password is hunter2")


def suspicious(request):
    raise SuspiciousOperation("secret-detail-42")


def denied(request):
    raise PermissionDenied


def missing(request):
    raise Http404("secret-detail-42")


urlpatterns = [
    path("boom/", boom),
    path("boom/suspicious/", suspicious),
    path("boom/denied/", denied),
    path("boom/missing/", missing),
    *urlpatterns,
]
