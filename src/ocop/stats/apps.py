from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "ocop.stats"
    label = "stats"
    verbose_name = _("Programme statistics")

    def ready(self):
        from . import signals_cache  # noqa: PLC0415 -- app ready
        from .signals import connect  # noqa: PLC0415 -- app ready

        connect()
        signals_cache.connect()
