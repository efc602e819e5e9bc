"""Give the national product code to every product already recognised (with
a certificate), in order of its first decision, as ``assign_missing_codes``
does for new recognitions (historical models; the district part follows
``OCOP_NATIONAL_CODE_DISTRICT``)."""

from django.conf import settings
from django.db import migrations
from django.db.models import Min

from ocop.core.text import fold_vi


def _district(apps, commune, mode: str) -> str:
    if mode == "legacy":
        Succession = apps.get_model("geo", "AdminUnitSuccession")
        code = (
            Succession.objects.filter(current=commune, legacy__parent__isnull=False)
            .order_by("-is_primary", "legacy_id")
            .values_list("legacy__parent__code", flat=True)
            .first()
        )
        return (code or "000").zfill(3)[-3:]
    return mode.zfill(3)[-3:] if mode.isdigit() else "000"


def forwards(apps, schema_editor):
    Product = apps.get_model("products", "Product")
    CodeSequence = apps.get_model("products", "CodeSequence")
    mode = str(getattr(settings, "OCOP_NATIONAL_CODE_DISTRICT", "000"))
    products = (
        Product.objects.filter(national_code="")
        .annotate(first_decision=Min("certificates__decision_date"))
        .filter(first_decision__isnull=False)
        .select_related("commune__province", "commune__parent")
        .order_by("first_decision", "pk")
    )
    counters: dict[str, int] = {}
    districts: dict[int, str] = {}
    batch = []
    for product in products.iterator(chunk_size=2000):
        commune = product.commune
        commune_code = commune.code.zfill(5)[-5:]
        counters[commune_code] = counters.get(commune_code, 0) + 1
        if commune.pk not in districts:
            districts[commune.pk] = _district(apps, commune, mode)
        code = "-".join(
            [
                commune.province.code.zfill(2)[-2:],
                districts[commune.pk],
                commune_code,
                str(counters[commune_code]),
                str(product.first_decision.year),
            ]
        )
        product.national_code = code
        # The search text starts with the code (``product_search_text``).
        product.search_text = f" {fold_vi(code)} {product.search_text.strip()}"[:599] + " "
        batch.append(product)
        if len(batch) >= 2000:
            Product.objects.bulk_update(batch, ["national_code", "search_text"])
            batch = []
    if batch:
        Product.objects.bulk_update(batch, ["national_code", "search_text"])
    CodeSequence.objects.bulk_create(
        [CodeSequence(commune_code=code, last=last) for code, last in counters.items()]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("products", "0009_national_code"),
        # The product FK with related_name="certificates" (read below) comes in 0002.
        ("certification", "0002_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
