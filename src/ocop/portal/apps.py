from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "ocop.portal"
    verbose_name = _("Public portal")

    def ready(self):
        from . import signals  # noqa: PLC0415 -- app ready

        signals.connect()
