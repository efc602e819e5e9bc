"""Planning an import: each parsed row is matched to a subject (by
registration number, else by name in the province) and to one of its
products (by name), and what changes is planned in memory: new and changed
subjects and products, and new certificates. Rows repeating an earlier row
are skipped; the writer then writes what is planned, chunk by chunk."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from ocop.certification.domain.queries import certificate_rows_of_products
from ocop.certification.enums import CertificateSource, CertificateStatus
from ocop.certification.models import Certificate
from ocop.core.text import fold_vi
from ocop.geo.domain.resolve import AddressResolver
from ocop.producers.domain.queries import subject_rows_matching
from ocop.products.domain.queries import product_rows_of_subjects
from ocop.products.enums import OcopStatus

from .cells import decision_key, name_key
from .parse import Reference, Row
from .problems import WARNING, BadValue, Report
from .read import Layout


@dataclass(eq=False, slots=True)
class SubjectEntry:
    uid: int
    pk: int | None
    name: str
    registration_number: str | None
    legal_form: str
    commune_id: int
    province_id: int
    address: str
    legacy_address: str
    created: bool = False
    changed: bool = False
    touched: bool = False
    dirty: bool = False  # to be written with the current chunk
    products_loaded: bool = False


@dataclass(eq=False, slots=True)
class ProductEntry:
    uid: int
    pk: int | None
    subject: SubjectEntry
    name: str
    commune_id: int
    category_id: int | None
    status: str
    star: int | None
    certified_until: date | None
    latest: tuple = (date.min, 0)  # (decision date, order) of the newest certificate
    created: bool = False
    changed: bool = False
    touched: bool = False
    dirty: bool = False
    first_row: int = 0


class Planner:
    """What one import has seen or made, by matching key, and what the
    current chunk changes (entries marked ``dirty``)."""

    def __init__(
        self,
        *,
        province,
        dry_run: bool,
        today: date,
        layout: Layout,
        report: Report,
        resolver: AddressResolver,
        reference: Reference,
    ):
        self.province = province
        self.dry_run = dry_run
        self.today = today
        self.layout = layout
        self.report = report
        self.resolver = resolver
        self.reference = reference
        self.subjects_by_reg: dict[str, SubjectEntry] = {}
        self.subjects_by_name: dict[tuple[int, str], SubjectEntry] = {}
        self.subject_entries: dict[int, SubjectEntry] = {}
        self.products: dict[tuple[int, str], ProductEntry] = {}
        self.certificates: dict[tuple[int, str, int], tuple[int | None, tuple]] = {}
        self.new_certificates: list[tuple[ProductEntry, Certificate]] = []
        self._next_uid = -1

    def uid(self) -> int:
        self._next_uid -= 1
        return self._next_uid

    def _register_subject(self, entry: SubjectEntry) -> SubjectEntry:
        self.subject_entries[entry.uid] = entry
        if entry.registration_number:
            self.subjects_by_reg.setdefault(entry.registration_number, entry)
        self.subjects_by_name.setdefault((entry.province_id, name_key(entry.name)), entry)
        return entry

    def prefetch_subjects(self, rows: list[Row]) -> None:
        regs = {r.registration_number for r in rows if r.registration_number}
        regs -= set(self.subjects_by_reg)
        names = defaultdict(set)
        for r in rows:
            key = (r.place.province.pk, name_key(r.subject_name))
            if key not in self.subjects_by_name and key[1][:255] not in names[key[0]]:
                names[key[0]] |= {fold_vi(r.subject_name)[:255], key[1][:255]}
        if not regs and not names:
            return
        for data in subject_rows_matching(registration_numbers=regs, name_keys_by_province=names):
            if data["id"] in self.subject_entries:
                continue
            self._register_subject(
                SubjectEntry(
                    uid=data["id"],
                    pk=data["id"],
                    name=data["name"],
                    registration_number=data["registration_number"],
                    legal_form=data["legal_form"],
                    commune_id=data["commune_id"],
                    province_id=data["province_id"],
                    address=data["address"],
                    legacy_address=data["legacy_address"],
                )
            )

    def prefetch_products(self, subjects: list[SubjectEntry]) -> None:
        by_pk = {s.pk: s for s in subjects if s.pk is not None and not s.products_loaded}
        ids = sorted(by_pk)
        for s in subjects:
            s.products_loaded = True
        if not ids:
            return
        entries = {}
        for data in product_rows_of_subjects(subject_ids=ids):
            subject = by_pk[data["subject_id"]]
            key = (subject.uid, name_key(data["name"]))
            if key in self.products:
                continue
            entry = ProductEntry(
                uid=data["id"],
                pk=data["id"],
                subject=subject,
                name=data["name"],
                commune_id=data["commune_id"],
                category_id=data["category_id"],
                status=data["status"],
                star=data["star"],
                certified_until=data["certified_until"],
            )
            self.products[key] = entries[data["id"]] = entry
        if not entries:
            return
        for data in certificate_rows_of_products(product_ids=list(entries)):
            entry = entries[data["product_id"]]
            key = (entry.uid, decision_key(data["decision_number"]), data["star"])
            self.certificates[key] = (None, ())
            entry.latest = max(entry.latest, (data["decision_date"] or date.min, data["id"]))

    def match_subject(self, row: Row):
        """The subject entry for a row, or a BadValue; nothing is changed yet."""
        place = row.place
        by_name = (place.province.pk, name_key(row.subject_name))
        reg = row.registration_number
        if reg and reg in self.subjects_by_reg:
            entry = self.subjects_by_reg[reg]
            if self.province is not None and entry.province_id != self.province.pk:
                other = self.resolver.province_by_id.get(entry.province_id)
                return BadValue(
                    "subject_other_province",
                    _("The registration number %(number)s belongs to “%(name)s” in %(province)s.")
                    % {
                        "number": reg,
                        "name": entry.name,
                        "province": other.full_name if other else "?",
                    },
                )
            return entry
        entry = self.subjects_by_name.get(by_name)
        if entry is not None and reg and entry.registration_number not in (None, "", reg):
            entry = None  # the same name, but another registration number
        return entry

    def plan_subject(self, row: Row, entry: SubjectEntry | None) -> SubjectEntry:
        place = row.place
        if entry is None:
            return self._register_subject(
                SubjectEntry(
                    uid=self.uid(),
                    pk=None,
                    name=row.subject_name,
                    registration_number=row.registration_number or None,
                    legal_form=row.legal_form,
                    commune_id=place.commune.pk,
                    province_id=place.province.pk,
                    address=place.street,
                    legacy_address=place.text if place.legacy else "",
                    created=True,
                    touched=True,
                    dirty=True,
                    products_loaded=True,  # a new subject's products are all made here
                )
            )
        before = (
            entry.registration_number,
            entry.legal_form,
            entry.commune_id,
            entry.address,
            entry.legacy_address,
        )
        if row.registration_number and not entry.registration_number:
            entry.registration_number = row.registration_number
            self.subjects_by_reg.setdefault(row.registration_number, entry)
        if not entry.touched:
            if row.legal_form_explicit:
                entry.legal_form = row.legal_form
            if place.precise and place.commune.pk != entry.commune_id:
                entry.commune_id = place.commune.pk
                entry.province_id = place.province.pk
            if place.street:
                entry.address = place.street
            if place.legacy and place.precise:
                entry.legacy_address = place.text
        entry.touched = True
        after = (
            entry.registration_number,
            entry.legal_form,
            entry.commune_id,
            entry.address,
            entry.legacy_address,
        )
        if after != before:
            entry.dirty = True  # an insert if not written yet, else an update
            entry.changed = entry.changed or not entry.created
        return entry

    def plan(self, rows: list[Row]) -> None:
        self.prefetch_subjects(rows)
        existing = (self.match_subject(row) for row in rows)
        self.prefetch_products([e for e in existing if isinstance(e, SubjectEntry)])
        for row in rows:
            # Matched again, row by row: earlier rows may have made the subject.
            entry = self.match_subject(row)
            if isinstance(entry, BadValue):
                self.report.problem(row.number, self.layout.label("registration_number"), entry)
                self.report.counts.rows_rejected += 1
                continue
            self.plan_row(row, entry)

    def plan_row(self, row: Row, subject_match: SubjectEntry | None) -> None:
        product_key_name = name_key(row.product_name)
        product = None
        if subject_match is not None:
            product = self.products.get((subject_match.uid, product_key_name))
        certificate_key = None
        signature = (row.score, row.decision_date, row.category and row.category.pk)
        if row.star is not None:
            key_uid = product.uid if product else None
            certificate_key = (key_uid, decision_key(row.decision_number), row.star)
            seen = self.certificates.get(certificate_key) if product else None
            if seen is not None and seen[0] is not None:
                if seen[1] == signature:
                    return self.duplicate(row, seen[0])
                self.report.problem(
                    row.number,
                    self.layout.label("decision_number"),
                    BadValue(
                        "duplicate_conflict",
                        _(
                            "Row %(row)s has the same product, decision and star with "
                            "different values."
                        )
                        % {"row": seen[0]},
                    ),
                )
                self.report.counts.rows_rejected += 1
                return None
        elif product is not None and product.first_row:
            return self.duplicate(row, product.first_row)
        subject = self.plan_subject(row, subject_match)
        if product is None:
            commune = self.resolver.commune(subject.commune_id)
            product = ProductEntry(
                uid=self.uid(),
                pk=None,
                subject=subject,
                name=row.product_name,
                commune_id=commune.pk,
                category_id=row.category.pk if row.category else None,
                status=OcopStatus.NONE,
                star=None,
                certified_until=None,
                created=True,
                dirty=True,
            )
            self.products[subject.uid, product_key_name] = product
        product.touched = True
        product.first_row = product.first_row or row.number
        before = (product.category_id, product.status, product.star, product.certified_until)
        if row.category is not None:
            product.category_id = row.category.pk
        if row.star is not None:
            self.plan_certificate(row, product, signature)
        after = (product.category_id, product.status, product.star, product.certified_until)
        if after != before:
            product.dirty = True
            product.changed = product.changed or not product.created
        self.report.counts.rows_valid += 1
        return None

    def duplicate(self, row: Row, first: int) -> None:
        self.report.problem(
            row.number,
            self.layout.label("product_name"),
            BadValue(
                "duplicate_row",
                _("This row repeats row %(row)s and was skipped.") % {"row": first},
                WARNING,
            ),
        )
        self.report.counts.rows_duplicate += 1

    def plan_certificate(self, row: Row, product: ProductEntry, signature) -> None:
        key = (product.uid, decision_key(row.decision_number), row.star)
        if key in self.certificates:
            return
        if not row.decision_number and not row.decision_date and product.star == row.star:
            return  # the star the product already has, with nothing new
        self.certificates[key] = (row.number, signature)
        if not row.decision_number:
            self.report.problem(
                row.number,
                self.layout.label("decision_number"),
                BadValue(
                    "missing_decision",
                    _("The star is recorded without a recognition decision number."),
                    WARNING,
                ),
            )
        self.report.counts.certificates_created += 1
        if not self.dry_run:
            certificate = Certificate(
                star=row.star,
                score=row.score,
                decision_number=row.decision_number,
                decision_date=row.decision_date,
                valid_until=row.valid_until,
                legal_basis=self.reference.legal_basis(row.decision_date),
                source=CertificateSource.IMPORT,
                status=(
                    CertificateStatus.EXPIRED
                    if row.valid_until is not None and row.valid_until < self.today
                    else CertificateStatus.VALID
                ),
            )
            self.new_certificates.append((product, certificate))
        order = (row.decision_date or date.min, 1 << 62)
        if order >= product.latest and product.status != OcopStatus.REVOKED:
            product.latest = order
            product.star = row.star
            product.certified_until = row.valid_until
            if product.status in (OcopStatus.NONE, OcopStatus.CERTIFIED, OcopStatus.EXPIRED):
                expired = row.valid_until is not None and row.valid_until < self.today
                product.status = OcopStatus.EXPIRED if expired else OcopStatus.CERTIFIED

    # Writing
