"""The open data sets: each with its stable English field names and types
(the data dictionary) and the function that gives its rows as Python values
(ints, Decimals, dates, aware datetimes, text; None when empty).

Only what the public pages already show is published: products whose
certificate is or was in force (the catalogue's rule), their certificates,
subjects with such a product — their representative, phone, e-mail and
street address only where their public profile publishes them
(``portal.PublicProfile``) —, and the points of sale open today."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from ocop.certification.domain.rules import rules_table
from ocop.certification.domain.status import live_status
from ocop.certification.models import Certificate
from ocop.portal import seo
from ocop.portal.domain.queries import PUBLIC_STATUSES, public_subjects
from ocop.portal.feeds import feed_rows
from ocop.products.models import Product
from ocop.trade.domain.queries import open_points

INTEGER, DECIMAL, DATE, DATETIME, TEXT, CODE, URL = (
    "integer",
    "decimal",
    "date",
    "datetime",
    "text",
    "code",
    "url",
)

TYPE_NOTES = {
    INTEGER: _("whole number, digits only"),
    DECIMAL: _("number with a dot as decimal separator, no thousands separator"),
    DATE: _("date, ISO 8601 (YYYY-MM-DD)"),
    DATETIME: _(
        "date and time in UTC: ISO 8601 with offset in JSON, YYYY-MM-DD HH:MM:SS in the CSV"
    ),
    TEXT: _("text, UTF-8"),
    CODE: _("a code made of digits: import it as text in a spreadsheet, or leading zeros are lost"),
    URL: _("web address"),
}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: object  # lazy text


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: object
    description: object
    fields: tuple[Field, ...]
    rows: object  # (today) -> list[dict]

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]


def _date(value):
    return date.fromisoformat(value) if isinstance(value, str) and value else value or None


def _product_rows(today: date) -> list[dict]:
    rows = []
    for row in feed_rows():
        row = dict(row)
        for name in ("certificate_valid_until", "decision_date"):
            row[name] = _date(row[name])
        row["updated_at"] = datetime.fromisoformat(row["updated_at"])
        rows.append(row)
    return rows


PRODUCTS = Dataset(
    slug="products",
    title=_("OCOP products in force"),
    description=_(
        "Every product whose OCOP certificate is in force on the day of the snapshot, "
        "with its stars, decision, product set and producer."
    ),
    fields=(
        Field("id", INTEGER, _("the product's number on this site")),
        Field("name", TEXT, _("product name")),
        Field("url", URL, _("the product's public page")),
        Field("star", INTEGER, _("OCOP stars (3 to 5)")),
        Field("status", TEXT, _("live status: valid or expiring (expires soon)")),
        Field("certificate_valid_until", DATE, _("the certificate is valid until this day")),
        Field("decision_number", TEXT, _("number of the recognition decision")),
        Field("decision_date", DATE, _("date of the recognition decision")),
        Field("product_group", TEXT, _("product group code of Decision 148 (I to VI)")),
        Field("product_set", TEXT, _("product set code, e.g. I.4.a")),
        Field("product_set_name", TEXT, _("product set name (Vietnamese)")),
        Field("gtin", CODE, _("GS1 barcode number (GTIN), if given")),
        Field("producer_id", INTEGER, _("the producer's number (see the producers data set)")),
        Field("producer_name", TEXT, _("producer (subject) name")),
        Field("producer_url", URL, _("the producer's public page")),
        Field("commune", TEXT, _("commune or ward where it is made (2025 units)")),
        Field("province", TEXT, _("province (2025 units)")),
        Field("province_code", CODE, _("official two-digit province code")),
        Field("image_url", URL, _("the product's photo, if any")),
        Field("updated_at", DATETIME, _("last change of the product record")),
        Field("national_code", TEXT, _("national product code PP-DDD-CCCCC-n-YYYY")),
    ),
    rows=_product_rows,
)


def _certificate_rows(today: date) -> list[dict]:
    table = rules_table()
    certificates = (
        Certificate.objects.filter(product__status__in=PUBLIC_STATUSES)
        .select_related("product__province", "revocation")
        .order_by("product__province__code", "product_id", "decision_date", "id")
    )
    rows = []
    for c in certificates:
        revocation = getattr(c, "revocation", None)
        rows.append(
            {
                "certificate_number": c.number,
                "product_id": c.product_id,
                "national_code": c.product.national_code,
                "product_name": c.product.name,
                "product_url": seo.absolute(seo.product_path(c.product)),
                "star": c.star,
                "score": c.score,
                "decision_number": c.decision_number,
                "decision_date": c.decision_date,
                "recognised_by": c.authority_level,
                "valid_until": c.valid_until,
                "status": str(live_status(c, today=today, table=table)),
                "revocation_decision_number": revocation.decision_number if revocation else "",
                "revocation_date": revocation.decision_date if revocation else None,
                "province_code": c.product.province.code,
            }
        )
    return rows


CERTIFICATES = Dataset(
    slug="certificates",
    title=_("OCOP certificates"),
    description=_(
        "Every certificate of a product that has or had a public page, with its live status "
        "on the day of the snapshot: valid, expiring, expired, revoked or superseded."
    ),
    fields=(
        Field("certificate_number", TEXT, _("certificate number (empty for imported lists)")),
        Field("product_id", INTEGER, _("the product's number (see the products data set)")),
        Field("national_code", TEXT, _("national product code PP-DDD-CCCCC-n-YYYY")),
        Field("product_name", TEXT, _("product name")),
        Field("product_url", URL, _("the product's public page")),
        Field("star", INTEGER, _("OCOP stars (1 to 5)")),
        Field("score", DECIMAL, _("the council's mean score out of 100, if known")),
        Field("decision_number", TEXT, _("number of the recognition decision")),
        Field("decision_date", DATE, _("date of the recognition decision")),
        Field("recognised_by", TEXT, _("level that recognised it: district, province, central")),
        Field("valid_until", DATE, _("end of validity")),
        Field("status", TEXT, _("valid, expiring, expired, revoked, superseded or undetermined")),
        Field("revocation_decision_number", TEXT, _("number of the revocation decision")),
        Field("revocation_date", DATE, _("date of the revocation decision")),
        Field("province_code", CODE, _("official two-digit province code")),
    ),
    rows=_certificate_rows,
)


def _producer_rows(today: date) -> list[dict]:
    subjects = (
        public_subjects()
        .select_related("commune", "province", "public_profile")
        .order_by("province__code", "pk")
    )
    counts = {}
    for subject_id in Product.objects.filter(status__in=PUBLIC_STATUSES).values_list(
        "subject_id", flat=True
    ):
        counts[subject_id] = counts.get(subject_id, 0) + 1
    rows = []
    for s in subjects:
        profile = getattr(s, "public_profile", None)
        shown = set(profile.published_fields()) if profile else set()
        rows.append(
            {
                "id": s.pk,
                "name": s.name,
                "url": seo.absolute(seo.producer_path(s)),
                "legal_form": s.legal_form,
                "commune": s.commune.full_name,
                "province": s.province.full_name,
                "province_code": s.province.code,
                "products": counts.get(s.pk, 0),
                "representative": s.representative if "representative" in shown else "",
                "phone": s.phone if "phone" in shown else "",
                "email": s.email if "email" in shown else "",
                "address": s.address if "address" in shown else "",
                "website": profile.website if "website" in shown else "",
            }
        )
    return rows


PRODUCERS = Dataset(
    slug="producers",
    title=_("OCOP producers' public profiles"),
    description=_(
        "Every subject with a product that has or had a public page. The representative, "
        "phone, e-mail, street address and website are given only when the subject "
        "consented to publish them (its public profile); otherwise they are empty."
    ),
    fields=(
        Field("id", INTEGER, _("the producer's number on this site")),
        Field("name", TEXT, _("name of the subject (company, cooperative, household)")),
        Field("url", URL, _("the producer's public page")),
        Field("legal_form", TEXT, _("legal form code: tnhh1tv, tnhh2tv, dntn, ctcp, htx…")),
        Field("commune", TEXT, _("commune or ward (2025 units)")),
        Field("province", TEXT, _("province (2025 units)")),
        Field("province_code", CODE, _("official two-digit province code")),
        Field("products", INTEGER, _("number of its products with a public page")),
        Field("representative", TEXT, _("legal representative, if published")),
        Field("phone", CODE, _("phone, if published")),
        Field("email", TEXT, _("e-mail, if published")),
        Field("address", TEXT, _("street address, if published")),
        Field("website", URL, _("website, if published")),
    ),
    rows=_producer_rows,
)


def _point_rows(today: date) -> list[dict]:
    points = (
        open_points(today=today)
        .select_related("commune", "province")
        .prefetch_related(
            Prefetch(
                "products",
                queryset=Product.objects.filter(status__in=PUBLIC_STATUSES).only(
                    "pk", "national_code"
                ),
            )
        )
        .order_by("province__code", "pk")
    )
    rows = []
    for p in points:
        products = sorted(p.products.all(), key=lambda x: x.pk)
        rows.append(
            {
                "id": p.pk,
                "name": p.name,
                "kind": p.kind,
                "address": p.address,
                "commune": p.commune.full_name,
                "province": p.province.full_name,
                "province_code": p.province.code,
                "latitude": p.latitude,
                "longitude": p.longitude,
                "opening_hours": p.opening_hours,
                "operator": p.operator,
                "website": p.website,
                "open_since": p.since,
                "product_ids": " ".join(str(x.pk) for x in products),
            }
        )
    return rows


POINTS = Dataset(
    slug="points-of-sale",
    title=_("OCOP points of sale"),
    description=_("Showrooms, shops and counters selling OCOP products, open on the day."),
    fields=(
        Field("id", INTEGER, _("the point's number on this site")),
        Field("name", TEXT, _("name")),
        Field("kind", TEXT, _("showroom, shop, supermarket…")),
        Field("address", TEXT, _("street address")),
        Field("commune", TEXT, _("commune or ward (2025 units)")),
        Field("province", TEXT, _("province (2025 units)")),
        Field("province_code", CODE, _("official two-digit province code")),
        Field("latitude", DECIMAL, _("latitude, WGS 84 degrees")),
        Field("longitude", DECIMAL, _("longitude, WGS 84 degrees")),
        Field("opening_hours", TEXT, _("opening hours")),
        Field("operator", TEXT, _("run by")),
        Field("website", URL, _("website")),
        Field("open_since", DATE, _("open since")),
        Field("product_ids", CODE, _("numbers of the products sold there, separated by spaces")),
    ),
    rows=_point_rows,
)

DATASETS: dict[str, Dataset] = {d.slug: d for d in (PRODUCTS, CERTIFICATES, PRODUCERS, POINTS)}


def register(dataset: Dataset) -> None:
    """Add a data set (e.g. the statistics tables) to the downloads."""
    DATASETS[dataset.slug] = dataset
