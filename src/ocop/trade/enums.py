"""Kinds of points of sale, online platforms, link states and inquiry states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PointKind(models.TextChoices):
    """Điểm giới thiệu và bán sản phẩm OCOP, by the kinds provinces report."""

    SHOWROOM = "showroom", _("OCOP showroom")
    SHOP = "shop", _("Shop")
    SUPERMARKET = "supermarket", _("Supermarket counter")
    TRAVEL_HUB = "travel_hub", _("Airport or station counter")
    TRADE_CENTRE = "trade_centre", _("Provincial trade centre")


class Platform(models.TextChoices):
    POSTMART = "postmart", "Postmart"
    VOSO = "voso", "Voso"
    SHOPEE = "shopee", "Shopee"
    LAZADA = "lazada", "Lazada"
    TIKI = "tiki", "Tiki"
    TIKTOK_SHOP = "tiktok_shop", "TikTok Shop"
    PROVINCE_PORTAL = "province_portal", _("Province's trade portal")
    OWN_SITE = "own_site", _("Producer's own website")


# The platforms the reports count as e-commerce marketplaces ("sàn thương mại
# điện tử"): a producer's own site is not a marketplace; a province's trade
# portal is counted, as provinces do in their reports.
MARKETPLACES = (
    Platform.POSTMART,
    Platform.VOSO,
    Platform.SHOPEE,
    Platform.LAZADA,
    Platform.TIKI,
    Platform.TIKTOK_SHOP,
    Platform.PROVINCE_PORTAL,
)


class LinkState(models.TextChoices):
    UNCHECKED = "unchecked", _("not checked yet")
    LIVE = "live", _("working")
    DEAD = "dead", _("broken")


class InquiryState(models.TextChoices):
    NEW = "new", _("new")
    ANSWERED = "answered", _("answered")
    CLOSED = "closed", _("closed")


# The hosts a marketplace listing's address may be on (the host itself or a
# subdomain of it); a link elsewhere is refused as a likely mistake.
PLATFORM_HOSTS = {
    Platform.POSTMART: ("postmart.vn",),
    Platform.VOSO: ("voso.vn",),
    Platform.SHOPEE: ("shopee.vn", "shp.ee"),
    Platform.LAZADA: ("lazada.vn",),
    Platform.TIKI: ("tiki.vn",),
    Platform.TIKTOK_SHOP: ("tiktok.com",),
}
