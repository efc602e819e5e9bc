"""The verification page's read model: what a scan shows besides the stamp's
own row, cached per process and trusted only under the version it was read
at.

A stamp batch's view (its product with subject and unit names, thumbnail,
current certificate, production batch with its events) is read with the plain
ORM on a miss and kept in a bounded per-process memo keyed by the batch. The
key's version is the sum of the ``ReadVersion`` rows, read in the same
statement as the stamp (``hotpath.stamp_row``), and every change that can show
on the page bumps it **in the changing transaction** by inserting a row
(``connect()``: model signals of products, images, subjects, certificates,
decisions, revocations, stamp batches, production batches and their
events): the bump commits with the data, so the next scan after a
revocation reads the new version and reloads.
A view is always read *after* the version it is stored under, so it is never
older than that version (a newer one only reloads sooner).

Voiding, the scan counter and the first-scan time are columns of the stamp,
read on every scan; an expiry is the certificate's date compared with today
on every scan (``live_status``).
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save

from ocop.certification.enums import CertificateStatus
from ocop.certification.models import Certificate, Decision, Revocation
from ocop.producers.models import Subject
from ocop.products.models import Product, ProductImage
from ocop.traceability.domain.queries import public_batch
from ocop.traceability.models import ProductionBatch, TraceEvent

from ..models import ReadVersion, StampBatch

MEMO_SIZE = 4096  # batches kept per process (a view is a few hundred bytes)


@dataclass
class ProductView:
    """What the page shows of a product."""

    id: int
    name: str
    gtin: str
    subject_name: str
    commune_name: str
    province_id: int
    province_name: str
    status: str = ""  # OCOP status (the catalogue publishes certified, expired, revoked)


@dataclass
class CertificateView:
    """What the page shows of a certificate (``live_status`` reads status,
    valid_until and decision_date)."""

    id: int
    token: str
    number: str
    star: int
    decision_number: str
    decision_date: date | None
    valid_until: date | None
    status: str
    status_changed_at: datetime | None
    revocation_number: str | None
    revocation_date: date | None
    superseded_by_token: str | None = None


@dataclass
class BatchView:
    """A stamp batch as every scan of one of its stamps shows it."""

    id: int
    gtin: str  # the GTIN the stamps were issued under
    lot: str  # the production batch's lot code ("" without one)
    product: ProductView
    thumbnail: str
    certificate: CertificateView | None
    production_batch: ProductionBatch | None = field(default=None, repr=False)


CERTIFICATE_VALUES = {
    "id": "id",
    "token": "token",
    "number": "number",
    "star": "star",
    "decision_number": "decision_number",
    "decision_date": "decision_date",
    "valid_until": "valid_until",
    "status": "status",
    "status_changed_at": "status_changed_at",
    "revocation_number": "revocation__decision_number",
    "revocation_date": "revocation__decision_date",
}
PRODUCT_VALUES = {
    "id": "id",
    "name": "name",
    "gtin": "gtin",
    "subject_name": "subject__name",
    "commune_name": "commune__full_name",
    "province_id": "province_id",
    "province_name": "province__full_name",
    "status": "status",
}


def _pick(row: dict, fields: dict[str, str]) -> dict:
    return {name: row[path] for name, path in fields.items()}


def product_view(product_id: int) -> tuple[ProductView, str] | None:
    """A product and its thumbnail's stored name ("" without an image)."""
    row = Product.objects.filter(pk=product_id).values(*PRODUCT_VALUES.values()).first()
    if row is None:
        return None
    thumbnail = (
        ProductImage.objects.filter(product_id=product_id)
        .order_by("position", "id")
        .values_list("thumbnail", flat=True)
        .first()
    )
    return ProductView(**_pick(row, PRODUCT_VALUES)), thumbnail or ""


def certificate_view(*, token: str) -> tuple[CertificateView, int] | None:
    """A certificate by its token, with its product's id (one query)."""
    row = (
        Certificate.objects.filter(token=token)
        .values(*CERTIFICATE_VALUES.values(), "superseded_by__token", "product_id")
        .first()
    )
    if row is None:
        return None
    view = CertificateView(
        **_pick(row, CERTIFICATE_VALUES), superseded_by_token=row["superseded_by__token"]
    )
    return view, row["product_id"]


def current_certificate(product_id: int) -> CertificateView | None:
    """The product's newest certificate that was not superseded."""
    row = (
        Certificate.objects.filter(product_id=product_id)
        .exclude(status=CertificateStatus.SUPERSEDED)
        .order_by(F("decision_date").desc(nulls_last=True), "-id")
        .values(*CERTIFICATE_VALUES.values())
        .first()
    )
    return CertificateView(**_pick(row, CERTIFICATE_VALUES)) if row else None


def load_batch_view(batch_id: int) -> BatchView | None:
    """A stamp batch's view read afresh with the plain ORM (four to six queries)."""
    row = (
        StampBatch.objects.filter(pk=batch_id)
        .values("product_id", "gtin", "production_batch_id")
        .first()
    )
    if row is None:
        return None
    product = product_view(row["product_id"])
    if product is None:
        return None
    production_batch = public_batch(row["production_batch_id"])
    return BatchView(
        id=batch_id,
        gtin=row["gtin"],
        lot=production_batch.lot_code if production_batch else "",
        product=product[0],
        thumbnail=product[1],
        certificate=current_certificate(row["product_id"]),
        production_batch=production_batch,
    )


class Memo:
    """Batch views by (database, batch), each with the version it was read
    under; least recently used out first."""

    def __init__(self, size: int):
        self.size = size
        self.views: OrderedDict[tuple, tuple[int, BatchView]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple, version: int | None) -> BatchView | None:
        if version is None:
            return None
        with self.lock:
            entry = self.views.get(key)
            if entry is None or entry[0] != version:
                return None
            self.views.move_to_end(key)
            return entry[1]

    def put(self, key: tuple, version: int | None, view: BatchView) -> None:
        if version is None:
            return
        with self.lock:
            self.views[key] = (version, view)
            self.views.move_to_end(key)
            if len(self.views) > self.size:
                self.views.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.views.clear()


MEMO = Memo(MEMO_SIZE)


def batch_view(
    batch_id: int, *, version: int | None, using: str = DEFAULT_DB_ALIAS
) -> BatchView | None:
    """The batch's view valid under ``version`` (read with the stamp): from the
    memo when it was read under that version, else read afresh and kept."""
    key = (using, batch_id)
    view = MEMO.get(key, version)
    if view is None:
        view = load_batch_view(batch_id)
        if view is not None:
            MEMO.put(key, version, view)
    return view


# Writing the version ------------------------------------------------------


def bump(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Make every cached view stale once the current transaction commits: one
    row inserted (no lock on a shared row, so concurrent writers never wait
    on each other or deadlock over it)."""
    ReadVersion.objects.using(using).create(value=1)


def compact(*, using: str = DEFAULT_DB_ALIAS) -> int:
    """Fold the version rows into the first one, keeping their sum (the
    version) unchanged; returns how many rows went. One statement on
    PostgreSQL; on SQLite the UPDATE takes the write lock before the DELETE."""
    connection = connections[using]
    quote = connection.ops.quote_name
    meta = ReadVersion._meta
    table, key = quote(meta.db_table), quote(meta.pk.column)
    value = quote(meta.get_field("value").column)
    first = ReadVersion.objects.using(using).order_by("pk").values_list("pk", flat=True).first()
    if first is None:
        return 0
    last = ReadVersion.objects.using(using).order_by("-pk").values_list("pk", flat=True).first()
    span = [first, last]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH gone AS (DELETE FROM {table} WHERE {key} > %s AND {key} <= %s "  # noqa: S608 -- identifiers only
                f"RETURNING {value}) UPDATE {table} SET {value} = {value} + "
                f"(SELECT COALESCE(SUM({value}), 0) FROM gone) WHERE {key} = %s "
                f"RETURNING (SELECT COUNT(*) FROM gone)",
                [*span, first],
            )
            return cursor.fetchone()[0]
        cursor.execute(
            f"UPDATE {table} SET {value} = {value} + (SELECT COALESCE(SUM({value}), 0) "  # noqa: S608 -- identifiers only
            f"FROM {table} WHERE {key} > %s AND {key} <= %s) WHERE {key} = %s",
            [*span, first],
        )
        cursor.execute(f"DELETE FROM {table} WHERE {key} > %s AND {key} <= %s", span)  # noqa: S608 -- identifiers only
        return cursor.rowcount


WATCHED = (
    Product,
    ProductImage,
    Subject,
    Certificate,
    Decision,
    Revocation,
    StampBatch,
    ProductionBatch,
    TraceEvent,
)


def _changed(sender, *, using=DEFAULT_DB_ALIAS, **kwargs):
    bump(using=using)


def connect() -> None:
    for model in WATCHED:
        uid = f"stamps-readmodel-{model.__name__}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")
