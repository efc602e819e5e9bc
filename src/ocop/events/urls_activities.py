"""Activities: the officer's list, the activity page and its form, state
changes, files, the report after the event, the public calendar and topics."""

from django.urls import path

from . import views_activities as views

urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_new, name="new"),
    path("calendar/", views.calendar, name="calendar"),
    path("topics/", views.topic_list, name="topics"),
    path("topics/<int:tid>/", views.topic_edit, name="topic_edit"),
    path("<int:pk>/", views.activity_detail, name="activity"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/state/", views.activity_state, name="state"),
    path("<int:pk>/files/", views.activity_files, name="files"),
    path("<int:pk>/files/<int:fid>/", views.file_download, name="file"),
    path("<int:pk>/files/<int:fid>/delete/", views.file_delete, name="file_delete"),
    path("<int:pk>/report/", views.report_after, name="report_after"),
]
