"""Public URLs of complaints, at the site's root next to the verification pages."""

from django.urls import path

from . import views_public as views

app_name = "complaints"
urlpatterns = [
    path("report-fake/", views.report, name="report"),
    path("report-fake/sent/", views.report_sent, name="report_sent"),
]
