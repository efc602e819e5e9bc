"""What the GS1-Conformant resolver answers for a stamp or a product: its
links by GS1 link type, and the RFC 9264 linkset that lists them.

A stamp's Digital Link (``/01/{GTIN}[/10/{lot}]/21/{token}``) offers:

* ``gs1:defaultLink`` and ``gs1:verificationService``: the verification page
  (the URI itself: a person's phone gets the page without a redirect);
* ``gs1:pip``: the product's page in the public catalogue when it is
  published there, otherwise the verification page;
* ``gs1:certificationInfo``: the public page of its current certificate;
* ``gs1:traceability``: the production batch on the verification page, when
  the stamps were issued for one.

A product's link (``/01/{GTIN}``) offers ``gs1:pip`` (its default) and
``gs1:certificationInfo``.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from ocop.certification.enums import CertificateStatus
from ocop.products.enums import OcopStatus
from ocop.products.models import Product

from .readmodel import current_certificate

GS1_VOC = "https://gs1.org/voc/"
LINKSET_TYPE = "application/linkset+json"
PUBLISHED = (OcopStatus.CERTIFIED, OcopStatus.EXPIRED, OcopStatus.REVOKED)  # as the portal's
LINK_TYPES = ("defaultLink", "verificationService", "pip", "certificationInfo", "traceability")
HREFLANG = ["vi", "en"]


@dataclass(frozen=True)
class Link:
    rel: str  # a GS1 link type without its prefix ("pip")
    href: str  # absolute
    title: str

    @property
    def uri(self) -> str:
        return f"{GS1_VOC}{self.rel}"

    def as_target(self) -> dict:
        return {"href": self.href, "title": self.title, "type": "text/html", "hreflang": HREFLANG}


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def link_type(value: str) -> str | None:
    """``gs1:pip`` / ``https://gs1.org/voc/pip`` → ``pip``; None if not GS1's."""
    for prefix in ("gs1:", GS1_VOC):
        if value.startswith(prefix):
            return value.removeprefix(prefix)
    return None


def _product_page(product) -> str:
    if product.status in PUBLISHED:
        return absolute(reverse("portal:product_by_id", args=[product.id]))
    return ""


def stamp_links(result, *, anchor: str) -> list[Link]:
    """The links of a stamp found genuine or not (``result``: a ``Verification``
    with its stamp); ``anchor``: the stamp's canonical Digital Link URI."""
    page = anchor
    product = result.product
    links = [
        Link("defaultLink", page, _("OCOP stamp verification")),
        Link("verificationService", page, _("OCOP stamp verification")),
        Link("pip", _product_page(product) or page, product.name),
    ]
    certificate = result.certificate
    if certificate is not None:
        href = absolute(reverse("verify:certificate", args=[certificate.token]))
        links.append(Link("certificationInfo", href, _("OCOP certificate")))
    batch = result.production_batch
    if batch is not None:
        fragment = f"#trace-batch-{batch.public_id}"
        links.append(Link("traceability", page + fragment, _("Production batch")))
    return links


def product_links(product: Product, *, anchor: str) -> list[Link]:
    """The links of a product's GTIN (``/01/{GTIN}``)."""
    links = []
    page = _product_page(product)
    certificate = current_certificate(product.id)
    certificate_href = (
        absolute(reverse("verify:certificate", args=[certificate.token]))
        if certificate is not None and certificate.status != CertificateStatus.SUPERSEDED
        else ""
    )
    default = page or certificate_href
    if not default:
        return []
    links.append(Link("defaultLink", default, product.name))
    if page:
        links.append(Link("pip", page, product.name))
    if certificate_href:
        links.append(Link("certificationInfo", certificate_href, _("OCOP certificate")))
    return links


def product_by_gtin(gtin14: str) -> Product | None:
    """The product carrying this GTIN (stored as 8–14 digits)."""
    candidates = {gtin14, gtin14.lstrip("0")}
    candidates |= {gtin14[-n:] for n in (8, 12, 13)}
    for product in Product.objects.filter(gtin__in=candidates).order_by("id"):
        if product.gtin.zfill(14) == gtin14:
            return product
    return None


def linkset(anchor: str, links: list[Link]) -> dict:
    """An RFC 9264 linkset (JSON): one context (the anchor), each relation
    type (GS1's link type URIs) with its target objects."""
    context: dict = {"anchor": anchor}
    for link in links:
        context.setdefault(link.uri, []).append(link.as_target())
    return {"linkset": [context]}


def link_header(anchor: str, links: list[Link]) -> str:
    """The HTTP ``Link`` header (RFC 8288): the linkset, then each link."""
    parts = [f'<{anchor}?linkType=linkset>; rel="linkset"; type="{LINKSET_TYPE}"']
    parts += [f'<{link.href}>; rel="{link.uri}"' for link in links]
    return ", ".join(parts)


# A stamp's Link header under one read-model version: its links but the
# stamp's own URI (the anchor) are those of its batch, so the header is kept
# as a template per (batch, version, site) with a marker for the anchor.
_ANCHOR = "\ue000anchor\ue000"
_HEADERS: dict[tuple, str] = {}
_HEADERS_MAX = 4096


def stamp_link_header(result, *, anchor: str) -> str:
    """``link_header(anchor, stamp_links(result, anchor=anchor))``, built once
    per batch and read-model version (the anchor filled in per stamp)."""
    if result.version is None or result.batch_id is None:
        return link_header(anchor, stamp_links(result, anchor=anchor))
    key = (result.batch_id, result.version, settings.SITE_URL)
    template = _HEADERS.get(key)
    if template is None:
        template = link_header(_ANCHOR, stamp_links(result, anchor=_ANCHOR))
        if len(_HEADERS) >= _HEADERS_MAX:
            _HEADERS.clear()
        _HEADERS[key] = template
    return template.replace(_ANCHOR, anchor)


def resolver_description() -> dict:
    """``/.well-known/gs1resolver`` (GS1-Conformant Resolver standard)."""
    return {
        "name": "OCOP Platform",
        "resolverRoot": settings.SITE_URL.rstrip("/"),
        "supportedPrimaryKeys": ["01"],
        "supportedLinkType": [f"gs1:{rel}" for rel in LINK_TYPES],
        "linkTypeDefaultCanBeLinkset": False,
        "supportedContextValuesEnumerated": [],
        "supportsCompressedLinks": True,
    }
