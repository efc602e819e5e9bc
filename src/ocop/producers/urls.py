from django.urls import path

from . import views

app_name = "producers"
urlpatterns = [
    path("", views.subject_list, name="list"),
    path("new/", views.subject_create, name="create"),
    path("documents/expiring/", views.documents_expiring, name="documents_expiring"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("<int:pk>/", views.subject_detail, name="detail"),
    path("<int:pk>/edit/", views.subject_edit, name="edit"),
    path("<int:pk>/documents/add/", views.document_add, name="document_add"),
    path("<int:pk>/consultants/add/", views.consultant_add, name="consultant_add"),
    path("<int:pk>/invitations/new/", views.invitation_create, name="invitation_create"),
    path(
        "<int:pk>/invitations/<int:invitation_pk>/",
        views.invitation_act,
        name="invitation_act",
    ),
]
