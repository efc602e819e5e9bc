from django.urls import path

from . import urls_ideas, urls_tasks, views

app_name = "cycles"
urlpatterns = [
    path("dossiers/", views.dossier_list, name="dossiers"),
    path("dossiers/new/", views.dossier_create, name="dossier_create"),
    path("dossiers/<int:pk>/", views.dossier_detail, name="dossier"),
    path("dossiers/<int:pk>/act/", views.dossier_act, name="dossier_act"),
    path("dossiers/<int:pk>/documents/add/", views.document_add, name="dossier_document_add"),
    path("dossiers/<int:pk>/documents/link/", views.document_link, name="dossier_document_link"),
    path(
        "dossiers/<int:pk>/documents/<int:doc>/unlink/",
        views.document_unlink,
        name="dossier_document_unlink",
    ),
    path("dossiers/<int:pk>/self-assessment/", views.self_assessment, name="self_assessment"),
    path("dossiers/<int:pk>/self-assessment/answer/", views.self_answer, name="self_answer"),
    path("dossiers/<int:pk>/self-assessment/cases/", views.self_cases, name="self_cases"),
    path("dossiers/<int:pk>/commune/", views.commune_check, name="commune_check"),
    path("dossiers/<int:pk>/commune/answer/", views.commune_answer, name="commune_answer"),
    path("dossiers/<int:pk>/copy/", views.dossier_copy, name="dossier_copy"),
    path("dossiers/<int:pk>/schedule/", views.dossier_schedule, name="dossier_schedule"),
    path("dossiers/<int:pk>/versions/<int:n>/", views.version_diff, name="dossier_version"),
    *urls_ideas.urlpatterns,
    *urls_tasks.urlpatterns,
]
