"""The statistics tables as open data, read from the statistics layer
(``ocop.stats.domain``, the same figures as the dashboards): certified
products in force on the day by province, stars and product group, and the
year's changes (new, renewed, upgraded, expired, revoked) by province."""

from datetime import date

from django.utils.translation import gettext_lazy as _

from ocop.geo.domain.queries import current_provinces
from ocop.stats import domain as stats

from .datasets import CODE, DATE, INTEGER, TEXT, Dataset, Field


def _provinces() -> dict:
    return {p.pk: p for p in current_provinces()}


def _certified_rows(today: date) -> list[dict]:
    provinces = _provinces()
    table = stats.certified_products(as_of=today, by=("province", "star", "group"))
    rows = []
    for (province_id, star, group), figure in table.cells.items():
        province = provinces.get(province_id)
        if province is None:
            continue
        rows.append(
            {
                "as_of": today,
                "province_code": province.code,
                "province": province.full_name,
                "star": star,
                "product_group": group or "",
                "certified_products": figure.value,
            }
        )
    return sorted(rows, key=lambda r: (r["province_code"], r["star"], r["product_group"]))


CERTIFIED = Dataset(
    slug="statistics-certified-products",
    title=_("Statistics: certified products by province, stars and group"),
    description=_(
        "How many products hold an OCOP certificate in force on the day of the snapshot, by "
        "province, stars and product group: the figures of the dashboards."
    ),
    fields=(
        Field("as_of", DATE, _("the day counted")),
        Field("province_code", CODE, _("official two-digit province code")),
        Field("province", TEXT, _("province (2025 units)")),
        Field("star", INTEGER, _("OCOP stars")),
        Field("product_group", TEXT, _("product group code of Decision 148 (I to VI)")),
        Field("certified_products", INTEGER, _("products with a certificate in force")),
    ),
    rows=_certified_rows,
)


def _change_rows(today: date) -> list[dict]:
    provinces = _provinces()
    start = today.replace(month=1, day=1)
    rows = []
    for change, table in stats.certificate_changes(
        start=start, end=today, as_of=today, by=("province",)
    ).items():
        for (province_id,), figure in table.cells.items():
            province = provinces.get(province_id)
            if province is None:
                continue
            rows.append(
                {
                    "period_start": start,
                    "period_end": today,
                    "province_code": province.code,
                    "province": province.full_name,
                    "change": change,
                    "certificates": figure.value,
                }
            )
    return sorted(rows, key=lambda r: (r["province_code"], r["change"]))


CHANGES = Dataset(
    slug="statistics-certificate-changes",
    title=_("Statistics: the year's certificate changes by province"),
    description=_(
        "Certificates new, renewed, upgraded, expired or revoked from 1 January to the day of "
        "the snapshot, by province."
    ),
    fields=(
        Field("period_start", DATE, _("first day of the period")),
        Field("period_end", DATE, _("last day of the period")),
        Field("province_code", CODE, _("official two-digit province code")),
        Field("province", TEXT, _("province (2025 units)")),
        Field("change", TEXT, _("new, renewed, upgraded, expired or revoked")),
        Field("certificates", INTEGER, _("number of certificates")),
    ),
    rows=_change_rows,
)
