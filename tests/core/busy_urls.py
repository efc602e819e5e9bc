"""The project's URLs plus a view that writes (the activity log), to be met by
a database that another connection holds locked."""

from django.db import transaction
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from ocop.core.domain.activity import log_action
from ocop.urls import handler404, handler500, urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


@csrf_exempt
def write(request):
    with transaction.atomic():
        log_action(action="ocop.test.busy_write", by=request.user, data={"n": 1})
    return HttpResponse("saved")


urlpatterns = [path("test-write/", write), *urlpatterns]
