"""Publicity output, support to subjects, subjects' histories, the subjects
with no recent training, and the report of a unit for a period."""

from django.urls import path

from . import views_reports as views

urlpatterns = [
    path("distributions/", views.distribution_list, name="distributions"),
    path("distributions/new/", views.distribution_new, name="distribution_new"),
    path("distributions/<int:pk>/delete/", views.distribution_delete, name="distribution_delete"),
    path("supports/", views.support_list, name="supports"),
    path("supports/new/", views.support_new, name="support_new"),
    path("supports/<int:pk>/delete/", views.support_delete, name="support_delete"),
    path("subjects/<int:pk>/", views.subject_history, name="subject_history"),
    path("untrained/", views.untrained, name="untrained"),
    path("report/", views.report_page, name="report"),
]
