from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ocop.stamps.signals import scan_located


class InspectionsConfig(AppConfig):
    name = "ocop.inspections"
    label = "inspections"
    verbose_name = _("Inspections and complaints")

    def ready(self):
        from .domain.clones import on_scan_located  # noqa: PLC0415 -- app ready

        scan_located.connect(on_scan_located, dispatch_uid="inspections.scan_located")
