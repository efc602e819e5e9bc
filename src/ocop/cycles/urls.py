from django.urls import path

from . import urls_ideas, urls_tasks, views

app_name = "cycles"
urlpatterns = [
    path("dossiers/<int:pk>/", views.dossier_detail, name="dossier"),
    *urls_ideas.urlpatterns,
    *urls_tasks.urlpatterns,
]
