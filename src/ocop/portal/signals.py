"""What makes the cached public pages stale (``cache.bump``).

Domain writes (the registry, certification and trade: points of sale, online
listings, export markets) that go through ``save()``/``delete()`` send Django's model
signals; the workflows that write with ``QuerySet.update()`` or
``bulk_create`` (issuing a decision, revoking a certificate) also save the
decision, the certificate or the revocation itself, which is caught here.
Bulk imports that send no signal at all show within ``cache.TIMEOUT``."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from ocop.certification.models import Certificate, Decision, Revocation
from ocop.producers.models import Subject
from ocop.products.models import Product, ProductImage
from ocop.trade.models import ExportMarket, Listing, PointOfSale

from . import cache
from .domain.summary import note_change
from .models import PublicProfile

WATCHED = (
    Product,
    ProductImage,
    Subject,
    Certificate,
    Decision,
    Revocation,
    PublicProfile,
    # Where to buy (the product page's trade block).
    PointOfSale,
    Listing,
    ExportMarket,
)


def _changed(sender, **kwargs):
    cache.bump()
    note_change()


def connect() -> None:
    for model in WATCHED:
        post_save.connect(_changed, sender=model, dispatch_uid=f"portal-{model.__name__}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"portal-{model.__name__}-delete")
    m2m_changed.connect(
        _changed, sender=PointOfSale.products.through, dispatch_uid="portal-point-products"
    )
