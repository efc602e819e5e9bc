"""Public URLs of stamps and certificates, at the site's root (they are
printed in QR codes: keep them short and stable)."""

from django.urls import path, re_path

from . import views_public as views

app_name = "verify"
urlpatterns = [
    path("kiem-tra-tem/", views.serial_page, name="serial"),
    path("s/<str:token>/where", views.where, name="where"),
    path("s/<str:token>", views.verify_page, name="stamp"),
    path("c/<str:token>/image", views.certificate_image, name="certificate_image"),
    path("c/<str:token>", views.verify_page, name="certificate"),
    # GS1 Digital Link: /01/{GTIN}/21/{serial}, optionally with /10/{lot}
    # before the serial; the view parses (and judges) the whole path.
    path("01/<path:rest>", views.verify_page, name="gs1"),
    # Anything else under /s/, /c/ or /01/ is a malformed code: the warning page.
    re_path(r"^(?:s|c|01)/", views.verify_page),
]
