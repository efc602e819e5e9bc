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


# Characters no name, title or note needs: the C0/C1 control characters (a line
# break in a subject's name broke the notification e-mails' headers) and the
# invisible bidirectional controls, which can make "gpj.exe" read as "exe.jpg"
# (U+202E RIGHT-TO-LEFT OVERRIDE). Multi-line fields may hold line breaks and tabs.
_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_LINE_BREAKS = "\r\n\t"


def forbidden_characters(value: str, *, multiline: bool = False) -> list[str]:
    """The characters of ``value`` a person never means to type, in order, once
    each, as ``U+XXXX`` (empty when the text is clean)."""
    found: list[str] = []
    for char in value:
        if multiline and char in _LINE_BREAKS:
            continue
        if unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS:
            code = f"U+{ord(char):04X}"
            if code not in found:
                found.append(code)
    return found


def one_line(value: str) -> str:
    """``value`` on one line (an e-mail subject): line breaks, tabs and control
    characters become single spaces."""
    cleaned = "".join(" " if unicodedata.category(c) == "Cc" else c for c in value or "")
    return _SPACES.sub(" ", cleaned).strip()
