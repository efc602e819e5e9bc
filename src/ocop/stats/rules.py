"""Who reads the official report tables: the provincial office for its
provinces, the central office for every province and the nation."""

from ocop.accounts.enums import Role
from ocop.accounts.rules import scope_for
from ocop.geo.enums import Era, Level
from ocop.geo.models import AdminUnit

PROVINCE_ROLES = (Role.PROVINCE_OFFICER, Role.PROVINCE_ADMIN)
CENTRAL_ROLES = (Role.CENTRAL_OFFICER, Role.CENTRAL_ADMIN)
REPORT_ROLES = PROVINCE_ROLES + CENTRAL_ROLES


def can_read_reports(user) -> bool:
    return bool(report_units(user))


def report_units(user) -> list[tuple[str, str, AdminUnit | None]]:
    """(value, label, unit) the user may report on: the nation ("") first
    for the central office, then the provinces."""
    scope = scope_for(user)
    provinces = AdminUnit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE).order_by("name")
    units: list[tuple[str, str, AdminUnit | None]] = []
    if scope.is_national(CENTRAL_ROLES):
        units.append(("", "Toàn quốc", None))
    else:
        provinces = provinces.filter(pk__in=scope.province_ids(PROVINCE_ROLES))
    units.extend((str(p.pk), p.full_name, p) for p in provinces)
    return units
