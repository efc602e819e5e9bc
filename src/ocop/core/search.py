"""Accent-insensitive, typo-tolerant search over a stored folded column.

Every word of the query must occur in the row's ``search_text`` (which holds
``fold_vi`` of the names, commune and province). When that finds nothing,
each query word that occurs nowhere is replaced by the words of the
candidate rows within one edit (two for long words): "nuoc mma" still finds
"Nước mắm" (words of three letters tolerate only swapped letters). The
matching is done the same way on SQLite and PostgreSQL, so results are
identical on both.
"""

from functools import reduce
from operator import or_

from django.db.models import Q
from django.db.models.functions import Lower

from .text import fold_vi

MAX_FUZZY_SCAN = 50_000


def _within_edits(a: str, b: str, limit: int) -> bool:
    """Damerau-Levenshtein distance(a, b) <= limit (optimal string alignment)."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return False
        previous2, previous = previous, current
    return previous[-1] <= limit


def _limit(word: str) -> int:
    return 0 if len(word) < 4 else (1 if len(word) < 8 else 2)


def match_order(ordering: list[str], *, field: str = "search_text") -> list:
    """The ordering of search results: ``field`` sorted as an expression.

    The results are sorted after the trigram index found them, instead of
    walking the folded column's index in order until a page is full: rows
    that match a word cluster in that index ("hop tac xa …", "nuoc mam …"),
    so the walk reads most of the table, more as the table grows
    (docs/benchmarks.md, "National scale"). ``Lower`` of folded text is the
    same text, so the order is the same."""
    return [Lower(name) if name == field else name for name in ordering]


def search(queryset, query: str, *, field: str = "search_text"):
    """Filter ``queryset`` by ``query`` (see module docstring)."""
    words = fold_vi(query).split()
    if not words:
        return queryset
    strict = queryset
    for word in words:
        strict = strict.filter(**{f"{field}__contains": word})
    if strict.exists():
        return strict
    # Fuzzy fallback: alternatives for the words that match nothing.
    vocabulary: set[str] = set()
    for text in queryset.values_list(field, flat=True)[:MAX_FUZZY_SCAN]:
        vocabulary.update(text.split())
    fuzzy = queryset
    for word in words:
        if any(word in v for v in vocabulary):
            fuzzy = fuzzy.filter(**{f"{field}__contains": word})
            continue
        limit = _limit(word)
        if len(word) == 3:
            # Short words: only swapped letters ("mma" → "mam"), else too many false hits.
            alternatives = sorted(v for v in vocabulary if sorted(v) == sorted(word))
        else:
            alternatives = sorted(v for v in vocabulary if limit and _within_edits(word, v, limit))
        if not alternatives:
            return queryset.none()
        fuzzy = fuzzy.filter(
            reduce(or_, (Q(**{f"{field}__contains": f" {alt} "}) for alt in alternatives))
        )
    return fuzzy
