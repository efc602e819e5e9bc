"""What the public verification page says about a scanned code.

A code is the path of a QR URL (see ``links.py``):

* ``s/{token}`` — a stamp;
* ``01/{GTIN}/21/{token}`` — a stamp in the GS1 Digital Link form, optionally
  with the lot qualifier (``01/{GTIN}/10/{lot}/21/{token}``); the GTIN must be
  the product's (compared as GTIN-14), otherwise the code is unknown;
* ``c/{token}`` — a certificate (the QR of the certificate PDF).

A malformed code (wrong length or characters) is answered without touching
the database. Reads only: the scan log is written by ``scans.py``.

For a stamp the certificate shown is the product's newest certificate that
was not superseded; its status is *live* (``live_status``): a certificate
whose date has passed reads as expired even before the periodic job has run.
"""

import time
from dataclasses import dataclass
from datetime import date

from django.db.models import F, OuterRef, Subquery

from ocop.certification.domain.rules import rules_table
from ocop.certification.domain.status import live_status
from ocop.certification.enums import CertificateStatus, LiveStatus
from ocop.certification.models import Certificate
from ocop.products.models import Product, ProductImage

from ..enums import StampState, VerifyOutcome
from ..models import Stamp
from .links import TOKEN_ALPHABET, TOKEN_LENGTH, gtin14

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
}


@dataclass(frozen=True)
class Code:
    """A well-formed code: what it designates, not yet looked up."""

    kind: str  # "stamp" or "certificate"
    token: str
    gtin: str = ""  # GTIN-14 of a GS1 Digital Link


@dataclass
class Verification:
    outcome: VerifyOutcome
    code: str  # the scanned path, shortened (carried by the complaint form)
    stamp: Stamp | None = None
    product: Product | None = None
    certificate: Certificate | None = None
    revoked_on: date | None = None
    newer: Certificate | None = None  # the certificate that superseded this one
    thumbnail: str = ""  # stored name of the product's first image (thumbnail)

    @property
    def http_status(self) -> int:
        return HTTP_STATUS.get(self.outcome, 200)

    @property
    def in_force(self) -> bool:
        return self.outcome in IN_FORCE

    @property
    def production_batch(self):
        return self.stamp.batch.production_batch if self.stamp is not None else None


def clean_code(path: str) -> str:
    """The scanned path as kept and shown: no control characters, bounded."""
    text = "".join(ch for ch in str(path) if ch.isprintable())
    return text.strip().lstrip("/")[:MAX_CODE_LENGTH]


def is_stamp_token(token: str) -> bool:
    return len(token) == TOKEN_LENGTH and set(token) <= STAMP_CHARS


def is_certificate_token(token: str) -> bool:
    return len(token) in CERTIFICATE_TOKEN_LENGTHS and set(token) <= CERTIFICATE_CHARS


def _gs1(parts: list[str]) -> Code | None:
    # 01/{gtin}[/22/{cpv}][/10/{lot}]/21/{serial}: the qualifiers of AI 01 in
    # GS1 Digital Link's order; query attributes are never part of the path.
    if len(parts) < 4 or len(parts) % 2 or parts[0] != "01":
        return None
    gtin = parts[1]
    if not (gtin.isascii() and gtin.isdigit() and len(gtin) in (8, 12, 13, 14)):
        return None
    pairs = list(zip(parts[2::2], parts[3::2], strict=True))
    keys = [key for key, _ in pairs]
    if keys[-1] != "21" or keys not in (["21"], ["10", "21"], ["22", "21"], ["22", "10", "21"]):
        return None
    if any(not value or len(value) > 20 for _, value in pairs):
        return None
    token = pairs[-1][1]
    return Code("stamp", token, gtin14(gtin)) if is_stamp_token(token) else None


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
    return _gs1(parts)


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


def forget_rules() -> None:
    """Drop the memo (after loading new rules in the same process)."""
    _rules_memo.clear()


def _thumbnail(product_path: str):
    return Subquery(
        ProductImage.objects.filter(product=OuterRef(product_path))
        .order_by("position", "id")
        .values("thumbnail")[:1]
    )


def _certificates():
    return Certificate.objects.select_related("revocation").order_by(
        F("decision_date").desc(nulls_last=True), "-id"
    )


def _judge(result: Verification, certificate: Certificate | None, today: date) -> Verification:
    result.certificate = certificate
    if certificate is None:
        # A stamp of a product without any certificate on record: nothing is in force.
        result.outcome = VerifyOutcome.EXPIRED
        return result
    live = live_status(certificate, today=today, table=_rules())
    result.outcome = OUTCOME_OF_LIVE[live]
    if live == LiveStatus.REVOKED:
        revocation = getattr(certificate, "revocation", None)
        if revocation is not None:
            result.revoked_on = revocation.decision_date
        elif certificate.status_changed_at is not None:
            result.revoked_on = certificate.status_changed_at.date()
    return result


def find_stamp(token: str) -> Stamp | None:
    """The stamp with its batch, product, subject, units and production batch
    (one query), annotated with the product's first thumbnail."""
    return (
        Stamp.objects.select_related(
            "batch__product__subject",
            "batch__product__commune",
            "batch__product__province",
            "batch__production_batch",
        )
        .annotate(thumbnail=_thumbnail("batch__product_id"))
        .filter(token=token)
        .first()
    )


def verify_stamp(code: Code, *, path: str, today: date, stamp: Stamp | None = None) -> Verification:
    result = Verification(VerifyOutcome.UNKNOWN, clean_code(path))
    stamp = stamp if stamp is not None else find_stamp(code.token)
    if stamp is None:
        return result
    product = stamp.batch.product
    if code.gtin and (not product.gtin or gtin14(product.gtin) != code.gtin):
        return result
    result.stamp = stamp
    result.product = product
    result.thumbnail = stamp.thumbnail or ""
    if stamp.state == StampState.VOIDED:
        result.outcome = VerifyOutcome.VOIDED
        return result
    certificate = (
        _certificates()
        .filter(product_id=product.pk)
        .exclude(status=CertificateStatus.SUPERSEDED)
        .first()
    )
    return _judge(result, certificate, today)


def verify_certificate(code: Code, *, path: str, today: date) -> Verification:
    result = Verification(VerifyOutcome.UNKNOWN, clean_code(path))
    certificate = (
        _certificates()
        .select_related(
            "product__subject", "product__commune", "product__province", "superseded_by"
        )
        .annotate(thumbnail=_thumbnail("product_id"))
        .filter(token=code.token)
        .first()
    )
    if certificate is None:
        return result
    result.product = certificate.product
    result.thumbnail = certificate.thumbnail or ""
    _judge(result, certificate, today)
    if result.outcome == VerifyOutcome.SUPERSEDED:
        result.newer = certificate.superseded_by
    return result


def verify(path: str, *, today: date) -> Verification:
    """The verdict on a scanned path: malformed and unknown codes are unknown."""
    code = parse_code(path)
    if code is None:
        return Verification(VerifyOutcome.UNKNOWN, clean_code(path))
    if code.kind == "certificate":
        return verify_certificate(code, path=path, today=today)
    return verify_stamp(code, path=path, today=today)


def lookup(path: str) -> tuple[Stamp | None, Product | None]:
    """The stamp and product a scanned path designates (for a complaint), or
    (None, None) for an unknown or malformed code."""
    code = parse_code(path)
    if code is None:
        return None, None
    if code.kind == "certificate":
        certificate = Certificate.objects.select_related("product").filter(token=code.token).first()
        return (None, certificate.product) if certificate else (None, None)
    stamp = Stamp.objects.select_related("batch__product").filter(token=code.token).first()
    if stamp is None:
        return None, None
    product = stamp.batch.product
    if code.gtin and (not product.gtin or gtin14(product.gtin) != code.gtin):
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
