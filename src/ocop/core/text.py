"""Text helpers for Vietnamese: accent folding for search and matching."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)


def fold_vi(value: str | None) -> str:
    """Fold Vietnamese text for accent-insensitive search.

    "Nước mắm Phú Quốc" -> "nuoc mam phu quoc"; "ĐẮK LẮK" -> "dak lak".
    đ/Đ are replaced by hand because Unicode does not decompose them.
    """
    if not value:
        return ""
    value = value.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def fold_key(value: str | None) -> str:
    """Fold and also drop punctuation: a key for matching names and headers."""
    return _SPACES.sub(" ", _PUNCT.sub(" ", fold_vi(value))).strip()
