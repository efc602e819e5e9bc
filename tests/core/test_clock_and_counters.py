"""The verification page's cheap helpers give what Django's own would:
``clock.localdate`` (today, kept until the local day ends) and the
rate-limit counters' ``CounterCache`` (a LocMemCache without pickling)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import caches
from django.utils import timezone

from ocop.core import clock
from ocop.core.ratelimit import CACHE_ALIAS, CounterCache, allow

# Asia/Ho_Chi_Minh (the site's), a zone with summer time, and Chile's, whose
# clocks jump from 24:00 to 01:00 in September: a day without a midnight.
ZONES = ["Asia/Ho_Chi_Minh", "Europe/London", "America/Santiago"]


def instants(zone: str):
    """Instants around local midnights, summer-time changes included."""
    tz = ZoneInfo(zone)
    days = [datetime(2026, 12, 31, tzinfo=tz), datetime(2026, 3, 29, tzinfo=tz)]
    days += [datetime(2026, 9, 6, tzinfo=tz), datetime(2026, 4, 5, tzinfo=tz)]
    for day in days:
        for seconds in (-3601, -1, 0, 1, 3599, 3600, 3601, 7200, 86399):
            yield day.astimezone(UTC) + timedelta(seconds=seconds)


@pytest.mark.parametrize("zone", ZONES)
def test_localdate_is_djangos_on_either_side_of_midnight(zone):
    with timezone.override(zone):
        for at in instants(zone):
            with time_machine.travel(at, tick=False):
                assert clock.localdate() == timezone.localdate(), at


def test_localdate_follows_the_clock_back_and_the_zone():
    evening = datetime(2026, 12, 31, 16, 59, 59, tzinfo=UTC)  # 23:59:59 in Hà Nội
    with time_machine.travel(evening, tick=False):
        assert str(clock.localdate()) == "2026-12-31"
    with time_machine.travel(evening + timedelta(seconds=1), tick=False):
        assert str(clock.localdate()) == "2027-01-01"
        with timezone.override("Europe/London"):  # still 17:00 on the 31st there
            assert str(clock.localdate()) == "2026-12-31"
        assert str(clock.localdate()) == "2027-01-01"
    with time_machine.travel(evening, tick=False):  # a clock set back: not stale
        assert str(clock.localdate()) == "2026-12-31"


@pytest.fixture
def counters():
    cache = CounterCache("test-counters", {})
    cache.clear()
    yield cache
    cache.clear()


def test_counter_cache_counts_like_locmem(counters):
    assert counters.get("a") is None
    with pytest.raises(ValueError, match="not found"):
        counters.incr("a")
    assert counters.add("a", 1, timeout=60)
    assert not counters.add("a", 5, timeout=60)  # already there
    assert counters.incr("a") == 2
    assert counters.incr("a", 3) == 5
    assert counters.get("a") == 5
    counters.set("a", 10)
    assert counters.get("a") == 10
    assert counters.has_key("a")
    counters.delete("a")
    assert counters.get("a", "gone") == "gone"


def test_counter_cache_expires(counters):
    start = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        counters.add("window", 1, timeout=2)
        assert counters.incr("window") == 2
    with time_machine.travel(start + timedelta(seconds=3), tick=False):
        with pytest.raises(ValueError, match="not found"):
            counters.incr("window")
        assert counters.add("window", 1, timeout=2)  # the window starts again
        assert counters.get("window") == 1


def test_allow_refuses_past_the_limit_and_starts_again_each_window():
    assert isinstance(caches[CACHE_ALIAS], CounterCache)  # the settings' backend
    start = datetime(2026, 12, 6, 3, 0, 5, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        assert [allow("test:client", limit=3, window=60) for _ in range(5)] == [
            True,
            True,
            True,
            False,
            False,
        ]
        assert allow("test:other", limit=3, window=60)  # each key its own count
    with time_machine.travel(start + timedelta(seconds=60), tick=False):
        assert allow("test:client", limit=3, window=60)  # a new window
