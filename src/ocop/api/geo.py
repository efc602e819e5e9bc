from ninja import Router, Schema

from ocop.geo.domain.queries import search_units
from ocop.geo.enums import Era, Level

router = Router(tags=["geo"])


class UnitOut(Schema):
    code: str
    name: str
    full_name: str
    kind: str
    level: str
    era: str
    parent_code: str | None
    province_code: str | None


@router.api_operation(
    ["GET", "HEAD"],  # HEAD answers wherever GET does
    "/units",
    response=list[UnitOut],
    auth=None,
    summary="Search administrative units",
)
def units(request, q: str, era: str = Era.CURRENT, limit: int = 20):
    """Accent-insensitive search over administrative units (public reference data)."""
    era = Era.LEGACY if era == Era.LEGACY else Era.CURRENT
    found = search_units(
        q,
        levels=(Level.PROVINCE, Level.DISTRICT, Level.COMMUNE),
        era=era,
        limit=max(1, min(limit, 100)),
    ).select_related("parent", "province", "successor_province")
    return [
        UnitOut(
            code=u.code,
            name=u.name,
            full_name=u.full_name,
            kind=u.kind,
            level=u.level,
            era=u.era,
            parent_code=u.parent.code if u.parent else None,
            province_code=u.current_province.code if u.current_province else None,
        )
        for u in found
    ]
