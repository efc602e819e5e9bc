"""What the public verification page says about a scanned code.

A code is the path of a QR URL (see ``links.py``):

* ``s/{token}`` — a stamp;
* ``01/{GTIN}/21/{token}`` — a stamp in the GS1 Digital Link form, with the
  lot qualifier when its stamps were issued for a production batch
  (``01/{GTIN}/10/{lot}/21/{token}``); the GTIN must be the stamp's (compared
  as GTIN-14) and a lot must be its production batch's, otherwise the code
  is unknown (never "genuine"), as is any other qualifier (``/22/``);
* ``c/{token}`` — a certificate (the QR of the certificate PDF).

A malformed code (wrong length or characters) is answered without touching
the database.

``verify(path, *, today, consumer_scan=False, fingerprint="")`` is the one
entry point (the page, the resolver and the API): a stamp costs one statement
(``hotpath.stamp_row``: the stamp's row and the read model's version) plus the
read model (``readmodel.py``) when it is cold or stale; ``consumer_scan=True``
counts the scan and queues it for the log (``scanbuffer.py``, or
``redisbuffer.py`` when configured). Machine
requests (the API, linksets, HEAD) pass ``consumer_scan=False``.

For a stamp the certificate shown is the product's newest certificate that
was not superseded; its status is *live* (``live_status``): a certificate
whose date has passed reads as expired even before the periodic job has run.
"""

import time
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from ocop.certification.domain.rules import rules_table
from ocop.certification.domain.status import live_status
from ocop.certification.enums import LiveStatus
from ocop.certification.models import Certificate
from ocop.products.models import Product, ProductImage
from ocop.traceability.models import ProductionBatch

from ..enums import StampState, VerifyOutcome
from ..models import Stamp
from . import redisbuffer
from .digital_link import DigitalLink, DigitalLinkError, parse_path
from .hotpath import stamp_row
from .links import TOKEN_ALPHABET, TOKEN_LENGTH, gtin14
from .readmodel import CertificateView, ProductView, batch_view, certificate_view, product_view
from .scanbuffer import FINGERPRINT_LENGTH, Pending
from .serials import normalise_serial

STAMP_CHARS = frozenset(TOKEN_ALPHABET)
# Certificate tokens come from secrets.token_urlsafe (22 characters today).
CERTIFICATE_CHARS = frozenset(TOKEN_ALPHABET + "-_")
CERTIFICATE_TOKEN_LENGTHS = range(16, 33)
MAX_CODE_LENGTH = 200  # what is kept of a scanned code (complaints, the warning page)

HTTP_STATUS = {VerifyOutcome.UNKNOWN: 404, VerifyOutcome.VOIDED: 410}
IN_FORCE = (VerifyOutcome.VALID, VerifyOutcome.EXPIRING)
OUTCOME_OF_LIVE = {
    LiveStatus.VALID: VerifyOutcome.VALID,
    LiveStatus.EXPIRING: VerifyOutcome.EXPIRING,
    LiveStatus.EXPIRED: VerifyOutcome.EXPIRED,
    LiveStatus.REVOKED: VerifyOutcome.REVOKED,
    LiveStatus.SUPERSEDED: VerifyOutcome.SUPERSEDED,
    LiveStatus.UNDETERMINED: VerifyOutcome.UNDETERMINED,
}


@dataclass(frozen=True)
class Code:
    """A well-formed code: what it designates, not yet looked up."""

    kind: str  # "stamp" or "certificate"
    token: str
    gtin: str = ""  # GTIN-14 of a GS1 Digital Link
    lot: str = ""  # its lot qualifier (AI 10), if any
    variant: str = ""  # its consumer product variant (AI 22): never printed by us


@dataclass
class StampView:
    """What the page shows of a stamp; the buffer's unwritten scans are added."""

    pk: int
    serial: str
    token: str
    state: str
    first_scan_at: datetime | None
    scan_count: int
    product_id: int
    production_batch_id: int | None


@dataclass
class Verification:
    outcome: VerifyOutcome
    code: str  # the scanned path, shortened (carried by the complaint form)
    stamp: StampView | None = None
    product: ProductView | None = None
    certificate: CertificateView | None = None
    revoked_on: date | None = None
    newer_token: str = ""  # the certificate that superseded this one
    thumbnail: str = ""  # stored name of the product's first image (thumbnail)
    production_batch: ProductionBatch | None = None  # with its events (public)
    lot: str = ""  # the stamp's production batch's lot code
    # A stamp's verdict: its batch and the read model's version, which with the
    # outcome and the day determine everything shown but the stamp's own values.
    batch_id: int | None = None
    version: int | None = None

    malformed: bool = False  # a syntax error (HTTP 400), not merely unknown (404)

    @property
    def http_status(self) -> int:
        return 400 if self.malformed else HTTP_STATUS.get(self.outcome, 200)

    @property
    def in_force(self) -> bool:
        return self.outcome in IN_FORCE


def clean_code(path: str) -> str:
    """The scanned path as kept and shown: no control characters, bounded."""
    text = str(path)
    if not text.isprintable():  # a scanned code is printable: the slow path is rare
        text = "".join(ch for ch in text if ch.isprintable())
    return text.strip().lstrip("/")[:MAX_CODE_LENGTH]


def is_stamp_token(token: str) -> bool:
    return len(token) == TOKEN_LENGTH and set(token) <= STAMP_CHARS


def is_certificate_token(token: str) -> bool:
    return len(token) in CERTIFICATE_TOKEN_LENGTHS and set(token) <= CERTIFICATE_CHARS


def code_of_link(link: DigitalLink) -> Code | None:
    """The stamp a parsed GS1 Digital Link designates (None: no stamp token)."""
    if not is_stamp_token(link.serial):
        return None
    return Code(
        "stamp", link.serial, link.gtin, lot=link.lot, variant=link.qualifiers.get("22", "")
    )


def _gs1(path: str) -> Code | None:
    # 01/{gtin}[/22/{cpv}][/10/{lot}]/21/{serial}: the qualifiers of AI 01 in
    # GS1 Digital Link's order (``digital_link.parse_path``: a syntax error
    # raises); query attributes are never part of the path.
    return code_of_link(parse_path(path))


def is_malformed(path: str) -> bool:
    """Whether a scanned path breaks the syntax of our codes (HTTP 400): a GS1
    Digital Link that is not valid, a short code whose token cannot be one."""
    parts = str(path).strip("/").split("/")
    if parts[0] == "01":
        try:
            parse_path(str(path))
        except DigitalLinkError:
            return True
        return False
    return parse_code(path) is None


def parse_code(path: str) -> Code | None:
    """The code designated by a path (with or without the leading slash), or
    None when it is malformed. Never touches the database."""
    if not isinstance(path, str) or len(path) > 300:
        return None
    parts = path.strip("/").split("/")
    if len(parts) == 2 and parts[0] == "s":
        return Code("stamp", parts[1]) if is_stamp_token(parts[1]) else None
    if len(parts) == 2 and parts[0] == "c":
        return Code("certificate", parts[1]) if is_certificate_token(parts[1]) else None
    if parts[0] != "01":
        return None
    try:
        return _gs1(path)
    except DigitalLinkError:
        return None


# The rules table (validity and expiry warnings) is a handful of rows changed
# by a management command: read it at most once a minute per process instead
# of once per scan.
_RULES_TTL = 60.0
_rules_memo: dict[str, tuple[float, list]] = {}


def _rules() -> list:
    loaded_at, table = _rules_memo.get("table", (0.0, []))
    now = time.monotonic()
    if not table or now - loaded_at > _RULES_TTL:
        table = rules_table()
        _rules_memo["table"] = (now, table)
    return table


def _judge(result: Verification, certificate: CertificateView | None, today: date) -> Verification:
    result.certificate = certificate
    if certificate is None:
        # A stamp of a product without any certificate on record: nothing is in force.
        result.outcome = VerifyOutcome.EXPIRED
        return result
    live = live_status(certificate, today=today, table=_rules())
    result.outcome = OUTCOME_OF_LIVE[live]
    if live == LiveStatus.REVOKED:
        if certificate.revocation_date is not None:
            result.revoked_on = certificate.revocation_date
        elif certificate.status_changed_at is not None:
            result.revoked_on = timezone.localdate(certificate.status_changed_at)
    return result


def gtin_matches(scanned: str, *, issued: str, current: str) -> bool:
    """Whether the GTIN of a scanned GS1 Digital Link fits the stamp: the GTIN
    the stamp was issued under (printed on it), or the product's current one.
    A short link (no GTIN) always fits."""
    if not scanned:
        return True
    return scanned in {gtin14(g) for g in (issued, current) if g}


def _stamp_result(code: Code, row, *, path: str, today: date) -> Verification:
    result = Verification(VerifyOutcome.UNKNOWN, clean_code(path))
    view = batch_view(row.batch_id, version=row.version)
    result.batch_id, result.version = row.batch_id, row.version
    if view is None:
        return result
    product = view.product
    if not gtin_matches(code.gtin, issued=view.gtin, current=product.gtin):
        return result
    if code.variant or (code.lot and code.lot != view.lot):
        # Not a code we printed: never shown as genuine.
        return result
    result.stamp = StampView(
        pk=row.pk,
        serial=row.serial,
        token=row.token,
        state=row.state,
        first_scan_at=row.first_scan_at,
        scan_count=row.scan_count,
        product_id=product.id,
        production_batch_id=view.production_batch.pk if view.production_batch else None,
    )
    result.product = product
    result.thumbnail = view.thumbnail
    result.production_batch = view.production_batch
    result.lot = view.lot
    if row.state == StampState.VOIDED:
        result.outcome = VerifyOutcome.VOIDED
        return result
    return _judge(result, view.certificate, today)


def verify_stamp(
    code: Code, *, path: str, today: date, consumer_scan: bool = False, fingerprint: str = ""
) -> Verification:
    """A stamp's verdict; with ``consumer_scan`` the scan is counted (and
    queued for the log) only when the code designates the stamp."""
    buffer = redisbuffer.current()
    with buffer.reading():  # the row and the unwritten scans agree
        row = stamp_row(code.token)
        if row is None:
            return Verification(VerifyOutcome.UNKNOWN, clean_code(path))
        result = _stamp_result(code, row, path=path, today=today)
        stamp = result.stamp
        if stamp is None:
            return result
        scan = None
        if consumer_scan:
            scan = Pending(stamp.pk, timezone.now(), fingerprint[:FINGERPRINT_LENGTH])
        waiting, earliest = buffer.count(stamp_id=stamp.pk, scan=scan, scanned=stamp.scan_count)
        stamp.scan_count += waiting
        stamp.first_scan_at = stamp.first_scan_at or earliest
    return result


def verify_certificate(code: Code, *, path: str, today: date) -> Verification:
    result = Verification(VerifyOutcome.UNKNOWN, clean_code(path))
    found = certificate_view(token=code.token)
    if found is None:
        return result
    certificate, product_id = found
    product = product_view(product_id)
    if product is None:
        return result
    result.product, result.thumbnail = product
    _judge(result, certificate, today)
    if result.outcome == VerifyOutcome.SUPERSEDED:
        result.newer_token = certificate.superseded_by_token or ""
    return result


def verify(
    path: str,
    *,
    today: date,
    consumer_scan: bool = False,
    fingerprint: str = "",
    code: Code | None = None,
) -> Verification:
    """The verdict on a scanned path: malformed and unknown codes are unknown.

    ``consumer_scan=True`` (a person's phone opening the page) counts a scan
    of a stamp and queues it for the scan log under ``fingerprint``
    (``scans.fingerprint(request)``); machine requests (the API, linksets,
    HEAD, OPTIONS) leave it False and count nothing. A stamp costs one
    statement when its read model is warm; a certificate three reads.
    ``code``: the code of ``path`` when the caller has already parsed it
    (``parse_code``, ``code_of_link``)."""
    code = code or parse_code(path)
    if code is None:
        return Verification(VerifyOutcome.UNKNOWN, clean_code(path), malformed=is_malformed(path))
    if code.kind == "certificate":
        return verify_certificate(code, path=path, today=today)
    return verify_stamp(
        code, path=path, today=today, consumer_scan=consumer_scan, fingerprint=fingerprint
    )


def verify_serial(text: str, *, today: date) -> Verification:
    """The verdict on a serial typed by hand (printed under the QR, for a
    damaged code): the same verdict as scanning the stamp's code. The code
    carried on (to the complaint form) is the serial, never the stamp's
    token: a serial read off a stamp must not give away its QR code.
    A malformed serial or a wrong check letter raises ``ValidationError``."""
    serial = normalise_serial(text)
    token = Stamp.objects.filter(serial=serial).values_list("token", flat=True).first()
    if token is None:
        return Verification(VerifyOutcome.UNKNOWN, serial)
    return verify_stamp(Code("stamp", token), path=serial, today=today)


def _stamp_by_serial(text: str) -> Stamp | None:
    try:
        serial = normalise_serial(text)
    except ValidationError:
        return None
    return Stamp.objects.select_related("batch__product").filter(serial=serial).first()


def lookup(path: str) -> tuple[Stamp | None, Product | None]:
    """The stamp and product a scanned path (or a typed serial) designates
    (for a complaint), or (None, None) for an unknown or malformed code."""
    code = parse_code(path)
    if code is None:
        stamp = _stamp_by_serial(path)
        return (stamp, stamp.batch.product) if stamp else (None, None)
    if code.kind == "certificate":
        certificate = Certificate.objects.select_related("product").filter(token=code.token).first()
        return (None, certificate.product) if certificate else (None, None)
    stamp = (
        Stamp.objects.select_related("batch__product", "batch__production_batch")
        .filter(token=code.token)
        .first()
    )
    if stamp is None:
        return None, None
    product = stamp.batch.product
    if not gtin_matches(code.gtin, issued=stamp.batch.gtin, current=product.gtin):
        return None, None
    production_batch = stamp.batch.production_batch
    if code.variant or (
        code.lot and code.lot != (production_batch.lot_code if production_batch else "")
    ):
        return None, None
    return stamp, product


def stamp_by_token(token: str) -> Stamp | None:
    """A stamp by its token (only its id read), or None; malformed tokens are
    answered without a query."""
    if not is_stamp_token(token):
        return None
    return Stamp.objects.only("pk").filter(token=token).first()


def certificate_image(token: str) -> ProductImage | None:
    """The first image of the product of a certificate (public: shown on the
    verification page), or None; malformed tokens cost no query."""
    if not is_certificate_token(token):
        return None
    return (
        ProductImage.objects.filter(
            product__certificates__token=token,
        )
        .order_by("position", "id")
        .first()
    )
