"""What search engines and partners read: slugs, canonical URLs, JSON-LD."""

import json

from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import slugify

from ocop.core.text import fold_vi


def slug_of(name: str) -> str:
    return slugify(fold_vi(name))[:80].strip("-") or "ocop"


def product_path(product) -> str:
    return reverse("portal:product", kwargs={"slug": slug_of(product.name), "pk": product.pk})


def producer_path(subject) -> str:
    return reverse("portal:producer", kwargs={"slug": slug_of(subject.name), "pk": subject.pk})


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def json_ld(data: dict) -> str:
    """JSON for a ``<script type="application/ld+json">`` data block: the
    characters that could end the element or open a comment are escaped, so
    the text can never become markup (the block is data, never executed)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return mark_safe(text)


def product_json_ld(page, *, url: str, image_urls: list[str], status_label: str) -> dict:
    product = page.product
    subject = product.subject
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "url": url,
        "description": (product.description or product.story or "")[:5000],
        "brand": {"@type": "Brand", "name": subject.name},
        "manufacturer": {
            "@type": "Organization",
            "name": subject.name,
            "address": {
                "@type": "PostalAddress",
                "addressLocality": product.commune.full_name,
                "addressRegion": product.province.full_name,
                "addressCountry": "VN",
            },
        },
        "countryOfOrigin": {"@type": "Country", "name": "VN"},
    }
    if image_urls:
        data["image"] = image_urls
    if product.gtin:
        data["gtin"] = product.gtin
    if product.category_id:
        data["category"] = product.category.name
    properties = [{"@type": "PropertyValue", "name": "OCOP certificate", "value": status_label}]
    if page.certificate is not None:
        properties.append(
            {"@type": "PropertyValue", "name": "OCOP stars", "value": page.certificate.star}
        )
        if page.in_force:
            data["award"] = f"OCOP {page.certificate.star}★"
    data["additionalProperty"] = properties
    return data
