"""URLs of "my tasks" and overdue lists (views_tasks.py)."""

from django.urls import path

from . import views_tasks

urlpatterns = [
    path("tasks/", views_tasks.my_tasks, name="tasks"),
]
