"""Refresh the certificate facts when what they are made of changes (in the
same transaction as the change; see ``domain/refresh.py``)."""

from django.db.models.signals import post_delete, post_save

from ocop.certification.models import Certificate, Decision, Revocation
from ocop.producers.models import Subject
from ocop.products.models import Product

from .domain.refresh import refresh_products


def _certificate(sender, instance, **kwargs):
    refresh_products([instance.product_id])


def _revocation(sender, instance, **kwargs):
    refresh_products(
        Certificate.objects.filter(pk=instance.certificate_id).values_list("product_id", flat=True)
    )


def _decision(sender, instance, **kwargs):
    refresh_products(instance.items.values_list("product_id", flat=True))


def _product(sender, instance, **kwargs):
    refresh_products([instance.pk])


def _subject(sender, instance, **kwargs):
    refresh_products(Product.objects.filter(subject=instance).values_list("pk", flat=True))


def connect() -> None:
    for model, handler in (
        (Certificate, _certificate),
        (Revocation, _revocation),
        (Decision, _decision),
        (Product, _product),
        (Subject, _subject),
    ):
        post_save.connect(handler, sender=model, dispatch_uid=f"stats.{model.__name__}")
    post_delete.connect(_certificate, sender=Certificate, dispatch_uid="stats.Certificate.deleted")
