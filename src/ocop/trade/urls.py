from django.urls import path

from . import views

app_name = "trade"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("points/", views.point_list, name="points"),
    path("points/new/", views.point_new, name="point_new"),
    path("points/<int:pk>/edit/", views.point_edit, name="point_edit"),
    path("points/<int:pk>/delete/", views.point_delete, name="point_delete"),
    path("products/<int:pk>/", views.product_trade, name="product"),
    path("products/<int:pk>/listings/", views.listing_add, name="listing_add"),
    path("listings/<int:pk>/delete/", views.listing_delete, name="listing_delete"),
    path("products/<int:pk>/exports/", views.export_add, name="export_add"),
    path("exports/<int:pk>/delete/", views.export_delete, name="export_delete"),
    path("inquiries/", views.inquiry_list, name="inquiries"),
    path("inquiries/<int:pk>/", views.inquiry_detail, name="inquiry"),
    path("inquiries/<int:pk>/state/", views.inquiry_state, name="inquiry_state"),
]
