"""Working-day calendar: Monday–Friday, minus public holidays and compensatory
days off, plus weekend days worked in compensation (all kept as data in
``CalendarDay``). Deadlines in the OCOP process are counted in working days.
"""

from datetime import date, timedelta

from .enums import DayKind
from .models import CalendarDay


def _exceptions(start: date, end: date) -> dict[date, str]:
    rows = CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind")
    return dict(rows)


def _is_working(day: date, exceptions: dict[date, str]) -> bool:
    kind = exceptions.get(day)
    if kind == DayKind.WORKING_WEEKEND:
        return True
    if kind in (DayKind.HOLIDAY, DayKind.COMPENSATORY_OFF):
        return False
    return day.weekday() < 5


def is_working_day(day: date) -> bool:
    return _is_working(day, _exceptions(day, day))


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted).

    ``add_working_days(friday, 1)`` is the next Monday unless that is a holiday.
    """
    if days < 0:
        raise ValueError("days must be >= 0")
    # Holidays are rare: a window of 2x + 30 calendar days always suffices.
    exceptions = _exceptions(start, start + timedelta(days=days * 2 + 30))
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if _is_working(current, exceptions):
            left -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
    if end <= start:
        return 0
    exceptions = _exceptions(start, end)
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if _is_working(current, exceptions):
            count += 1
    return count


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover -- February always has 28 days
