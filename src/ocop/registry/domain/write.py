"""Writing what an import planned, chunk by chunk, through the bulk
functions of the apps that own the tables: subjects (producers), products
(products) and certificates (certification)."""

from django.db import transaction

from ocop.certification.domain.certificates import record_imported_certificates
from ocop.geo.domain.resolve import AddressResolver
from ocop.producers.domain.subjects import bulk_save_subjects
from ocop.producers.models import Subject
from ocop.products.domain.national_code import assign_missing_codes
from ocop.products.domain.products import bulk_save_products
from ocop.products.models import Product

from .cells import decision_key
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
        # The decision of an annex: its key, and how to get (or record) it in
        # certification, once, when a certificate of the list carries it.
        self.annex_key = ""
        self.annex_decision = None  # () -> Decision
        self._decision = None
        # The products written (created, changed or given a certificate) since
        # the import last logged them (``Importer.log_written``), by pk.
        self.written: dict[int, ProductEntry] = {}

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
                self.written[product.pk] = product
            for entry in products:
                self.written[entry.pk] = entry
            certificates = [c for _p, c in plan.new_certificates]
            self._link_annex_decision(certificates)
            record_imported_certificates(certificates=certificates, batch_size=self.chunk_size)
            assign_missing_codes(
                product_ids={c.product_id for c in certificates}, batch_size=self.chunk_size
            )
        plan.new_certificates = []
        for entry in subjects:
            entry.dirty = False
        for entry in products:
            entry.dirty = False

    def _link_annex_decision(self, certificates) -> None:
        if not self.annex_key or self.annex_decision is None:
            return
        linked = [c for c in certificates if decision_key(c.decision_number) == self.annex_key]
        if not linked:
            return
        if self._decision is None:
            self._decision = self.annex_decision()
        for certificate in linked:
            certificate.decision = self._decision
            certificate.authority_level = self._decision.level

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
