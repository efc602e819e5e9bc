"""The national product code ``PP-DDD-CCCCC-n-YYYY`` (mã sản phẩm OCOP).

Real codes printed before the 2025 reform read province (2 digits) –
district (3) – commune (5) – the product's sequence number within its commune
– the year of its recognition, e.g. ``83-832-28882-2-2022`` (the 4th part is
*not* the star). Since 1 July 2025 there are no districts and how new codes
are formed has not been published (the unconfirmed text of Decision
26/2026/QĐ-TTg drops the district). So the district part is configurable:

- ``OCOP_NATIONAL_CODE_DISTRICT = "000"`` (the default): ``000`` for a code
  given by this platform, so that the code keeps its five parts and its
  length, and can never be mistaken for a pre-2025 district;
- ``"legacy"``: the pre-2025 district of the commune's main predecessor
  (``geo.AdminUnitSuccession``), as the codes printed before the reform;
- any three digits: that value.

Province and commune are the 2025 codes of the product's commune. A product
gets its code once, when it is first recognised; a code that came with an
imported record (a registry list, an exchange package) is kept as it is.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Min

from ocop.geo.models import AdminUnitSuccession
from ocop.products.models import CodeSequence, Product, product_search_text

PATTERN = re.compile(r"^(\d{2})-(\d{3})-(\d{5})-(\d{1,5})-(\d{4})$")


@dataclass(frozen=True)
class NationalCode:
    province: str
    district: str
    commune: str
    sequence: int
    year: int

    def __str__(self):
        return f"{self.province}-{self.district}-{self.commune}-{self.sequence}-{self.year}"


def parse_code(text: str) -> NationalCode | None:
    """The parts of a well-formed code (spaces ignored), or None."""
    match = PATTERN.match((text or "").replace(" ", "").strip())
    if match is None:
        return None
    province, district, commune, sequence, year = match.groups()
    return NationalCode(province, district, commune, int(sequence), int(year))


def district_part(commune) -> str:
    """The ``DDD`` of a code given today for ``commune`` (see module doc)."""
    mode = str(getattr(settings, "OCOP_NATIONAL_CODE_DISTRICT", "000"))
    if mode == "legacy":
        legacy = (
            AdminUnitSuccession.objects.filter(current=commune, legacy__parent__isnull=False)
            .order_by("-is_primary", "legacy_id")
            .values_list("legacy__parent__code", flat=True)
            .first()
        )
        return (legacy or "000").zfill(3)[-3:]
    return mode.zfill(3)[-3:] if mode.isdigit() else "000"


def _next_sequence(commune_code: str) -> int:
    CodeSequence.objects.get_or_create(commune_code=commune_code)
    row = CodeSequence.objects.select_for_update().get(commune_code=commune_code)
    row.last += 1
    row.save(update_fields=["last"])
    return row.last


def _note_sequence(code: NationalCode) -> None:
    """Keep the commune's counter past an imported code's sequence."""
    CodeSequence.objects.get_or_create(commune_code=code.commune)
    row = CodeSequence.objects.select_for_update().get(commune_code=code.commune)
    if code.sequence > row.last:
        row.last = code.sequence
        row.save(update_fields=["last"])


def _store(product: Product, code: str) -> None:
    product.national_code = code
    subject_name = product.subject.name
    product.search_text = product_search_text(
        name=product.name, subject_name=subject_name, commune=product.commune, national_code=code
    )
    Product.objects.filter(pk=product.pk).update(
        national_code=code, search_text=product.search_text
    )


@transaction.atomic
def assign_national_code(*, product: Product, year: int, given: str = "") -> str:
    """Give ``product`` its national code if it has none: ``given`` (a code
    from an imported record) when it is well formed and free, else the next
    sequence number of its commune in ``year``. Returns the product's code."""
    if product.national_code:
        return product.national_code
    parsed = parse_code(given)
    if parsed is not None and not Product.objects.filter(national_code=str(parsed)).exists():
        _note_sequence(parsed)
        _store(product, str(parsed))
        return product.national_code
    commune = product.commune
    province_code = commune.province.code if commune.province_id else ""
    commune_code = commune.code.zfill(5)[-5:]
    while True:
        code = str(
            NationalCode(
                province=province_code.zfill(2)[-2:],
                district=district_part(commune),
                commune=commune_code,
                sequence=_next_sequence(commune_code),
                year=year,
            )
        )
        if not Product.objects.filter(national_code=code).exists():
            break
    _store(product, code)
    return code


@transaction.atomic
def assign_missing_codes(*, product_ids, batch_size: int = 500) -> int:
    """Give a code to each of these products that was recognised (has a
    certificate) and has none, dated by its first certificate, in bulk: one
    locked counter per commune, one update per batch. Returns how many."""
    products = list(
        Product.objects.filter(pk__in=list(product_ids), national_code="")
        .annotate(first_decision=Min("certificates__decision_date"))
        .filter(first_decision__isnull=False)
        .select_related("subject", "commune__province", "commune__parent")
        .order_by("first_decision", "pk")
    )
    if not products:
        return 0
    by_commune: dict[str, list[Product]] = {}
    for product in products:
        by_commune.setdefault(product.commune.code.zfill(5)[-5:], []).append(product)
    districts: dict[int, str] = {}
    for commune_code, group in sorted(by_commune.items()):
        CodeSequence.objects.get_or_create(commune_code=commune_code)
        counter = CodeSequence.objects.select_for_update().get(commune_code=commune_code)
        for product in group:
            commune = product.commune
            if commune.pk not in districts:
                districts[commune.pk] = district_part(commune)
            counter.last += 1
            product.national_code = str(
                NationalCode(
                    province=commune.province.code.zfill(2)[-2:],
                    district=districts[commune.pk],
                    commune=commune_code,
                    sequence=counter.last,
                    year=product.first_decision.year,
                )
            )
            product.search_text = product_search_text(
                name=product.name,
                subject_name=product.subject.name,
                commune=commune,
                national_code=product.national_code,
            )
        counter.save(update_fields=["last"])
    Product.objects.bulk_update(products, ["national_code", "search_text"], batch_size=batch_size)
    return len(products)


def note_imported_code(code: str) -> None:
    """An imported record kept its code: this instance's own codes for that
    commune continue after its sequence number."""
    parsed = parse_code(code)
    if parsed is not None:
        _note_sequence(parsed)
