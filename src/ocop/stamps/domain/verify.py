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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from ocop.certification.domain.rules import rules_table
from ocop.certification.domain.status import live_status
from ocop.certification.enums import CertificateStatus, LiveStatus
from ocop.certification.models import Certificate
from ocop.geo.models import AdminUnit
from ocop.producers.models import Subject
from ocop.products.models import Product, ProductImage

from ..enums import StampState, VerifyOutcome
from ..models import Stamp
from .links import TOKEN_ALPHABET, TOKEN_LENGTH, gtin14
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
class StampView:
    """What the page shows of a stamp; ``record_scan`` updates the counters."""

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

    @property
    def http_status(self) -> int:
        return HTTP_STATUS.get(self.outcome, 200)

    @property
    def in_force(self) -> bool:
        return self.outcome in IN_FORCE


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


class Prepared:
    """A read compiled once per process and database, then only executed.

    The verification page is the hottest path of the site: compiling the ORM
    query of a stamp joined to its product, subject and units costs ten times
    more than running it. The ORM builds the SQL and the column converters
    once (with a marker in place of the looked-up value); each call executes
    that SQL with the new value and applies the same converters, returning a
    dict of the values_list names.
    """

    def __init__(self, build: Callable, marker):
        self._build = build  # build(marker) -> a values_list() queryset
        self._marker = marker
        self._compiled: dict[str, tuple] = {}

    def _compile(self, using: str) -> tuple:
        queryset = self._build(self._marker)
        query = queryset.query
        compiler = query.get_compiler(using)
        sql, params = compiler.as_sql()
        slots = [i for i, value in enumerate(params) if value == self._marker]
        if not slots:
            raise ValueError("the marker does not appear in the query's parameters")
        # The names of the row's columns, as Django's own values iterables read them.
        if query.selected:
            names = list(query.selected)
        else:
            names = [*query.extra_select, *query.values_select, *query.annotation_select]
        converters = compiler.get_converters([column for column, _sql, _alias in compiler.select])
        compiled = (sql, list(params), slots, names, converters)
        self._compiled[using] = compiled
        return compiled

    def first(self, value, *, using: str = DEFAULT_DB_ALIAS) -> dict | None:
        sql, params, slots, names, converters = self._compiled.get(using) or self._compile(using)
        params = list(params)
        for slot in slots:
            params[slot] = value
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        row = list(row)
        for position, (functions, expression) in converters.items():
            converted = row[position]
            for function in functions:
                converted = function(converted, expression, connection)
            row[position] = converted
        return dict(zip(names, row, strict=True))


TOKEN_MARKER = "__marker__"  # noqa: S105 -- not a secret: never a valid token, never sent
ID_MARKER = -987654321


def _thumbnail(product_path: str):
    return Subquery(
        ProductImage.objects.filter(product=OuterRef(product_path))
        .order_by("position", "id")
        .values("thumbnail")[:1]
    )


# Columns of the product read through the stamp's (or certificate's) join;
# the names of its subject and units come from scalar subqueries, which keep
# the planner's join search small (on PostgreSQL, planning a six-table join
# cost more than running it).
PRODUCT_FIELDS = {"id": "id", "name": "name", "gtin": "gtin", "province_id": "province_id"}
PRODUCT_NAMES = ("subject_name", "commune_name", "province_name")
CERTIFICATE_FIELDS = {
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
STAMP_FIELDS = {
    "pk": "id",
    "serial": "serial",
    "token": "token",
    "state": "state",
    "first_scan_at": "first_scan_at",
    "scan_count": "scan_count",
    "product_id": "batch__product_id",
    "production_batch_id": "batch__production_batch_id",
}
STAMP_GTIN = "batch__gtin"  # the GTIN the stamp was issued under


def _value_of(model, reference: str, field: str):
    return Subquery(model.objects.filter(pk=OuterRef(reference)).values(field)[:1])


def _product_annotations(prefix: str) -> dict:
    return {
        "subject_name": _value_of(Subject, f"{prefix}subject_id", "name"),
        "commune_name": _value_of(AdminUnit, f"{prefix}commune_id", "full_name"),
        "province_name": _value_of(AdminUnit, f"{prefix}province_id", "full_name"),
        "thumbnail": _thumbnail(f"{prefix}id"),
    }


def _columns(fields: dict[str, str], prefix: str = "") -> list[str]:
    return [f"{prefix}{path}" for path in fields.values()]


def _pick(row: dict, fields: dict[str, str], prefix: str = "") -> dict:
    return {name: row[f"{prefix}{path}"] for name, path in fields.items()}


def _product(row: dict, prefix: str) -> ProductView:
    return ProductView(
        **_pick(row, PRODUCT_FIELDS, prefix), **{name: row[name] for name in PRODUCT_NAMES}
    )


# A stamp with its product, subject and units (one query).
STAMP_QUERY = Prepared(
    lambda token: (
        Stamp.objects.filter(token=token)
        .annotate(**_product_annotations("batch__product__"))
        .values_list(
            *_columns(STAMP_FIELDS),
            STAMP_GTIN,
            *_columns(PRODUCT_FIELDS, "batch__product__"),
            *PRODUCT_NAMES,
            "thumbnail",
        )[:1]
    ),
    TOKEN_MARKER,
)
# The newest certificate of a product that was not superseded.
CURRENT_CERTIFICATE_QUERY = Prepared(
    lambda product_id: (
        Certificate.objects.filter(product_id=product_id)
        .exclude(status=CertificateStatus.SUPERSEDED)
        .order_by(F("decision_date").desc(nulls_last=True), "-id")
        .values_list(*_columns(CERTIFICATE_FIELDS))[:1]
    ),
    ID_MARKER,
)
# A certificate by its token, with its product (one query).
CERTIFICATE_QUERY = Prepared(
    lambda token: (
        Certificate.objects.filter(token=token)
        .annotate(
            **_product_annotations("product__"),
            newer_token=_value_of(Certificate, "superseded_by_id", "token"),
        )
        .values_list(
            *_columns(CERTIFICATE_FIELDS),
            *_columns(PRODUCT_FIELDS, "product__"),
            *PRODUCT_NAMES,
            "thumbnail",
            "newer_token",
        )[:1]
    ),
    TOKEN_MARKER,
)


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


def verify_stamp(code: Code, *, path: str, today: date) -> Verification:
    result = Verification(VerifyOutcome.UNKNOWN, clean_code(path))
    row = STAMP_QUERY.first(code.token)
    if row is None:
        return result
    product = _product(row, "batch__product__")
    if not gtin_matches(code.gtin, issued=row[STAMP_GTIN], current=product.gtin):
        return result
    result.stamp = StampView(**_pick(row, STAMP_FIELDS))
    result.product = product
    result.thumbnail = row["thumbnail"] or ""
    if result.stamp.state == StampState.VOIDED:
        result.outcome = VerifyOutcome.VOIDED
        return result
    found = CURRENT_CERTIFICATE_QUERY.first(product.id)
    certificate = CertificateView(**_pick(found, CERTIFICATE_FIELDS)) if found else None
    return _judge(result, certificate, today)


def verify_certificate(code: Code, *, path: str, today: date) -> Verification:
    result = Verification(VerifyOutcome.UNKNOWN, clean_code(path))
    row = CERTIFICATE_QUERY.first(code.token)
    if row is None:
        return result
    certificate = CertificateView(
        **_pick(row, CERTIFICATE_FIELDS), superseded_by_token=row["newer_token"]
    )
    result.product = _product(row, "product__")
    result.thumbnail = row["thumbnail"] or ""
    _judge(result, certificate, today)
    if result.outcome == VerifyOutcome.SUPERSEDED:
        result.newer_token = certificate.superseded_by_token or ""
    return result


def verify(path: str, *, today: date) -> Verification:
    """The verdict on a scanned path: malformed and unknown codes are unknown.
    Two reads for a stamp (stamp with product; certificate), one for a
    certificate; none for a malformed code."""
    code = parse_code(path)
    if code is None:
        return Verification(VerifyOutcome.UNKNOWN, clean_code(path))
    if code.kind == "certificate":
        return verify_certificate(code, path=path, today=today)
    return verify_stamp(code, path=path, today=today)


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
    stamp = Stamp.objects.select_related("batch__product").filter(token=code.token).first()
    if stamp is None:
        return None, None
    product = stamp.batch.product
    if not gtin_matches(code.gtin, issued=stamp.batch.gtin, current=product.gtin):
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
