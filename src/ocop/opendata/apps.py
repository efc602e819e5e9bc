from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    """Open data downloads: daily snapshots of the public data sets as CSV
    and JSON, their data dictionaries, the licence and a DCAT-style catalogue.
    Above the portal (consent to publish) and trade (points of sale); owns its
    snapshot records."""

    name = "ocop.opendata"
    label = "opendata"
    verbose_name = _("Open data")

    def ready(self):
        # The statistics tables join the downloads (they read ocop.stats).
        from .domain import datasets, statistics  # noqa: PLC0415 -- app ready

        datasets.register(statistics.CERTIFIED)
        datasets.register(statistics.CHANGES)
