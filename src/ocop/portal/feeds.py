"""For search engines and partners: sitemap.xml, robots.txt and the product
feed (CSV and JSON) that provincial trade sites and marketplaces import.

The feed's field names are stable English names (``queries.FEED_FIELDS``),
dates are ISO 8601, the text is UTF-8 (the CSV with a byte-order mark so that
Excel reads the accents). Cells that a spreadsheet would read as a formula
are written with a leading apostrophe (``core.xlsx.escape_cell``)."""

import csv
import io
import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from ocop.certification.domain.rules import rules_table
from ocop.certification.domain.status import live_status
from ocop.certification.models import Certificate
from ocop.core.xlsx import escape_cell
from ocop.geo.domain.queries import current_provinces

from . import seo
from .cache import cached, shared_cache
from .domain import queries


class PagesSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["site:home", "portal:catalogue"]

    def location(self, item):
        return reverse(item)


class ProvincesSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.7

    def items(self):
        today = timezone.localdate()
        with_products = (
            queries.catalogue(today=today).order_by().values_list("province", flat=True).distinct()
        )
        return list(current_provinces().filter(pk__in=with_products))

    def location(self, item):
        return f"{reverse('portal:catalogue')}?province={item.code}"


class ProductsSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8
    limit = 10000

    def items(self):
        return queries.public_products().only("pk", "name", "updated_at").order_by("pk")

    def location(self, item):
        return seo.product_path(item)

    def lastmod(self, item):
        return item.updated_at


class ProducersSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6
    limit = 10000

    def items(self):
        return queries.public_subjects().only("pk", "name", "updated_at").order_by("pk")

    def location(self, item):
        return seo.producer_path(item)

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "pages": PagesSitemap,
    "provinces": ProvincesSitemap,
    "products": ProductsSitemap,
    "producers": ProducersSitemap,
}

# Back-office and per-code pages: no use in a search index.
DISALLOW = (
    "/accounts/",
    "/api/",
    "/django-admin/",
    "/dashboard/",
    "/s/",
    "/c/",
    "/01/",
    "/kiem-tra-tem/",
)


@login_not_required
@shared_cache(max_age=3600)
@require_safe
def robots_txt(request):
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {path}" for path in DISALLOW]
    lines += ["", f"Sitemap: {settings.SITE_URL}{reverse('portal:sitemap')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def feed_rows() -> list[dict]:
    """The catalogue as rows of ``FEED_FIELDS`` (JSON types: ints, ISO dates)."""
    today = timezone.localdate()
    table = rules_table()
    rows = []
    for product in queries.feed_products(today=today):
        live = live_status(
            Certificate(
                status="valid",
                valid_until=product.certified_until,
                decision_date=product.decision_date,
            ),
            today=today,
            table=table,
        )
        category = product.category
        rows.append(
            {
                "id": product.pk,
                "name": product.name,
                "url": seo.absolute(seo.product_path(product)),
                "star": product.star,
                "status": str(live),
                "certificate_valid_until": _iso(product.certified_until),
                "decision_number": product.decision_number or "",
                "decision_date": _iso(product.decision_date),
                "product_group": product.group_code,
                "product_set": category.code if category else "",
                "product_set_name": category.name if category else "",
                "gtin": product.gtin,
                "producer_id": product.subject_id,
                "producer_name": product.subject.name,
                "producer_url": seo.absolute(seo.producer_path(product.subject)),
                "commune": product.commune.full_name,
                "province": product.province.full_name,
                "province_code": product.province.code,
                "image_url": (
                    seo.absolute(reverse("portal:image", args=[product.image_id]))
                    if product.image_id
                    else ""
                ),
                "updated_at": product.updated_at.isoformat(timespec="seconds"),
                "national_code": product.national_code,
            }
        )
    return rows


def _iso(value) -> str:
    return value.isoformat() if value else ""


def _feed_json() -> bytes:
    rows = feed_rows()
    document = {
        "source": settings.SITE_URL,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "count": len(rows),
        "fields": list(queries.FEED_FIELDS),
        "products": rows,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


def _feed_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(queries.FEED_FIELDS)
    for row in feed_rows():
        writer.writerow([escape_cell(row[name]) for name in queries.FEED_FIELDS])
    return ("\ufeff" + buffer.getvalue()).encode()


@login_not_required
@shared_cache(max_age=600)
@require_safe
def feed_json(request):
    body = cached("feed.json", (), _feed_json)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_not_required
@shared_cache(max_age=600)
@require_safe
def feed_csv(request):
    body = cached("feed.csv", (), _feed_csv)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="san-pham-ocop.csv"'
    return response
