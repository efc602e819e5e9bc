from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [
    path("", views.feed, name="list"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint"),
    path("complaints/<int:pk>/act/", views.complaint_act, name="complaint_act"),
    path("stamps/<int:pk>/", views.stamp_detail, name="stamp"),
    path("stamps/<int:pk>/clear/", views.stamp_clear, name="stamp_clear"),
]
