"""The work queue's vocabulary ("Việc của tôi"): what an app's provider hands
to the assembler (``ocop.site.queue``), so that no app needs another.

A provider is a small function in an app's ``domain/queue.py``, called with
keyword-only arguments ``user`` and ``today``. It returns ``None`` when the
person's roles never meet that kind of item (no query is made), or a
``Waiting``: a queryset of the items waiting for that person, scoped by their
roles and units and ordered oldest first (``select_related`` so that ``row``
reads no more rows), and ``row`` turning one object into a ``QueueItem``.
The assembler counts the queryset and reads one page of it: two queries per
kind, whatever the number of items.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet


@dataclass(frozen=True)
class QueueItem:
    title: str
    url: str
    detail: str = ""
    unit: str = ""
    since: date | datetime | None = None  # waiting since (the order of the list)
    due: date | None = None  # a deadline or an expiry date
    late: bool = False


@dataclass(frozen=True)
class Waiting:
    kind: str  # a stable key (anchors, page parameters, tests)
    label: str
    queryset: QuerySet
    row: Callable[[object], QueueItem]
    list_url: str = ""  # the app's own list of this kind, when there is one
