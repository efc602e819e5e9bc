from django.urls import path

from . import views, views_scoring, views_sessions, views_whatif

app_name = "evaluation"
urlpatterns = [
    path("", views.home, name="home"),
    path("what-if/", views_whatif.what_if, name="what_if"),
    path("councils/new/", views.council_create, name="council_create"),
    path("councils/<int:pk>/", views.council_detail, name="council"),
    path("councils/<int:pk>/edit/", views.council_edit, name="council_edit"),
    path("councils/<int:pk>/members/add/", views.member_add, name="member_add"),
    path("councils/<int:pk>/sessions/new/", views_sessions.session_create, name="session_create"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("sessions/", views_sessions.session_list, name="sessions"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/edit/", views_sessions.session_edit, name="session_edit"),
    path("sessions/<int:pk>/state/", views.session_state, name="session_state"),
    path("sessions/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("sessions/<int:pk>/items/add/", views.item_add, name="item_add"),
    path("sessions/<int:pk>/conflicts/add/", views.conflict_add, name="conflict_add"),
    path("sessions/<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("sessions/<int:pk>/results.xlsx", views.results_xlsx, name="results_xlsx"),
    path("conflicts/<int:pk>/recusal/", views.recusal, name="recusal"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/remove/", views.item_remove, name="item_remove"),
    path("items/<int:pk>/withdraw/", views.item_withdraw, name="item_withdraw"),
    path("items/<int:pk>/new-round/", views.new_round, name="new_round"),
    path("items/<int:pk>/cases/", views.item_cases, name="item_cases"),
    path("items/<int:pk>/documents/<int:doc>/", views.document_download, name="document"),
    path("scoresheets/<int:pk>/", views_scoring.scoresheet, name="scoresheet"),
    path("scoresheets/<int:pk>/answer/", views_scoring.answer, name="answer"),
    path("scoresheets/<int:pk>/comment/", views_scoring.comment, name="comment"),
    path("scoresheets/<int:pk>/sync/", views_scoring.sync, name="sync"),
    path("sw.js", views_scoring.service_worker, name="sw"),
    path("scoresheets/<int:pk>/submit/", views_scoring.submit, name="submit"),
    path("scoresheets/<int:pk>/reopen/", views_scoring.reopen, name="reopen"),
    path("scoresheets/<int:pk>/sheet.pdf", views.scoresheet_pdf, name="scoresheet_pdf"),
]
