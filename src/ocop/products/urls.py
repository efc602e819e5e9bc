from django.urls import path

from . import views

app_name = "products"
urlpatterns = [
    path("", views.product_list, name="list"),
    path("new/<int:subject_pk>/", views.product_create, name="create"),
    path("<int:pk>/", views.product_detail, name="detail"),
    path("<int:pk>/edit/", views.product_edit, name="edit"),
    path("<int:pk>/images/add/", views.product_image_add, name="image_add"),
    path("<int:pk>/images/<int:image_pk>/", views.product_image, name="image"),
    path(
        "<int:pk>/images/<int:image_pk>/thumb/",
        views.product_image,
        {"size": "thumb"},
        name="image_thumb",
    ),
]
