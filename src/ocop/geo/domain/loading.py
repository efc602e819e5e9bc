"""Load administrative units from the ``vietnam-provinces`` package.

* 2025 units: the 34 provinces and 3,321 communes/wards in force since
  1 July 2025 (``vietnam_provinces.Province`` / ``Ward``).
* Legacy units: the 63 provinces, 696 districts and 10,051 communes in force
  before (``vietnam_provinces.legacy``), with end date 30 June 2025.
* Old → new: the package's conversion tables (the official arrangement
  resolutions) give for each old commune the new commune(s) and for each old
  province the new province(s); a district maps to the new provinces of its
  communes.

The load is idempotent: units are matched on (period, level, official code);
only changed rows are written; a second run writes nothing.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import transaction

from ocop.core.text import fold_vi
from ocop.geo.enums import LEGACY_END_DATE, REFORM_DATE, Era, Level
from ocop.geo.models import AdminUnit, AdminUnitSuccession

_PREFIXES = (
    "Thành phố ",
    "Tỉnh ",
    "Phường ",
    "Xã ",
    "Đặc khu ",
    "Quận ",
    "Huyện ",
    "Thị xã ",
    "Thị trấn ",
)


def short_name(full_name: str) -> str:
    """ "Huyện Hậu Lộc" -> "Hậu Lộc"; "Phường 1" stays "Phường 1"."""
    for prefix in _PREFIXES:
        if full_name.startswith(prefix):
            rest = full_name[len(prefix) :]
            return full_name if rest.isdigit() else rest
    return full_name


@dataclass
class Row:
    era: str
    level: str
    code: str
    full_name: str
    kind: str
    parent_key: tuple | None
    province_key: tuple | None
    successor_province_key: tuple | None = None
    successor_commune_key: tuple | None = None

    @property
    def key(self) -> tuple:
        return (self.era, self.level, self.code)


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    successions_created: int = 0
    successions_deleted: int = 0

    def __str__(self):
        return (
            f"{self.created} created, {self.updated} updated, "
            f"{self.successions_created} successions created, "
            f"{self.successions_deleted} successions removed"
        )


def _code(value, width: int) -> str:
    return f"{int(value):0{width}d}"


def _rows(province_codes: set[str] | None):
    from vietnam_provinces import Province, Ward  # noqa: PLC0415 -- slow import
    from vietnam_provinces._province_conversion_2025 import (  # noqa: PLC0415 -- slow import
        OLD_TO_NEW as PROVINCE_OLD_TO_NEW,
    )
    from vietnam_provinces._ward_conversion_2025 import (  # noqa: PLC0415 -- slow import
        OLD_TO_NEW as WARD_OLD_TO_NEW,
    )
    from vietnam_provinces.legacy import District as LegacyDistrict  # noqa: PLC0415 -- slow import
    from vietnam_provinces.legacy import Province as LegacyProvince  # noqa: PLC0415 -- slow import
    from vietnam_provinces.legacy import Ward as LegacyWard  # noqa: PLC0415 -- slow import

    cur, old = Era.CURRENT, Era.LEGACY
    rows: list[Row] = []
    successions: dict[tuple, list[tuple]] = {}

    def keep(province_code: str) -> bool:
        return province_codes is None or province_code in province_codes

    for p in Province.iter_all():
        code = _code(p.code, 2)
        if keep(code):
            key = (cur, Level.PROVINCE, code)
            rows.append(Row(cur, Level.PROVINCE, code, p.name, p.division_type.value, None, key))
    for w in Ward.iter_all():
        pcode = _code(w.province_code, 2)
        if keep(pcode):
            pkey = (cur, Level.PROVINCE, pcode)
            rows.append(
                Row(cur, Level.COMMUNE, _code(w.code, 5), w.name, w.division_type.value, pkey, pkey)
            )

    new_provinces_of_old: dict[str, list[str]] = {
        _code(k, 2): [_code(n.code, 2) for n in entry.new_provinces]
        for k, entry in PROVINCE_OLD_TO_NEW.items()
    }
    new_wards_of_old: dict[str, list[tuple[str, str]]] = {
        _code(k, 5): [(_code(n.code, 5), _code(n.province_code, 2)) for n in entry.new_wards]
        for k, entry in WARD_OLD_TO_NEW.items()
    }

    legacy_districts = list(LegacyDistrict.iter_all())
    legacy_wards = list(LegacyWard.iter_all())
    district_province = {_code(d.code, 3): _code(d.province_code, 2) for d in legacy_districts}
    district_new_provinces: dict[str, Counter] = defaultdict(Counter)
    for w in legacy_wards:
        for _, new_pcode in new_wards_of_old.get(_code(w.code, 5), []):
            district_new_provinces[_code(w.district_code, 3)][new_pcode] += 1

    def kept_new(pcodes: list[str]) -> list[str]:
        return [c for c in pcodes if keep(c)]

    for p in LegacyProvince.iter_all():
        code = _code(p.code, 2)
        targets = kept_new(new_provinces_of_old.get(code, []))
        if not targets:
            continue
        key = (old, Level.PROVINCE, code)
        rows.append(
            Row(
                old,
                Level.PROVINCE,
                code,
                p.name,
                p.division_type.value,
                None,
                key,
                successor_province_key=(cur, Level.PROVINCE, targets[0]),
            )
        )
        successions[key] = [(cur, Level.PROVINCE, c) for c in targets]
    legacy_province_keys = {r.key for r in rows if r.era == old}
    for d in legacy_districts:
        code, pcode = _code(d.code, 3), _code(d.province_code, 2)
        pkey = (old, Level.PROVINCE, pcode)
        targets = [c for c, _ in district_new_provinces[code].most_common()]
        if not targets:
            # Island districts without communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa,
            # Lý Sơn, Côn Đảo) follow their province.
            targets = new_provinces_of_old.get(pcode, [])
        targets = kept_new(targets)
        if pkey not in legacy_province_keys or not targets:
            continue
        key = (old, Level.DISTRICT, code)
        rows.append(
            Row(
                old,
                Level.DISTRICT,
                code,
                d.name,
                d.division_type.value,
                pkey,
                pkey,
                successor_province_key=(cur, Level.PROVINCE, targets[0]),
            )
        )
        successions[key] = [(cur, Level.PROVINCE, c) for c in targets]
    districts = {r.key: r for r in rows if r.level == Level.DISTRICT}
    district_keys = set(districts)
    for w in legacy_wards:
        code, dcode = _code(w.code, 5), _code(w.district_code, 3)
        dkey = (old, Level.DISTRICT, dcode)
        if dkey not in district_keys:
            continue
        targets = [(c, p) for c, p in new_wards_of_old.get(code, []) if keep(p)]
        pkey = (old, Level.PROVINCE, district_province[dcode])
        key = (old, Level.COMMUNE, code)
        if targets:
            successor_province = (cur, Level.PROVINCE, targets[0][1])
            successor_commune = (cur, Level.COMMUNE, targets[0][0])
        else:
            # Communes abolished before the 2025 table (28): their district's province.
            successor_province = districts[dkey].successor_province_key
            successor_commune = None
        rows.append(
            Row(
                old,
                Level.COMMUNE,
                code,
                w.name,
                w.division_type.value,
                dkey,
                pkey,
                successor_province_key=successor_province,
                successor_commune_key=successor_commune,
            )
        )
        successions[key] = [(cur, Level.COMMUNE, c) for c, _ in targets]
    return rows, successions


def _search_text(row: Row, by_key: dict[tuple, Row]) -> str:
    parts = [row.full_name]
    parent = by_key.get(row.parent_key) if row.parent_key else None
    while parent is not None:
        parts.append(parent.full_name)
        parent = by_key.get(parent.parent_key) if parent.parent_key else None
    # Padded with spaces so that searches can match whole words (" hoa ").
    return f" {fold_vi(' '.join(parts))[:396]} "


FIELDS = [
    "name",
    "kind",
    "full_name",
    "parent_id",
    "province_id",
    "valid_from",
    "valid_to",
    "successor_province_id",
    "successor_commune_id",
    "search_text",
]


@transaction.atomic
def load_admin_units(*, province_codes: set[str] | None = None) -> LoadResult:
    """Create or update the units (all, or only those of some 2025 provinces)."""
    rows, successions = _rows(province_codes)
    by_key = {r.key: r for r in rows}
    existing = {
        (u.era, u.level, u.code): u
        for u in AdminUnit.objects.filter(era__in=[Era.CURRENT, Era.LEGACY]).only(
            "id",
            "era",
            "level",
            "code",
            *[f for f in FIELDS if not f.endswith("_id")],
            "parent_id",
            "province_id",
            "successor_province_id",
            "successor_commune_id",
        )
    }
    result = LoadResult()
    ids = {key: unit.pk for key, unit in existing.items()}

    def wanted(r: Row) -> dict:
        return {
            "name": short_name(r.full_name),
            "kind": r.kind,
            "full_name": r.full_name,
            "parent_id": ids[r.parent_key] if r.parent_key else None,
            "province_id": ids.get(r.province_key) if r.province_key else None,
            "valid_from": REFORM_DATE if r.era == Era.CURRENT else None,
            "valid_to": None if r.era == Era.CURRENT else LEGACY_END_DATE,
            "successor_province_id": ids.get(r.successor_province_key),
            "successor_commune_id": ids.get(r.successor_commune_key),
            "search_text": _search_text(r, by_key),
        }

    # Create missing units level by level (current units first, so that the
    # parents and successors of each group already have ids).
    order = [
        (Era.CURRENT, Level.PROVINCE),
        (Era.CURRENT, Level.COMMUNE),
        (Era.LEGACY, Level.PROVINCE),
        (Era.LEGACY, Level.DISTRICT),
        (Era.LEGACY, Level.COMMUNE),
    ]
    changed = []
    for era, level in order:
        group = [r for r in rows if r.era == era and r.level == level]
        new_units = []
        for r in group:
            if r.key in existing:
                unit, values = existing[r.key], wanted(r)
                if any(getattr(unit, f) != v for f, v in values.items()):
                    for f, v in values.items():
                        setattr(unit, f, v)
                    changed.append(unit)
            else:
                new_units.append(AdminUnit(era=r.era, level=r.level, code=r.code, **wanted(r)))
        AdminUnit.objects.bulk_create(new_units, batch_size=2000)
        for unit in new_units:
            ids[(unit.era, unit.level, unit.code)] = unit.pk
        result.created += len(new_units)
        if era == Era.CURRENT and level == Level.PROVINCE and new_units:
            # A province is its own province: set the link now that ids exist.
            for unit in new_units:
                unit.province_id = unit.pk
            AdminUnit.objects.bulk_update(new_units, ["province_id"])
        if era == Era.LEGACY and level == Level.PROVINCE and new_units:
            for unit in new_units:
                unit.province_id = unit.pk
            AdminUnit.objects.bulk_update(new_units, ["province_id"])
    AdminUnit.objects.bulk_update(changed, FIELDS, batch_size=500)
    result.updated = len(changed)

    # Successions: the wanted set minus what is there.
    wanted_pairs = {
        (ids[legacy], ids[current], i == 0)
        for legacy, currents in successions.items()
        for i, current in enumerate(currents)
        if current in ids
    }
    legacy_ids = [ids[k] for k in successions]
    present = set(
        AdminUnitSuccession.objects.filter(legacy_id__in=legacy_ids).values_list(
            "legacy_id", "current_id", "is_primary"
        )
    )
    to_delete = present - wanted_pairs
    for legacy_id, current_id, _ in to_delete:
        AdminUnitSuccession.objects.filter(legacy_id=legacy_id, current_id=current_id).delete()
    to_create = [
        AdminUnitSuccession(legacy_id=a, current_id=b, is_primary=p)
        for a, b, p in wanted_pairs - present
    ]
    AdminUnitSuccession.objects.bulk_create(to_create, batch_size=5000)
    result.successions_created = len(to_create)
    result.successions_deleted = len(to_delete)
    return result
