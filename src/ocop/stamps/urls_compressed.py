"""Compressed GS1 Digital Links (``/{compressed}`` at the site's root):
included last in ``ocop/urls.py``, so that every other root URL wins."""

from django.urls import re_path

from . import views_resolver

urlpatterns = [
    re_path(
        r"^(?P<segment>[A-Za-z0-9_-]{8,})$",
        views_resolver.resolve_compressed,
        name="gs1_compressed",
    ),
]
