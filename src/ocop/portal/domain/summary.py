"""The catalogue's counts, kept in one row (``CatalogueSummary``).

Counting the products in force per request grows with the catalogue (at 10×
national data the home page's four grouped counts and the distinct count of
producers took about 400 ms: docs/benchmarks.md, "Public catalogue"). They
are built here instead, once per change, and every page reads one row:

* every change that can show on a public page (``portal/signals.py``) moves a
  change counter — at once and again after its transaction commits, like the
  page cache's version, so a build that read the data before the commit is
  stale. On PostgreSQL the counter is a sequence (no lock: concurrent writers
  never wait for each other on it); on SQLite a column of the row;
* a page that finds the counts built for an older counter value serves them
  and has them rebuilt by the background task ``refresh_catalogue_summary``
  (once per counter value; with the immediate task backend of the tests the
  rebuild happens in the request and its result is used); the page cache is
  made stale once they are rebuilt, so the next visitor sees them;
* counts of another day (or none, or older than ``MAX_AGE`` — bulk writes
  that send no signal) are rebuilt in the request, at most once a day in
  practice: the periodic job ``refresh_catalogue_summary_due`` rebuilds them
  after midnight and whenever a task was missed.

The counts are one grouped read (star × province × product group, at most a
few hundred rows) summed in Python, the distinct producers and the exported
products."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.cache import cache as default_cache
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.expressions import RawSQL
from django.tasks import task
from django.utils import timezone

from ocop.core.jobs import HOUSEKEEPING
from ocop.products.enums import OcopStatus
from ocop.products.models import Product
from ocop.trade.models import ExportMarket

from .. import cache
from ..models import CatalogueSummary

SEQUENCE = "portal_catalogue_changes"
MAX_AGE = timedelta(minutes=15)  # as cache.TIMEOUT: writes that send no signal
ROW = 1


@dataclass
class Counts:
    products: int
    subjects: int
    provinces: int
    by_star: dict[int, int]
    by_province: dict[int, int]
    by_group: dict[str, int]
    exported: int


def in_force_q(*, today: date, prefix: str = "") -> Q:
    """Products whose certificate is in force ``today`` (the catalogue)."""
    return Q(**{f"{prefix}status": OcopStatus.CERTIFIED, f"{prefix}certified_until__gte": today})


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _move() -> None:
    if _pg():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT nextval('{SEQUENCE}')")
    else:
        CatalogueSummary.objects.filter(pk=ROW).update(changes=F("changes") + 1)


def note_change() -> None:
    """A change that can alter the counts (now and once its transaction commits)."""
    _move()
    transaction.on_commit(_move)


# The sequence's value (0 before its first use: last_value is then 1).
_COUNTER_SQL = f"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {SEQUENCE}"  # noqa: S608 -- a constant


def _counter_expression():
    if _pg():
        return RawSQL(_COUNTER_SQL, ())  # noqa: S611 -- a constant
    return F("changes")


def _counter() -> int:
    if _pg():
        with connection.cursor() as cursor:
            cursor.execute(_COUNTER_SQL)
            return cursor.fetchone()[0]
    row = CatalogueSummary.objects.filter(pk=ROW).values_list("changes", flat=True).first()
    return row or 0


def compute(*, today: date) -> dict:
    """The counts from the products in force ``today`` (three reads)."""
    base = Product.objects.filter(in_force_q(today=today)).order_by()
    cube = [
        [row["star"], row["province"], row["group_code"], row["n"]]
        for row in base.values("star", "province", "group_code").annotate(n=Count("id"))
    ]
    subjects = base.values("subject").distinct().count()
    exported = (
        ExportMarket.objects.filter(product__in=base.values("pk"))
        .values("product")
        .distinct()
        .count()
    )
    return {"cube": cube, "subjects": subjects, "exported": exported}


def refresh(*, today: date | None = None) -> dict:
    """Build the counts and store them with the counter value read before
    reading the data (a change committed meanwhile leaves them stale)."""
    today = today or timezone.localdate()
    counter = _counter()
    data = compute(today=today)
    now = timezone.now()
    updated = CatalogueSummary.objects.filter(pk=ROW).update(
        day=today, built_for=counter, built_at=now, data=data
    )
    if not updated:
        CatalogueSummary.objects.get_or_create(
            pk=ROW,
            defaults={"day": today, "built_for": counter, "built_at": now, "data": data},
        )
    return data


@task(priority=HOUSEKEEPING)
def refresh_catalogue_summary() -> dict:
    """Rebuild the counts (a background task), then make the cached pages
    stale so that the next visitor sees them."""
    data = refresh()
    cache.bump()
    return data


def _stale_refresh(key: str) -> dict | None:
    """Have the counts rebuilt in the background (once per ``key``); the
    rebuilt counts when the task ran at once (immediate backend)."""
    if not default_cache.add(f"ocop:portal:summary:{key}", 1, timeout=300):
        return None
    result = refresh_catalogue_summary.enqueue()
    if result.is_finished and result.status == "SUCCESSFUL":
        return result.return_value
    return None


def summary_data(*, today: date) -> dict:
    """The stored counts (one read), rebuilt when needed (module docstring)."""
    row = (
        CatalogueSummary.objects.filter(pk=ROW)
        .annotate(counter=_counter_expression())
        .values("day", "built_for", "built_at", "data", "counter")
        .first()
    )
    if row is None or row["day"] != today or not row["data"]:
        return refresh(today=today)
    if row["built_for"] != row["counter"] or row["built_at"] < timezone.now() - MAX_AGE:
        fresh = _stale_refresh(f"{row['counter']}:{row['built_at'].timestamp()}")
        if fresh is not None:
            return fresh
    return row["data"]


def counts(*, today: date) -> Counts:
    data = summary_data(today=today)
    by_star: dict[int, int] = {}
    by_province: dict[int, int] = {}
    by_group: dict[str, int] = {}
    for star, province, group, n in data["cube"]:
        by_star[star] = by_star.get(star, 0) + n
        by_province[province] = by_province.get(province, 0) + n
        by_group[group] = by_group.get(group, 0) + n
    return Counts(
        products=sum(by_star.values()),
        subjects=data["subjects"],
        provinces=len(by_province),
        by_star=by_star,
        by_province=by_province,
        by_group=by_group,
        exported=data["exported"],
    )


def is_current(*, today: date) -> bool:
    """Whether the stored counts are today's, built after the last change
    and younger than ``MAX_AGE``."""
    row = (
        CatalogueSummary.objects.filter(pk=ROW)
        .annotate(counter=_counter_expression())
        .values("day", "built_for", "built_at", "counter")
        .first()
    )
    return (
        row is not None
        and row["day"] == today
        and row["built_for"] == row["counter"]
        and row["built_at"] >= timezone.now() - MAX_AGE
    )
