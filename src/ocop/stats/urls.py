from django.urls import path

from . import views, views_targets

app_name = "stats"
urlpatterns = [
    path("report/", views.report_page, name="report"),
    path("report.xlsx", views.report_download_xlsx, name="report_xlsx"),
    path("report.pdf", views.report_download_pdf, name="report_pdf"),
    path("targets/", views_targets.target_list, name="targets"),
    path("targets/new/", views_targets.target_new, name="target_new"),
    path("targets/<int:pk>/", views_targets.target_edit, name="target_edit"),
    path("targets/<int:pk>/remove/", views_targets.target_remove, name="target_remove"),
]
