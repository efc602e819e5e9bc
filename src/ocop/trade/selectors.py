"""What the public pages (the portal's product and producer pages) show of a
product's trade: where to buy it, its online listings, its export markets and
where to send an inquiry. Two queries whatever the data size."""

from dataclasses import dataclass, field

from django.db.models import CharField, F, IntegerField, Value
from django.db.models.functions import Cast, ExtractYear
from django.urls import reverse
from django.utils import timezone

from ocop.products.domain.queries import ocop_status
from ocop.products.enums import OcopStatus

from .domain.countries import country_name
from .domain.queries import open_points, public_products
from .enums import LinkState, Platform
from .models import ExportMarket, Listing


@dataclass(frozen=True)
class PublicListing:
    platform: str
    url: str
    since_year: int

    @property
    def label(self) -> str:
        return Platform(self.platform).label


@dataclass(frozen=True)
class PublicExport:
    country: str
    years: tuple[int, ...]

    @property
    def name(self) -> str:
        return country_name(self.country)


@dataclass
class PublicTrade:
    points: list = field(default_factory=list)
    listings: list[PublicListing] = field(default_factory=list)
    exports: list[PublicExport] = field(default_factory=list)
    inquiry_url: str = ""

    @property
    def has_places(self) -> bool:
        return bool(self.points or self.listings)


def public_trade_for_product(product) -> PublicTrade:
    """The open points of sale carrying ``product``, its working listings and
    its export markets (newest year first), and the URL of its inquiry form;
    nothing (no query) for a product whose certificate is not in force, which
    may no longer be sold as an OCOP product."""
    if ocop_status(product, today=timezone.localdate()) != OcopStatus.CERTIFIED:
        return PublicTrade()
    points = list(
        open_points()
        .filter(products=product)
        .select_related("commune", "province")
        .order_by("province__code", "name", "id")
    )
    listings = (
        Listing.objects.filter(product=product)
        .exclude(link_state=LinkState.DEAD)
        .annotate(
            row=Value("listing", output_field=CharField()),
            code=F("platform"),
            text=F("url"),
            num=ExtractYear("since"),
        )
        .values_list("row", "code", "text", "num")
        .order_by()
    )
    exports = (
        ExportMarket.objects.filter(product=product)
        .annotate(
            row=Value("export", output_field=CharField()),
            code=F("country"),
            text=Cast(Value(""), output_field=CharField()),
            num=Cast("year", output_field=IntegerField()),
        )
        .values_list("row", "code", "text", "num")
        .order_by()
    )
    found = PublicTrade(points=points, inquiry_url=reverse("inquiry:product", args=[product.pk]))
    years: dict[str, set[int]] = {}
    for row, code, text, num in listings.union(exports, all=True).order_by():
        if row == "listing":
            found.listings.append(PublicListing(platform=code, url=text, since_year=num))
        else:
            years.setdefault(code, set()).add(num)
    order = {value: i for i, value in enumerate(Platform.values)}
    found.listings.sort(key=lambda item: (order.get(item.platform, 99), item.url))
    found.exports = sorted(
        (PublicExport(country=c, years=tuple(sorted(ys, reverse=True))) for c, ys in years.items()),
        key=lambda item: (-item.years[0], item.name),
    )
    return found


def inquiry_url_for_subject(subject) -> str:
    """The URL of the inquiry form of ``subject``, or "" when none of its
    products holds a certificate in force (one query)."""
    if not public_products().filter(subject=subject).exists():
        return ""
    return reverse("inquiry:subject", args=[subject.pk])
