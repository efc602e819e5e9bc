"""Participants: online registration, the registrant's page (QR code), the
officer's list and Excel import, check-in, certificates and head counts."""

from django.urls import path

from . import views_participants as views

urlpatterns = [
    path("<int:pk>/register/", views.register, name="register"),
    path("mine/", views.mine, name="mine"),
    path("registrations/<str:token>/", views.registration, name="registration"),
    path(
        "registrations/<str:token>/cancel/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path("registrations/<str:token>/certificate.pdf", views.certificate, name="certificate"),
    path("<int:pk>/participants/", views.participants, name="participants"),
    path("<int:pk>/participants/import/", views.import_participants, name="import"),
    path("<int:pk>/participants/template.xlsx", views.import_template, name="import_template"),
    path("<int:pk>/check-in/", views.checkin, name="checkin"),
    path("check-in/<str:token>/", views.scan, name="scan"),
    path("<int:pk>/certificates.pdf", views.certificates_pdf, name="certificates"),
    path("<int:pk>/head-counts/", views.head_counts_view, name="head_counts"),
]
