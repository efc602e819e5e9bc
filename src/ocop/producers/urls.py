from django.urls import path

from . import views

app_name = "producers"
urlpatterns = [
    path("", views.subject_list, name="list"),
    path("<int:pk>/", views.subject_detail, name="detail"),
]
