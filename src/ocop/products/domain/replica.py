"""The centre's copies of a province's products, written by an exchange
import (``ocop.exchange``). The national code that came with the record is
kept as it is (it is the product's identity between the two)."""

from ocop.products.domain.national_code import note_imported_code
from ocop.products.models import Product


def save_product_replica(*, product: Product | None, values: dict) -> Product:
    """Create (``product`` None) or overwrite a product with ``values``;
    raises ``ValidationError`` (nothing written) when they do not fit."""
    product = product or Product()
    for name, value in values.items():
        setattr(product, name, value)
    product.province_id = product.commune.province_id
    product.full_clean(exclude=["group_code", "search_text"])
    product.save()
    if product.national_code:
        note_imported_code(product.national_code)
    return product
