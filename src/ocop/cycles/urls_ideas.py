"""URLs of cycles, phases, rounds, ideas and business plans (views_ideas.py)."""

from django.urls import path

from . import views_ideas as views

urlpatterns = [
    path("", views.cycle_list, name="cycles"),
    path("new/", views.cycle_create, name="cycle_create"),
    path("<int:pk>/", views.cycle_detail, name="cycle"),
    path("<int:pk>/edit/", views.cycle_edit, name="cycle_edit"),
    path("<int:pk>/phases/", views.phase_set, name="phase_set"),
    path("<int:pk>/rounds/", views.round_add, name="round_add"),
    path("ideas/", views.idea_list, name="ideas"),
    path("ideas/new/", views.idea_register, name="idea_register"),
    path("ideas/<int:pk>/", views.idea_detail, name="idea"),
    path("ideas/<int:pk>/action/", views.idea_action, name="idea_action"),
    path("ideas/<int:pk>/plan/", views.plan_submit, name="plan_submit"),
    path("ideas/<int:pk>/plan/file/", views.plan_file, name="plan_file"),
]
