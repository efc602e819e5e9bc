"""Certificate numbers.

Pattern: ``{sequence:04d}/{year}/OCOP-{authority}``, numbered from 1 each
year for each issuing authority, in the style of Vietnamese document numbers
("số/năm/ký hiệu"):

* a province: its 2025 code, e.g. ``0012/2025/OCOP-38`` (Thanh Hóa);
* the centre (the ministry): ``TW``, e.g. ``0003/2025/OCOP-TW``;
* a district (records before 1 July 2025): its code, e.g. ``0001/2022/OCOP-H389``.

The year is the decision's. Numbers appear on the certificate and in the
annex, never in a URL (the public link uses the certificate's random token).
A row lock on the authority's counter keeps two decisions issued at the same
moment from sharing a number, and a unique constraint stands behind it.
"""

from ocop.geo.enums import Level

from ..enums import AuthorityLevel
from ..models import NumberCounter


def authority_code(*, level: str, unit) -> str:
    if level == AuthorityLevel.CENTRAL or unit is None:
        return "TW"
    if unit.level == Level.DISTRICT:
        return f"H{unit.code}"
    return unit.code


def allocate_numbers(*, level: str, unit, year: int, count: int) -> list[str]:
    """``count`` consecutive numbers; call inside the issuing transaction."""
    code = authority_code(level=level, unit=unit)
    counter, _created = NumberCounter.objects.select_for_update().get_or_create(
        key=f"{code}/{year}"
    )
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return [f"{n:04d}/{year}/OCOP-{code}" for n in range(first, first + count)]
