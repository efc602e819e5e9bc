"""Today's date in the current time zone, for the hottest pages.

``django.utils.timezone.localdate()`` converts the current time to the local
zone on every call (about 6 µs); the public verification page asks for the
date on every scan. ``localdate()`` here gives the same date, kept until the
local day it was computed for ends (its bounds are instants, compared with
``time.time()``), and computed again for another time zone. A clock set back
(a test travelling in time) falls outside the bounds too, so it is never
stale.
"""

import time
from datetime import date, datetime, timedelta

from django.utils import timezone

# (zone, first instant of the day, first instant of the next day, the day)
_kept: tuple = (None, 0.0, 0.0, None)


def localdate() -> date:
    """The current date in the current time zone (``timezone.localdate()``)."""
    global _kept
    zone = timezone.get_current_timezone()
    now = time.time()
    kept_zone, start, end, day = _kept
    if kept_zone is zone and start <= now < end:
        return day
    day = datetime.fromtimestamp(now, zone).date()
    start = datetime.combine(day, datetime.min.time(), tzinfo=zone).timestamp()
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone).timestamp()
    if start <= now < end:  # else a midnight in a zone's gap: not kept
        _kept = (zone, start, end, day)
    return day
