from django.urls import path

from . import views, views_fieldwork, views_offline

app_name = "inspections"
urlpatterns = [
    path("", views.feed, name="list"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint"),
    path("complaints/<int:pk>/act/", views.complaint_act, name="complaint_act"),
    path("stamps/<int:pk>/", views.stamp_detail, name="stamp"),
    path("stamps/<int:pk>/clear/", views.stamp_clear, name="stamp_clear"),
    path("plans/", views_fieldwork.plan_list, name="plans"),
    path("plans/new/", views_fieldwork.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views_fieldwork.plan_detail, name="plan"),
    path("plans/<int:pk>/act/", views_fieldwork.plan_act, name="plan_act"),
    path("plans/<int:pk>/add/", views_fieldwork.plan_add, name="plan_add"),
    path("plans/<int:pk>/remove/", views_fieldwork.plan_remove, name="plan_remove"),
    path("plans/<int:pk>/repropose/", views_fieldwork.plan_repropose, name="plan_repropose"),
    path("plans/<int:pk>/assign/", views_fieldwork.plan_assign, name="plan_assign"),
    path("visits/", views_fieldwork.visit_list, name="visits"),
    path("visits/<int:pk>/", views_fieldwork.visit_detail, name="visit"),
    path("visits/<int:pk>/answers/", views_fieldwork.visit_answers, name="visit_answers"),
    path("visits/<int:pk>/photo/", views_fieldwork.visit_photo, name="visit_photo"),
    path("visits/<int:pk>/photo/<int:photo>/", views_fieldwork.visit_photo_file, name="photo_file"),
    path("visits/<int:pk>/acknowledge/", views_fieldwork.visit_acknowledge, name="visit_ack"),
    path("visits/<int:pk>/action/", views_fieldwork.visit_action, name="visit_action"),
    path("visits/<int:pk>/close/", views_fieldwork.visit_close, name="visit_close"),
    path("visits/<int:pk>/cancel/", views_fieldwork.visit_cancel, name="visit_cancel"),
    path("visits/<int:pk>/void/", views_fieldwork.visit_void, name="visit_void"),
    path("visits/<int:pk>/revisit/", views_fieldwork.visit_revisit, name="visit_revisit"),
    path("visits/<int:pk>/report.pdf", views_fieldwork.visit_pdf, name="visit_pdf"),
    path("visits/<int:pk>/proposal/", views_fieldwork.proposal_act, name="proposal_act"),
    path("figures/", views_fieldwork.figures, name="figures"),
    path("sw.js", views_offline.service_worker, name="sw"),
    path("visits/<int:pk>/sync/", views_offline.visit_sync, name="visit_sync"),
]
