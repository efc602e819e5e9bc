from django.urls import path

from . import views

app_name = "site"
urlpatterns = [
    path("", views.home, name="home"),
    path("tasks/", views.queue, name="queue"),
    path("tasks/count/", views.queue_badge, name="queue_badge"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("huong-dan/", views.guides, name="guides"),
    path("huong-dan/<slug:slug>/", views.guide, name="guide"),
]
