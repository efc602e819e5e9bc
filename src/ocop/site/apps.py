from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The shell on top of the domain apps: navigation, the home page, the
    overview and the demo data. It owns no models."""

    name = "ocop.site"
    label = "site"
    verbose_name = _("Site")

    def ready(self):
        from .dashboards import register_kept  # noqa: PLC0415 -- app ready

        register_kept()
