from django.urls import path

from . import views

app_name = "cycles"
urlpatterns = [
    path("dossiers/<int:pk>/", views.dossier_detail, name="dossier"),
]
