"""Writing what an import planned, chunk by chunk, through the bulk
functions of the apps that own the tables: subjects (producers), products
(products) and certificates (certification)."""

from django.db import transaction

from ocop.certification.domain.certificates import record_imported_certificates
from ocop.geo.domain.resolve import AddressResolver
from ocop.producers.domain.subjects import bulk_save_subjects
from ocop.producers.models import Subject
from ocop.products.domain.products import bulk_save_products
from ocop.products.models import Product

from .parse import Reference
from .plan import Planner, ProductEntry, SubjectEntry


class Writer:
    def __init__(
        self, *, plan: Planner, resolver: AddressResolver, reference: Reference, chunk_size: int
    ):
        self.plan = plan
        self.resolver = resolver
        self.reference = reference
        self.chunk_size = chunk_size
        self.certified_product_ids: set[int] = set()  # products given a certificate

    def write(self, *, dry_run: bool) -> None:
        """Write what the current chunk planned (nothing when ``dry_run``)."""
        plan = self.plan
        if dry_run:
            for entry in plan.subject_entries.values():
                entry.dirty = False
            for entry in plan.products.values():
                entry.dirty = False
            return
        subjects = [e for e in plan.subject_entries.values() if e.dirty]
        products = [e for e in plan.products.values() if e.dirty]
        self.resolver.load_communes({e.commune_id for e in subjects + products})
        with transaction.atomic():
            new = [e for e in subjects if e.pk is None]
            objects = [self._subject(e) for e in new]
            bulk_save_subjects(
                new=objects,
                changed=[self._subject(e) for e in subjects if e.pk is not None],
                batch_size=self.chunk_size,
            )
            for entry, obj in zip(new, objects, strict=True):
                entry.pk = obj.pk
            new = [e for e in products if e.pk is None]
            objects = [self._product(e) for e in new]
            bulk_save_products(
                new=objects,
                changed=[self._product(e) for e in products if e.pk is not None],
                subject_names={e.subject.pk: e.subject.name for e in products},
                batch_size=self.chunk_size,
            )
            for entry, obj in zip(new, objects, strict=True):
                entry.pk = obj.pk
            for product, certificate in plan.new_certificates:
                certificate.product_id = product.pk
                self.certified_product_ids.add(product.pk)
            record_imported_certificates(
                certificates=[c for _p, c in plan.new_certificates], batch_size=self.chunk_size
            )
        plan.new_certificates = []
        for entry in subjects:
            entry.dirty = False
        for entry in products:
            entry.dirty = False

    def _subject(self, entry: SubjectEntry) -> Subject:
        return Subject(
            pk=entry.pk,
            name=entry.name,
            legal_form=entry.legal_form,
            registration_number=entry.registration_number or None,
            commune=self.resolver.commune(entry.commune_id),
            address=entry.address,
            legacy_address=entry.legacy_address,
        )

    def _product(self, entry: ProductEntry) -> Product:
        return Product(
            pk=entry.pk,
            subject_id=entry.subject.pk,
            name=entry.name,
            category=self.reference.category_by_id.get(entry.category_id),
            commune=self.resolver.commune(entry.commune_id),
            status=entry.status,
            star=entry.star,
            certified_until=entry.certified_until,
        )
