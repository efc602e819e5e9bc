"""Public URLs of the portal, at the site's root, in Vietnamese (they are
shared and printed): /san-pham/…, /chu-the/…, /du-lieu-mo/…"""

from django.contrib.auth.decorators import login_not_required
from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, re_path

from . import feeds, views

app_name = "portal"
urlpatterns = [
    path("san-pham/", views.catalogue, name="catalogue"),
    path("san-pham/<int:pk>/", views.product_by_id, name="product_by_id"),
    re_path(r"^san-pham/(?P<slug>[a-z0-9-]+)-(?P<pk>[0-9]+)/$", views.product, name="product"),
    path("san-pham/anh/<int:image_pk>/", views.image, name="image"),
    path("san-pham/anh/<int:image_pk>/nho/", views.image, {"size": "thumb"}, name="image_thumb"),
    re_path(r"^chu-the/(?P<slug>[a-z0-9-]+)-(?P<pk>[0-9]+)/$", views.producer, name="producer"),
    path("chu-the/<int:pk>/trang-cong-khai/", views.profile_edit, name="profile_edit"),
    path("du-lieu-mo/san-pham-ocop.json", feeds.feed_json, name="feed_json"),
    path("du-lieu-mo/san-pham-ocop.csv", feeds.feed_csv, name="feed_csv"),
    path("robots.txt", feeds.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        login_not_required(sitemap_views.index),
        {"sitemaps": feeds.SITEMAPS, "sitemap_url_name": "portal:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        login_not_required(sitemap_views.sitemap),
        {"sitemaps": feeds.SITEMAPS},
        name="sitemap_section",
    ),
]
