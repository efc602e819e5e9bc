"""Accent-insensitive, typo-tolerant search over a stored folded column,
bounded by its page rather than by its matches.

``search_text`` holds ``fold_vi`` of the names, commune and province, padded
with spaces. A query is folded the same way and its rows are gathered in at
most three bounded reads (``LIMIT`` ``CANDIDATES``, each served on PostgreSQL
by the trigram index), strongest first, stopping once enough are found:

0. the words as a phrase at the start of the text, i.e. of the name (a range
   of the column's B-tree index, in name order: bounded by the limit however
   many rows match — "nuoc mam", "hop tac xa" stop here);
1. the words as a phrase at the start of a word (``% mat ong%``);
2. every word anywhere (``%mat%`` and ``%ong%``: the old contract);
3. when no row holds the phrase as typed: the phrase with one word replaced
   by a Vietnamese syllable one typing slip away (a swapped, missing, doubled
   or extra letter, or a neighbouring key / a letter commonly confused in
   Vietnamese: n/m, l/n, s/x, d/r, i/y, c/k …): "nuoc nam" finds "nước mắm",
   "mat ongg" "mật ong", "bien xnah" "biển xanh". The words stay adjacent,
   so a slip does not bring in every row holding a common syllable (two
   slips in one query find nothing).

The candidates (at most ``CANDIDATES``) are ranked in Python — phrase at the
start of the name, phrase elsewhere, phrase with a slip, all words; then the
name order — and the queryset comes back filtered to them and
annotated ``search_rank`` (0 = best), ordered by it. A broad term ("hop tac
xa" matches one subject in three) therefore costs the same at 1× and 10×
national data: the list says "more than N" and asks for a filter
(``core.pagination.CappedPaginator`` caps a ranked list at ``CANDIDATES``).
The same code runs on SQLite and PostgreSQL, so results are identical."""

from functools import reduce
from itertools import pairwise
from operator import or_

from django.conf import settings
from django.db import connection
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL

from .text import fold_vi

RANK = "search_rank"


def candidates_limit() -> int:
    return getattr(settings, "OCOP_SEARCH_CANDIDATES", 300)


# Folded Vietnamese syllables: onsets × rhymes (a superset: some pairs do not
# occur, which only costs a pattern that matches nothing).
ONSETS = "b c ch d g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x".split()  # noqa: SIM905
RHYMES = """a ac ach ai am an ang anh ao ap at au ay e ec ech em en eng enh eo ep
et eu i ia ich iec iem ien ieng iep iet ieu im in inh ip it iu o oa oac oach
oai oam oan oang oanh oao oap oat oay oc oe oen oeo oet oi om on ong ooc oong
op ot u ua uan uang uanh uat uay uc ue uen uenh uet ui um un ung uo uoc uoi
uom uon uong uop uot uou up ut uu uy uya uych uyen uyet uynh uyt uyu y yen
yet yeu""".split()  # noqa: SIM905 -- a table
SYLLABLES = frozenset(
    onset + rhyme
    for onset in ["", *ONSETS]
    for rhyme in RHYMES
    if not (onset == "qu" and rhyme.startswith("u"))
)
# Letters a slip turns into each other: neighbouring keys (QWERTY, as on
# phones) and the letters Vietnamese spelling confuses.
KEYS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
CONFUSED = ["nm", "nl", "sx", "dr", "dz", "iy", "ck", "cq", "kq", "gr", "tc", "ae", "ou", "oa"]


def _neighbours() -> dict[str, set[str]]:
    near: dict[str, set[str]] = {}
    for row in KEYS:
        for i, char in enumerate(row):
            near.setdefault(char, set()).update(row[max(0, i - 1) : i] + row[i + 1 : i + 2])
    for row, other in pairwise(KEYS):
        for i, char in enumerate(row):
            below = other[max(0, i - 1) : i + 1]
            near.setdefault(char, set()).update(below)
            for b in below:
                near.setdefault(b, set()).add(char)
    return near


NEAR = _neighbours()
CONFUSED_WITH: dict[str, set[str]] = {}
for _a, _b in CONFUSED:
    CONFUSED_WITH.setdefault(_a, set()).add(_b)
    CONFUSED_WITH.setdefault(_b, set()).add(_a)
ALPHABET = "abcdefghijklmnopqrstuvwxyz"
MAX_ALTERNATIVES = 8
MAX_PATTERNS = 24


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


def alternatives(word: str) -> list[str]:
    """Syllables one typing slip away from ``word``, likeliest first: swapped
    letters, a letter Vietnamese spelling confuses (n/m, s/x …), a doubled
    or missing letter, a neighbouring key, an extra letter."""
    if not word.isalpha() or len(word) < 2 or len(word) > 8:
        return []
    found: list[str] = []

    def add(candidate: str) -> None:
        if candidate != word and candidate in SYLLABLES and candidate not in found:
            found.append(candidate)

    for i in range(len(word) - 1):  # swapped letters
        add(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
    for i, char in enumerate(word):  # a letter Vietnamese spelling confuses
        for other in sorted(CONFUSED_WITH.get(char, ())):
            add(word[:i] + other + word[i + 1 :])
    for i in range(1, len(word)):  # a doubled letter
        if word[i] == word[i - 1]:
            add(word[:i] + word[i + 1 :])
    for i in range(1, len(word) + 1):  # a letter left out once
        add(word[:i] + word[i - 1] + word[i:])
    for i, char in enumerate(word):  # a neighbouring key
        for other in sorted(NEAR.get(char, ())):
            add(word[:i] + other + word[i + 1 :])
    for i in range(len(word)):  # an extra letter typed
        add(word[:i] + word[i + 1 :])
    for i in range(len(word) + 1):  # a letter left out
        for other in ALPHABET:
            add(word[:i] + other + word[i:])
    return found[:MAX_ALTERNATIVES]


def _phrase_q(field: str, words: list[str]) -> Q:
    return Q(**{f"{field}__contains": " " + " ".join(words)})


def _gather(queryset, field: str, condition: Q, limit: int) -> list[tuple[int, str]]:
    return list(queryset.filter(condition).order_by().values_list("pk", field)[:limit])


def _gather_any(queryset, field: str, conditions: list[Q], limit: int) -> list[tuple[int, str]]:
    """Rows matching any of ``conditions``: on PostgreSQL one bounded read
    per condition in one statement (``UNION ALL``), each served by the
    trigram index (as one ``OR`` the planner scans the table)."""
    if len(conditions) == 1 or not connection.features.supports_slicing_ordering_in_compound:
        return _gather(queryset, field, reduce(or_, conditions), limit)
    parts = [
        queryset.filter(condition).order_by().values_list("pk", field)[:limit]
        for condition in conditions
    ]
    return list(parts[0].union(*parts[1:], all=True))[: limit * 2]


def _tiers(queryset, words: list[str], field: str, limit: int):
    """(tier, rows) of the bounded reads, strongest first (module docstring)."""
    # The phrase at the start of the text (the name), in name order: a range
    # of the folded column's B-tree index, read until the limit whatever the
    # number of matches (as LIKE 'x%' the planner would take the trigram index).
    start = " " + " ".join(words)
    prefix = list(
        queryset.filter(**{f"{field}__gte": start, f"{field}__lt": start + "\uffff"})
        .order_by(field, "pk")
        .values_list("pk", field)[:limit]
    )
    yield 0, prefix, [" ".join(words)]
    if len(prefix) >= limit:
        return
    phrase = _gather(queryset, field, _phrase_q(field, words), limit + len(prefix))
    yield 1, phrase, [" ".join(words)]
    if len(phrase) >= limit:
        return
    every = reduce(lambda q, w: q & Q(**{f"{field}__contains": w}), words, Q())
    rows = _gather(queryset, field, every, limit + len(phrase))
    yield 3, rows, []
    found = len(phrase) + len(rows)
    if phrase or found >= limit:
        return
    # No row holds the phrase as typed: one word mistyped, the others as typed.
    # Likeliest slips first, taking turns between the words; a word that is
    # no syllable at all ("ongg") is surely the mistyped one.
    options = [(i, alternatives(word)) for i, word in enumerate(words)]
    options.sort(key=lambda option: words[option[0]] in SYLLABLES)
    phrases = []
    for rank in range(MAX_ALTERNATIVES):
        for i, found in options:
            if rank < len(found):
                phrases.append([*words[:i], found[rank], *words[i + 1 :]])
    phrases = phrases[:MAX_PATTERNS]
    if phrases:
        conditions = [_phrase_q(field, p) for p in phrases]
        yield 2, _gather_any(queryset, field, conditions, limit), [" ".join(p) for p in phrases]


def _score(tier: int, text: str, phrases: list[str]) -> tuple:
    at_start = any(text.startswith(f" {phrase}") for phrase in phrases)
    return (0 if at_start else 1, tier, text)


def ranked_ids(
    queryset, query: str, *, field: str = "search_text", candidates: int | None = None
) -> list[int]:
    """The ids of the best candidates for ``query``, best first (at most
    ``candidates`` — default ``candidates_limit()`` — + 1: one more tells
    that there are more)."""
    words = fold_vi(query).split()
    limit = (candidates or candidates_limit()) + 1
    best: dict[int, tuple] = {}
    for tier, rows, phrases in _tiers(queryset, words, field, limit):
        for pk, text in rows:
            if pk not in best:
                best[pk] = (*_score(tier, text or "", phrases), pk)
    return sorted(best, key=best.__getitem__)[:limit]


def search(
    queryset,
    query: str,
    *,
    field: str = "search_text",
    exhaustive: bool = False,
    candidates: int | None = None,
):
    """Filter ``queryset`` by ``query`` and order it by relevance (see the
    module docstring); ``search_rank`` is annotated for ``match_order``.
    ``candidates`` bounds the ranked rows (default ``candidates_limit()``;
    a list that pages them passes the same number to ``CappedPaginator``).

    ``exhaustive=True`` is for exports and other complete reads: every row
    holding every word is kept (no bound; the phrase ranks first), and only
    when none does are the bounded typo candidates used."""
    unranked = {RANK: Value(0, output_field=IntegerField())}  # for match_order
    words = fold_vi(query).split()
    if not words:
        return queryset.annotate(**unranked)
    if exhaustive:
        every = reduce(lambda q, w: q & Q(**{f"{field}__contains": w}), words, Q())
        matching = queryset.filter(every)
        if matching.exists():
            phrase = " " + " ".join(words)
            rank = Case(
                When(**{f"{field}__startswith": phrase}, then=Value(0)),
                When(**{f"{field}__contains": phrase}, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
            return matching.annotate(**{RANK: rank}).order_by(RANK)
    ids = ranked_ids(queryset, query, field=field, candidates=candidates)
    if not ids:
        return queryset.none().annotate(**unranked)
    ranked = queryset.filter(pk__in=ids).annotate(**{RANK: _position(queryset.model, ids)})
    return ranked.order_by(RANK)


def _position(model, ids: list[int]):
    """The position of each row's key in ``ids`` (one parameter, so that the
    expression costs the same to build for 1 or 300 candidates)."""
    column = f'"{model._meta.db_table}"."{model._meta.pk.column}"'
    if connection.vendor == "postgresql":
        return RawSQL(f"array_position(%s::bigint[], {column})", (ids,), IntegerField())  # noqa: S611
    listed = "," + ",".join(str(pk) for pk in ids) + ","
    return RawSQL(f"instr(%s, ',' || {column} || ',')", (listed,), IntegerField())  # noqa: S611


def match_order(ordering: list[str], *, field: str = "search_text") -> list:
    """The ordering of search results: by relevance when the list is in its
    name order (``field`` first), else the chosen order, relevance next."""
    if ordering and ordering[0] == field:
        return [RANK, *ordering]
    return [*ordering[:1], RANK, *ordering[1:]]


def is_ranked(queryset) -> bool:
    """Whether ``queryset`` is a ranked search (bounded to the candidates)."""
    query = getattr(queryset, "query", None)
    rank = getattr(query, "annotations", {}).get(RANK)
    return isinstance(rank, RawSQL)
