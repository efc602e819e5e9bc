from django.urls import path

from . import views

app_name = "criteria"
urlpatterns = [
    path("", views.sheet_list, name="list"),
    path("<int:pk>/", views.sheet_detail, name="detail"),
    path("<int:pk>/pdf/", views.sheet_pdf, name="pdf"),
    path("<int:pk>/confirm-flags/", views.confirm_flags, name="confirm_flags"),
    path("<int:pk>/download/<str:fmt>/", views.sheet_download, name="download"),
]
