"""Importing product lists; mounted at /products/import/."""

from django.urls import path

from . import views_import

app_name = "products_import"
urlpatterns = [
    path("", views_import.upload, name="upload"),
    path("<int:pk>/", views_import.preview, name="preview"),
    path("<int:pk>/apply/", views_import.apply, name="apply"),
    path("<int:pk>/result/", views_import.result, name="result"),
]
