from django.urls import path

from . import views

app_name = "traceability"
urlpatterns = [
    path("products/<int:product_pk>/batches/", views.batch_list, name="batch_list"),
    path("products/<int:product_pk>/batches/new/", views.batch_create, name="batch_create"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/edit/", views.batch_edit, name="batch_edit"),
    path("batches/<int:pk>/events/new/", views.event_add, name="event_add"),
    path(
        "batches/<int:pk>/events/<int:event_pk>/correct/",
        views.event_correct,
        name="event_correct",
    ),
    path(
        "batches/<int:pk>/events/<int:event_pk>/withdraw/",
        views.event_withdraw,
        name="event_withdraw",
    ),
    path("batches/<int:pk>/epcis.jsonld", views.batch_epcis, name="batch_epcis"),
]
