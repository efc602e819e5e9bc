"""Exporting the registry lists; mounted at the site root (/products/export/,
/subjects/export/), with the list pages' filters in the query string."""

from django.urls import path

from . import views_export

app_name = "registry_export"
urlpatterns = [
    path("products/export/", views_export.export_products, name="products"),
    path("subjects/export/", views_export.export_subjects, name="subjects"),
]
