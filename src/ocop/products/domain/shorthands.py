"""The shorthands of product groups written in provincial lists ("Chè",
"Dược liệu"…) and what they mean, as data (``data/group_shorthands.yaml``)."""

from functools import lru_cache
from pathlib import Path

import yaml

from ocop.core.text import fold_key

SHORTHANDS_FILE = Path(__file__).resolve().parents[1] / "data" / "group_shorthands.yaml"


@lru_cache(maxsize=1)
def group_shorthands() -> tuple[str, dict[str, tuple[str, ...]]]:
    """(legal basis, {folded shorthand: category codes}); several codes mean
    the shorthand is ambiguous."""
    data = yaml.safe_load(SHORTHANDS_FILE.read_text(encoding="utf-8"))
    table = {
        fold_key(text): tuple(str(code) for code in codes)
        for text, codes in data["shorthands"].items()
    }
    return data["legal_basis"], table
