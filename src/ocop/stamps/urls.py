from django.urls import path

from . import views

app_name = "stamps"
urlpatterns = [
    path("", views.batch_list, name="list"),
    path("request/<int:product_pk>/", views.batch_request, name="request"),
    path("<int:pk>/", views.batch_detail, name="batch"),
    path("<int:pk>/act/", views.batch_act, name="act"),
    path("<int:pk>/labels/", views.batch_labels, name="labels"),
    path("<int:pk>/labels/prepare/", views.batch_labels_prepare, name="labels_prepare"),
    path("<int:pk>/labels/status/", views.batch_labels_status, name="labels_status"),
    path("<int:pk>/void/", views.batch_void, name="void"),
    path("<int:pk>/making/status/", views.batch_making_status, name="making_status"),
    path("<int:pk>/making/resume/", views.batch_making_resume, name="making_resume"),
]
