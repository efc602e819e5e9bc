"""The countries of ISO 3166-1 (alpha-2 codes) with their English and
Vietnamese names, read from ``trade/data/countries.tsv``."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils import translation

from ocop.core.text import fold_vi

DATA = Path(__file__).resolve().parent.parent / "data" / "countries.tsv"


@dataclass(frozen=True)
class Country:
    code: str
    name_en: str
    name_vi: str

    @property
    def name(self) -> str:
        """The name in the active language (Vietnamese unless English is chosen)."""
        return self.name_en if translation.get_language() == "en" else self.name_vi

    def __str__(self):
        return self.name


@cache
def countries() -> dict[str, Country]:
    rows = {}
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, name_en, name_vi = line.split("\t")
        rows[code] = Country(code=code, name_en=name_en, name_vi=name_vi)
    return rows


def country(code: str) -> Country | None:
    return countries().get((code or "").strip().upper())


def country_name(code: str) -> str:
    found = country(code)
    return found.name if found else code


def country_choices() -> list[tuple[str, str]]:
    """(code, name) sorted by the name in the active language."""
    rows = sorted(countries().values(), key=lambda c: fold_vi(c.name))
    return [(c.code, c.name) for c in rows]
