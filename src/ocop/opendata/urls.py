"""Open data at /du-lieu-mo/ (the portal's live product feed,
/du-lieu-mo/san-pham-ocop.csv, stays in ``portal``)."""

from django.urls import path, re_path

from . import views
from .domain.datasets import DATASETS

app_name = "opendata"
SLUGS = "|".join(DATASETS)
urlpatterns = [
    path("du-lieu-mo/", views.index, name="index"),
    path("du-lieu-mo/catalog.json", views.catalogue, name="catalogue"),
    re_path(rf"^du-lieu-mo/(?P<slug>{SLUGS})/$", views.dictionary, name="dictionary"),
    re_path(rf"^du-lieu-mo/(?P<slug>{SLUGS})\.(?P<fmt>csv|json)$", views.download, name="download"),
]
