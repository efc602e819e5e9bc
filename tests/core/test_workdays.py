from datetime import date

import pytest

from ocop.core.enums import DayKind
from ocop.core.models import CalendarDay
from ocop.core.workdays import add_working_days, is_working_day, working_days_between

pytestmark = pytest.mark.django_db


def test_weekend_is_skipped():
    friday = date(2026, 3, 6)
    assert add_working_days(friday, 1) == date(2026, 3, 9)  # Monday


def test_national_day_and_adjacent_day_are_skipped():
    # 31/8/2026 is a Monday; 1/9 and 2/9 are holidays (loaded calendar data).
    assert add_working_days(date(2026, 8, 31), 1) == date(2026, 9, 3)


def test_five_working_days_across_tet_2026():
    # Friday 13/2/2026, then Tết from Monday 16/2 to Friday 20/2.
    assert add_working_days(date(2026, 2, 13), 5) == date(2026, 2, 27)


def test_working_weekend_counts_as_a_working_day():
    CalendarDay.objects.create(date=date(2030, 1, 5), kind=DayKind.WORKING_WEEKEND, name="Làm bù")
    assert is_working_day(date(2030, 1, 5))
    assert add_working_days(date(2030, 1, 4), 1) == date(2030, 1, 5)


def test_working_days_between_counts_after_start_up_to_end():
    assert working_days_between(date(2026, 3, 6), date(2026, 3, 13)) == 5
    assert working_days_between(date(2026, 3, 13), date(2026, 3, 6)) == 0


def test_negative_days_are_refused():
    with pytest.raises(ValueError, match="days"):
        add_working_days(date(2026, 1, 5), -1)
