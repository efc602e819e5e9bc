from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TraceabilityConfig(AppConfig):
    name = "ocop.traceability"
    label = "traceability"
    verbose_name = _("Traceability")
