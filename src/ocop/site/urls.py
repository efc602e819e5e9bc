from django.urls import path

from . import dashboards, views

app_name = "site"
urlpatterns = [
    path("", views.home, name="home"),
    path("tasks/", views.queue, name="queue"),
    path("tasks/count/", views.queue_badge, name="queue_badge"),
    path("dashboard/", dashboards.dashboard, name="dashboard"),
    path("dashboard/centre/", dashboards.centre, name="dashboard_centre"),
    path("dashboard/province/", dashboards.province, name="dashboard_province"),
    path("dashboard/commune/", dashboards.commune, name="dashboard_commune"),
    path("dashboard/producer/", dashboards.producer, name="dashboard_producer"),
    path("dashboard/council/", dashboards.council, name="dashboard_council"),
    path("huong-dan/", views.guides, name="guides"),
    path("huong-dan/<slug:slug>/", views.guide, name="guide"),
]
