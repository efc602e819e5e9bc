from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    """Importing and exporting the registry (subjects, products, certificates)
    as Excel lists: a use case above producers, products and certification
    that owns no core domain model, only its own record of an uploaded list
    (``ImportBatch``)."""

    name = "ocop.registry"
    label = "registry"
    verbose_name = _("Registry import and export")
