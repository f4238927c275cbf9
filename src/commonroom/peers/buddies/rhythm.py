"""Check-in windows of a buddy pair, in each member's own calendar.

A pair chooses a rhythm: daily, or every other day. Each member keeps it on
their own: with ``daily`` every day of theirs is a window, with
``every_other_day`` every two days are. Windows are counted from the day
after the pair formed (or changed its rhythm) in the member's time zone, so
nobody is behind on the day they were paired. A window is *kept* when the
member shared a check-in with their buddy on one of its days, and *missed*
once it has passed without one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class Window:
    start: dt.date
    end: dt.date  # inclusive

    def holds(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def first_day(since: dt.datetime, zone: ZoneInfo) -> dt.date:
    return since.astimezone(zone).date() + dt.timedelta(days=1)


def ended_windows(
    *, since: dt.datetime, days: int, zone: ZoneInfo, today: dt.date, after: dt.date | None = None
) -> list[Window]:
    """The windows that have fully passed before ``today`` (the member's
    local today), oldest first; only those ending after ``after`` if given."""
    start = first_day(since, zone)
    windows = []
    while start + dt.timedelta(days=days - 1) < today:
        end = start + dt.timedelta(days=days - 1)
        if after is None or end > after:
            windows.append(Window(start, end))
        start = end + dt.timedelta(days=1)
    return windows


def last_ended_window(
    *, since: dt.datetime, days: int, zone: ZoneInfo, today: dt.date
) -> Window | None:
    first = first_day(since, zone)
    passed = (today - first).days  # whole days from the first day to yesterday
    if passed < days:
        return None
    count = passed // days
    start = first + dt.timedelta(days=(count - 1) * days)
    return Window(start, start + dt.timedelta(days=days - 1))


def kept(window: Window, checkin_days: Collection[dt.date]) -> bool:
    return any(window.holds(day) for day in checkin_days)
