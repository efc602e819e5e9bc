"""Lists that stay fast however large the country's data grows.

``CappedPaginator`` counts at most ``OCOP_LIST_COUNT_CAP`` rows (default
5,000): the count reads a ``LIMIT``-ed subquery, so a national list of
174,000 products costs the same as one of 17,000. Beyond the cap the list
says "more than 5,000" and asks for a filter; the pages up to the cap stay
reachable. A ranked search (``core.search``) is capped at its candidates
(``OCOP_SEARCH_CANDIDATES``, 300). Exact totals are in the exports and reports (measured in
docs/benchmarks.md, "National scale").
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.utils.functional import cached_property

from .search import candidates_limit, is_ranked


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        if cap is None:
            # A ranked search holds at most its candidates (core/search.py).
            cap = candidates_limit() if is_ranked(object_list) else settings.OCOP_LIST_COUNT_CAP
        self.cap = cap

    @cached_property
    def counted(self) -> int:
        """Rows counted, at most cap + 1 (one more tells that the cap is passed)."""
        rows = self.object_list.order_by()
        if hasattr(rows, "values"):  # the keys only: no annotation computed per row
            rows = rows.values("pk")
        return rows[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)

    @property
    def capped(self) -> bool:
        return self.counted > self.cap
