"""The work queue ("Việc của tôi"): everything waiting for one person,
gathered from each app's provider (``ocop.core.queue``), and the count the
navigation shows.

The assembler lives here because it is the one place that may import every
app. The page counts every kind in one query (a sub-select per kind) and
reads one page of rows for each kind that has items, so its queries do not
grow with the number of items (``tests/site/test_queue_queries.py``). The navigation's badge
is fetched after the page has loaded (``views.queue_badge``, htmx), so that no
page pays for it: one query counts every kind (``count_waiting``); the queue
page itself shows the total of the counts it lists.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.utils import timezone

from ocop.certification.domain import queue as certification
from ocop.core.pagination import CappedPaginator
from ocop.core.queue import Waiting
from ocop.cycles.domain import queue as cycles
from ocop.evaluation.domain import queue as evaluation
from ocop.inspections.domain import queue as inspections
from ocop.producers.domain import queue as producers
from ocop.stamps.domain import queue as stamps

# The providers, in the order the page shows their kinds.
PROVIDERS = (
    evaluation.sheets_to_score,
    evaluation.sessions_to_close,
    cycles.dossiers_waiting,
    cycles.ideas_waiting,
    stamps.requests_to_approve,
    certification.sessions_to_decide,
    certification.decisions_to_issue,
    inspections.complaints_open,
    inspections.flagged_stamps,
    inspections.visits_assigned,
    inspections.plans_to_approve,
    certification.certificates_expiring,
    producers.documents_expiring,
)
PER_PAGE = 20


def waiting_for(user, *, today=None) -> list[Waiting]:
    """The kinds of items that may wait for ``user`` (their roles decide)."""
    if user is None or not user.is_authenticated:
        return []
    today = today or timezone.localdate()
    found = (provider(user=user, today=today) for provider in PROVIDERS)
    return [waiting for waiting in found if waiting is not None]


@dataclass
class Section:
    waiting: Waiting
    page: object  # a page of CappedPaginator, its object_list made of QueueItems

    @property
    def kind(self) -> str:
        return self.waiting.kind

    @property
    def count(self) -> int:
        return self.page.paginator.count

    @property
    def capped(self) -> bool:
        return self.page.paginator.capped


def sections_for(user, *, pages=None, today=None, per_page=PER_PAGE) -> list[Section]:
    """Every kind of the person's queue with its count and one page of items
    (``pages``: kind → page number): the counts of every kind in one query,
    then one query of rows per kind that has items — a fixed number of
    queries for a role, whatever the number of items."""
    pages = pages or {}
    waiting = waiting_for(user, today=today)
    counted = _counted(waiting)
    sections = []
    for kind, n in zip(waiting, counted, strict=True):
        paginator = CappedPaginator(kind.queryset, per_page)
        paginator.__dict__["counted"] = n  # the cached property, counted above
        page = paginator.get_page(pages.get(kind.kind))
        page.object_list = [kind.row(obj) for obj in page.object_list] if n else []
        sections.append(Section(kind, page))
    return sections


def _counted(waiting: list[Waiting]) -> list[int]:
    """The count of each kind, at most the cap + 1 (one more tells that the
    cap is passed), in one query: a sub-select per kind."""
    cap = settings.OCOP_LIST_COUNT_CAP
    parts, params = [], []
    for index, kind in enumerate(waiting):
        try:
            sql, values = kind.queryset.order_by().values("pk")[: cap + 1].query.sql_with_params()
        except EmptyResultSet:  # a scope that covers nothing
            parts.append("0")
            continue
        # Django compiled the sub-select; its values travel as parameters.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS kind_{index})")  # noqa: S608
        params.extend(values)
    if not parts:
        return []
    if not params and all(part == "0" for part in parts):
        return [0] * len(parts)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return [int(n) for n in cursor.fetchone()]


def count_waiting(waiting: list[Waiting]) -> list[int]:
    """The capped count of each kind, in one query (a sub-select per kind)."""
    cap = settings.OCOP_LIST_COUNT_CAP
    return [min(n, cap) for n in _counted(waiting)]


def queue_count(user) -> int:
    """The number of items waiting for ``user`` (the navigation's badge):
    one query, plus what the providers read to build their filters."""
    if user is None or not user.is_authenticated:
        return 0
    return sum(count_waiting(waiting_for(user)))
