"""Trends by year: what happened to certificates in each of the last years
(new, renewed, upgraded, expired, revoked), each figure linked to the
certificate list of that change and year."""

from datetime import date

from ocop.geo.models import AdminUnit

from .figures import Figure
from .products import CHANGES, certificate_changes


def changes_by_year(
    *, unit: AdminUnit | None = None, years: int = 6, today: date
) -> list[tuple[int, dict[str, Figure]]]:
    """``[(year, {change: Figure})]`` for the last ``years`` years up to this
    one (this year counted to ``today``), oldest first."""
    rows = []
    for year in range(today.year - years + 1, today.year + 1):
        changes = certificate_changes(
            unit=unit, start=date(year, 1, 1), end=date(year, 12, 31), as_of=today
        )
        rows.append((year, {change: changes[change].total for change in CHANGES}))
    return rows
