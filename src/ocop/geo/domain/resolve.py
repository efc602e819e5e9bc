"""Resolve an address written with old (pre-2025) or new unit names to the
2025 province and commune: "Huyện Hậu Lộc, Tỉnh Thanh Hóa" → Tỉnh Thanh Hóa;
"Xã Hoằng Trung, Huyện Hoằng Hóa, Thanh Hóa" → its 2025 commune."""

import re
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
