"""URLs of "my tasks" and overdue lists (views_tasks.py)."""

urlpatterns = []
