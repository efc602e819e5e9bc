from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    """Exchange packages between a province's instance and the centre's:
    signed JSON of subjects, products, decisions, certificates and
    revocations changed since a date (``docs/exchange.md``). A use case above
    producers, products and certification; it owns only its records of the
    packages made and received and the map from a province's references to
    the centre's rows."""

    name = "ocop.exchange"
    label = "exchange"
    verbose_name = _("Exchange with the centre")
