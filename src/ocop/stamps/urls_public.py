"""Public URLs of stamps and certificates, at the site's root (they are
printed in QR codes: keep them short and stable)."""

from django.urls import path, re_path

from . import views_public as views
from . import views_resolver

app_name = "verify"
urlpatterns = [
    # The scanned URLs first (resolved on every scan; no two of these
    # patterns match the same path, so their order changes nothing else).
    # GS1 Digital Link (the GS1-Conformant resolver): /01/{GTIN}[/10/{lot}]/21/{serial}
    # for a stamp, /01/{GTIN} for a product; the view parses the whole path.
    re_path(r"^01/(?P<rest>[\s\S]*)$", views_resolver.resolve, name="gs1"),  # any character
    path("s/<str:token>", views.verify_page, name="stamp"),
    path("c/<str:token>", views.verify_page, name="certificate"),
    path("kiem-tra-tem/", views.serial_page, name="serial"),
    path("s/<str:token>/where", views.where, name="where"),
    path("c/<str:token>/image", views.certificate_image, name="certificate_image"),
    path(".well-known/gs1resolver", views_resolver.well_known, name="gs1resolver"),
    # Anything else under /s/ or /c/ is a malformed code: the warning page (400).
    re_path(r"^(?:s|c)/", views.verify_page),
]
