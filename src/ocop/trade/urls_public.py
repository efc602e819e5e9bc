"""Public URLs of trade promotion, at the site's root with Vietnamese paths:
points of sale by province (/diem-ban/…) and the buyers' inquiry form
(/lien-he-mua/…), which the portal's product and producer pages link to."""

from django.urls import include, path

from . import views_public as views

points = (
    [
        path("", views.provinces, name="provinces"),
        path("<str:code>/", views.province_points, name="province"),
        path("<str:code>/ban-do.json", views.province_markers, name="markers"),
    ],
    "points",
)
inquiry = (
    [
        path("<int:product_id>/", views.inquiry_product, name="product"),
        path("chu-the/<int:subject_id>/", views.inquiry_subject, name="subject"),
        path("da-gui/", views.inquiry_sent, name="sent"),
    ],
    "inquiry",
)
urlpatterns = [
    path("diem-ban/", include(points)),
    path("lien-he-mua/", include(inquiry)),
]
