from django.urls import path

from . import views

app_name = "stats"
urlpatterns = [
    path("report/", views.report_page, name="report"),
    path("report.xlsx", views.report_download_xlsx, name="report_xlsx"),
    path("report.pdf", views.report_download_pdf, name="report_pdf"),
]
