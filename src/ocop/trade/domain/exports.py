"""The countries a product is exported to, by year: recorded and removed by
the people who edit the product."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.core.domain.activity import log_action

from .. import rules
from ..models import ExportMarket
from .countries import country

FIRST_YEAR = 2000


def export_data(market: ExportMarket) -> dict:
    return {
        "product": market.product_id,
        "country": market.country,
        "year": market.year,
        "note": market.note,
    }


@transaction.atomic
def add_export_market(*, by, product, country_code: str, year: int, note: str = ""):
    if not rules.can_edit_trade(by, product):
        raise PermissionDenied(_("You may only record exports of products you edit."))
    errors = {}
    found = country(country_code)
    if found is None:
        errors["country"] = [_("Choose a country from the list.")]
    elif found.code == "VN":
        errors["country"] = [_("Choose the country the product is exported to, not Vietnam.")]
    this_year = timezone.localdate().year
    if year is None or not FIRST_YEAR <= int(year) <= this_year:
        errors["year"] = [
            _("Give a year between %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": this_year}
        ]
    if errors:
        raise ValidationError(errors)
    exists = ExportMarket.objects.filter(product=product, country=found.code, year=year)
    duplicate = ValidationError({"country": [_("This country is already recorded for that year.")]})
    if exists.exists():
        raise duplicate
    try:
        with transaction.atomic():
            market = ExportMarket.objects.create(
                product=product,
                country=found.code,
                year=int(year),
                note=" ".join((note or "").split())[:255],
                created_by=by,
            )
    except IntegrityError:
        raise duplicate from None
    log_action(
        action="ocop.export_market.added",
        by=by,
        obj=market,
        unit=product.commune,
        data=export_data(market),
    )
    return market


@transaction.atomic
def remove_export_market(*, market: ExportMarket, by) -> None:
    market = ExportMarket.objects.select_related("product__subject__commune").get(pk=market.pk)
    if not rules.can_edit_trade(by, market.product):
        raise PermissionDenied(_("You may only remove exports of products you edit."))
    log_action(
        action="ocop.export_market.removed",
        by=by,
        obj=market,
        unit=market.product.commune,
        data={"id": market.pk, **export_data(market)},
    )
    market.delete()
