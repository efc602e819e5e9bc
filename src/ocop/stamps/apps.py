from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StampsConfig(AppConfig):
    name = "ocop.stamps"
    label = "stamps"
    verbose_name = _("OCOP stamps")

    def ready(self):
        from .domain import readmodel  # noqa: PLC0415 -- app ready

        readmodel.connect()
