"""Demo data (``manage.py load_demo``): the province and communes the demo
lives in. Sets ``ctx.province`` and ``ctx.communes`` (by name)."""

from django.core.management.base import CommandError

from ocop.geo.enums import Era, Level
from ocop.geo.models import AdminUnit

PROVINCE_CODE = "38"  # Tỉnh Thanh Hóa
COMMUNES = ["Hoằng Hóa", "Hậu Lộc", "Hạc Thành", "Sầm Sơn"]


def load(*, ctx) -> None:
    try:
        province = AdminUnit.objects.get(era=Era.CURRENT, level=Level.PROVINCE, code=PROVINCE_CODE)
    except AdminUnit.DoesNotExist as exc:
        raise CommandError("Run `manage.py load_admin_units` first.") from exc
    communes = {
        u.name: u
        for u in AdminUnit.objects.filter(
            era=Era.CURRENT, level=Level.COMMUNE, province=province, name__in=COMMUNES
        )
    }
    missing = set(COMMUNES) - set(communes)
    if missing:
        raise CommandError(f"Communes not found in Thanh Hóa: {sorted(missing)}")
    ctx.province = province
    ctx.communes = communes
