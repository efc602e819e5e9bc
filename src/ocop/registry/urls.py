"""Importing registry lists; mounted at /products/import/ (the namespace keeps
its first name, ``products_import``)."""

from django.urls import path

from . import views

app_name = "products_import"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:pk>/", views.preview, name="preview"),
    path("<int:pk>/apply/", views.apply, name="apply"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/status/", views.status, name="status"),
    path("<int:pk>/result/", views.result, name="result"),
]
