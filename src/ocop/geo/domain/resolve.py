"""Resolve an address written with old (pre-2025) or new unit names to the
2025 province and commune: "Huyện Hậu Lộc, Tỉnh Thanh Hóa" → Tỉnh Thanh Hóa;
"Xã Hoằng Trung, Huyện Hoằng Hóa, Thanh Hóa" → its 2025 commune.

``resolve_address`` answers one address; ``AddressResolver`` answers many by
the same rules over units loaded once per province (an import of a list)."""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Q

from ocop.core.text import fold_vi
from ocop.geo.enums import Era, Level
from ocop.geo.models import AdminUnit

_TYPE_WORDS = {
    "tinh": Level.PROVINCE,
    "thanh pho": None,  # a province (Hà Nội) or an old provincial city: both
    "huyen": Level.DISTRICT,
    "quan": Level.DISTRICT,
    "thi xa": Level.DISTRICT,
    "xa": Level.COMMUNE,
    "phuong": Level.COMMUNE,
    "thi tran": Level.COMMUNE,
    "dac khu": Level.COMMUNE,
    "tp": None,
    "tx": Level.DISTRICT,
    "tt": Level.COMMUNE,
}
_SPLIT = re.compile(r"\s*(?:,|;|\s-\s)\s*")
# How a folded unit name begins when it says its kind ("xa ", "huyen "…).
UNIT_TYPE_PREFIXES = tuple(f"{w} " for w in (*_TYPE_WORDS, "thanh pho"))


def split_address(text: str) -> list[str]:
    """The parts of an address, split on commas, semicolons and " - "."""
    return [p for p in _SPLIT.split(text) if p]


def strip_unit_type(folded: str) -> tuple[str, object]:
    """(name, level hint) of a folded part: "xa hoang trung" → ("hoang trung",
    Level.COMMUNE); the hint is "any" when the part names no kind."""
    return _strip_type(folded)


@dataclass(frozen=True)
class ResolvedAddress:
    province: AdminUnit | None  # 2025 province
    commune: AdminUnit | None  # 2025 commune, when the address names one
    matched: AdminUnit | None  # the most precise unit found (old or new)

    @property
    def ok(self) -> bool:
        return self.province is not None


def _strip_type(folded: str) -> tuple[str, object]:
    for word in sorted(_TYPE_WORDS, key=len, reverse=True):
        if folded.startswith((word + " ", word + ". ")):
            return folded[len(word) :].lstrip(". ").strip(), _TYPE_WORDS[word]
    return folded, "any"


def _name_key(unit: AdminUnit) -> str:
    return fold_vi(unit.name)


def _find(candidates, name: str, level_hint):
    matches = [u for u in candidates if _name_key(u) == name]
    if level_hint not in ("any", None):
        preferred = [u for u in matches if u.level == level_hint]
        matches = preferred or matches
    # Prefer 2025 units, then districts over communes of the same name.
    matches.sort(key=lambda u: (u.era != Era.CURRENT, u.level == Level.COMMUNE))
    return matches[0] if matches else None


def resolve_address(text: str) -> ResolvedAddress:
    parts = [p for p in _SPLIT.split(fold_vi(text)) if p]
    if not parts:
        return ResolvedAddress(None, None, None)
    provinces = list(AdminUnit.objects.filter(level=Level.PROVINCE))
    # The province is the last part that names one.
    province = None
    while parts and province is None:
        name, hint = _strip_type(parts[-1])
        province = _find(provinces, name, Level.PROVINCE)
        parts.pop()
    if province is None:
        return ResolvedAddress(None, None, None)
    matched = province
    # Walk down: within the province, a district or a commune, then a commune.
    if province.era == Era.CURRENT:
        # The 2025 province's own communes and the old units merged into it.
        scope = AdminUnit.objects.filter(
            Q(province=province) | Q(era=Era.LEGACY, successor_province=province)
        )
    else:
        # An old province: its old units and the 2025 units it merged into.
        scope = AdminUnit.objects.filter(
            Q(province=province) | Q(province=province.successor_province_id)
        )
    units = list(scope.exclude(level=Level.PROVINCE).select_related("successor_commune"))
    for part in reversed(parts):
        name, hint = _strip_type(part)
        if matched.level == Level.DISTRICT:
            pool = [u for u in units if u.parent_id == matched.pk]
        else:
            pool = units
        found = _find(pool, name, hint)
        if found is None:
            break
        matched = found
    return ResolvedAddress(matched.current_province, matched.current_commune, matched)


def _choose(candidates, hint):
    """``_find``'s choice among units of the same name, on a prefiltered list."""
    matches = list(candidates)
    if hint not in ("any", None):
        matches = [u for u in matches if u.level == hint] or matches
    matches.sort(key=lambda u: (u.era != Era.CURRENT, u.level == Level.COMMUNE))
    return matches[0] if matches else None


@dataclass
class _Scope:
    by_name: dict  # folded name -> units, in database order
    by_parent_name: dict  # (parent id, folded name) -> units
    by_id: dict


class AddressResolver:
    """``resolve_address`` over units loaded once per province.

    ``resolve_address`` loads the province's ~1,500 units on every call (about
    50 ms); an import resolves hundreds of distinct localities, so the same
    rules run here over an index built once. ``tests/geo/test_resolve.py``
    checks that both give the same answers.
    """

    def __init__(self):
        self.provinces = list(AdminUnit.objects.filter(level=Level.PROVINCE))
        self.province_by_id = {p.pk: p for p in self.provinces}
        self.provinces_by_name = defaultdict(list)
        for unit in self.provinces:
            self.provinces_by_name[fold_vi(unit.name)].append(unit)
        self._scopes: dict[int, _Scope] = {}
        self._communes: dict[int, AdminUnit] = {}
        self._fallbacks: dict[int, AdminUnit | None] = {}

    def _scope(self, province: AdminUnit) -> _Scope:
        if province.pk not in self._scopes:
            if province.era == Era.CURRENT:
                condition = Q(province=province) | Q(era=Era.LEGACY, successor_province=province)
            else:
                condition = Q(province=province) | Q(province=province.successor_province_id)
            by_name, by_parent_name, by_id = defaultdict(list), defaultdict(list), {}
            for unit in AdminUnit.objects.filter(condition).exclude(level=Level.PROVINCE):
                name = fold_vi(unit.name)
                by_name[name].append(unit)
                by_parent_name[unit.parent_id, name].append(unit)
                by_id[unit.pk] = unit
                if unit.era == Era.CURRENT and unit.level == Level.COMMUNE:
                    unit.parent = self.province_by_id.get(unit.parent_id)
                    self._communes[unit.pk] = unit
            self._scopes[province.pk] = _Scope(by_name, by_parent_name, by_id)
        return self._scopes[province.pk]

    def commune(self, pk: int) -> AdminUnit:
        """A 2025 commune with its province loaded (for search texts)."""
        if pk not in self._communes:
            self._communes[pk] = AdminUnit.objects.select_related("parent").get(pk=pk)
        return self._communes[pk]

    def load_communes(self, pks) -> None:
        missing = set(pks) - set(self._communes)
        if missing:
            for unit in AdminUnit.objects.filter(pk__in=missing).select_related("parent"):
                self._communes[unit.pk] = unit

    def current_province(self, unit: AdminUnit) -> AdminUnit | None:
        pk = unit.province_id if unit.era == Era.CURRENT else unit.successor_province_id
        return self.province_by_id.get(pk)

    def current_commune(self, unit: AdminUnit) -> AdminUnit | None:
        if unit.era == Era.CURRENT:
            return unit if unit.level == Level.COMMUNE else None
        if unit.successor_commune_id is None:
            return None
        return self.commune(unit.successor_commune_id)

    def parent(self, unit: AdminUnit) -> AdminUnit | None:
        """An old commune's district, from the loaded units."""
        province = self.current_province(unit)
        return self._scope(province).by_id.get(unit.parent_id) if province else None

    def province_named(self, part: str) -> AdminUnit | None:
        """The 2025 province a single address part names ("Tỉnh Thanh Hóa",
        "Thanh Hóa", "Hà Nam" before 2025), or None ("Xã Quảng Ninh")."""
        name, hint = _strip_type(fold_vi(part))
        if hint not in ("any", None, Level.PROVINCE):
            return None
        found = _choose(self.provinces_by_name.get(name, ()), Level.PROVINCE)
        return self.current_province(found) if found else None

    def is_unit_name(self, province: AdminUnit, part: str) -> bool:
        folded = fold_vi(part)
        if folded.startswith(UNIT_TYPE_PREFIXES):
            return True
        name, _hint = _strip_type(folded)
        return name in self._scope(province).by_name or name in self.provinces_by_name

    def resolve(self, text: str) -> ResolvedAddress:
        parts = [p for p in _SPLIT.split(fold_vi(text)) if p]
        province = None
        while parts and province is None:
            name, _hint = _strip_type(parts[-1])
            province = _choose(self.provinces_by_name.get(name, ()), Level.PROVINCE)
            parts.pop()
        if province is None:
            return ResolvedAddress(None, None, None)
        scope = self._scope(province)
        matched = province
        for part in reversed(parts):
            name, hint = _strip_type(part)
            if matched.level == Level.DISTRICT:
                pool = scope.by_parent_name.get((matched.pk, name), ())
            else:
                pool = scope.by_name.get(name, ())
            found = _choose(pool, hint)
            if found is None:
                break
            matched = found
        return ResolvedAddress(
            self.current_province(matched), self.current_commune(matched), matched
        )

    def district_commune(self, district: AdminUnit) -> AdminUnit | None:
        """The 2025 commune standing for an old district when a list gives only
        the district: the commune named after it (most districts gave their
        name to the commune of their seat), else the successor of the district
        town, else the successor of most of its communes."""
        if district.pk in self._fallbacks:
            return self._fallbacks[district.pk]
        province = self.current_province(district)
        scope = self._scope(province)
        chosen = next(
            (
                u
                for u in scope.by_name.get(fold_vi(district.name), ())
                if u.era == Era.CURRENT and u.level == Level.COMMUNE
            ),
            None,
        )
        if chosen is None:
            children = sorted(
                (u for u in scope.by_id.values() if u.parent_id == district.pk),
                key=lambda u: u.code,
            )
            towns = [u for u in children if fold_vi(u.kind) == "thi tran"]
            if towns and towns[0].successor_commune_id:
                chosen = self.commune(towns[0].successor_commune_id)
            else:
                counts = Counter(u.successor_commune_id for u in children if u.successor_commune_id)
                if counts:
                    chosen = self.commune(counts.most_common(1)[0][0])
        self._fallbacks[district.pk] = chosen
        return chosen
