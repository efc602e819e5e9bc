from django.urls import path

from . import documents, views

app_name = "certification"
urlpatterns = [
    path("", views.certificate_list, name="certificates"),
    path("certificates/<int:pk>/", views.certificate_detail, name="certificate"),
    path("certificates/<int:pk>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path(
        "certificates/<int:pk>/certificate.pdf", documents.certificate_pdf, name="certificate_pdf"
    ),
    path("decisions/", views.decision_list, name="decisions"),
    path("decisions/sessions/", views.sessions_awaiting, name="sessions_awaiting"),
    path("decisions/from-session/<int:session_pk>/", views.decision_draft, name="decision_draft"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision"),
    path("decisions/<int:pk>/state/", views.decision_state, name="decision_state"),
    path(
        "decisions/<int:pk>/items/<int:item_pk>/remove/",
        views.decision_item_remove,
        name="decision_item_remove",
    ),
    path("decisions/<int:pk>/decision.pdf", documents.decision_pdf, name="decision_pdf"),
]
