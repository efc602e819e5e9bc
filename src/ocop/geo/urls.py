from django.urls import path

from . import views

app_name = "geo"
urlpatterns = [
    path("units/search/", views.unit_search, name="unit_search"),
]
