from ocop.geo.enums import Era, Level
from ocop.geo.models import AdminUnit


def province(code: str = "38") -> AdminUnit:
    """A 2025 province by its official code (38 = Thanh Hóa, 01 = Hà Nội)."""
    return AdminUnit.objects.get(era=Era.CURRENT, level=Level.PROVINCE, code=code)


def communes(province_code: str = "38", count: int = 2) -> list[AdminUnit]:
    """The first ``count`` 2025 communes/wards of a province, by code."""
    return list(
        AdminUnit.objects.filter(
            era=Era.CURRENT,
            level=Level.COMMUNE,
            province__code=province_code,
            province__era=Era.CURRENT,
        ).order_by("code")[:count]
    )
