"""Attendance from joins and leaves: minutes in the room and a status.

Pure functions over events, so the rule is written once and tested alone.
The statuses follow common IOP practice: arriving more than LATE_GRACE after
the start is late; leaving for good more than EARLY_GRACE before the end is
leaving early; lateness is reported over leaving early when both happen,
because it is the one clinicians follow up first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

LATE_GRACE = timedelta(minutes=10)
EARLY_GRACE = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class Presence:
    kind: str  # "join" or "leave"
    at: datetime


@dataclass(frozen=True, slots=True)
class Computed:
    status: str
    minutes: int


def minutes_in_room(
    events: Iterable[Presence], *, starts_at: datetime, ends_at: datetime, now: datetime
) -> int:
    """Minutes inside [starts_at, ends_at) covered by join..leave intervals.
    A join without a leave counts until now (or the end); repeated joins
    (two tabs, a reconnect) do not double-count."""
    inside = False
    since: datetime | None = None
    total = timedelta()
    horizon = min(now, ends_at)
    for event in sorted(events, key=lambda e: e.at):
        if event.kind == "join" and not inside:
            inside, since = True, event.at
        elif event.kind == "leave" and inside and since is not None:
            total += _overlap(since, event.at, starts_at, horizon)
            inside, since = False, None
    if inside and since is not None:
        total += _overlap(since, horizon, starts_at, horizon)
    return int(total.total_seconds() // 60)


def _overlap(a: datetime, b: datetime, lo: datetime, hi: datetime) -> timedelta:
    start, end = max(a, lo), min(b, hi)
    return end - start if end > start else timedelta()


def compute(
    events: Iterable[Presence], *, starts_at: datetime, ends_at: datetime, now: datetime
) -> Computed:
    ordered = sorted(events, key=lambda e: e.at)
    joins = [e.at for e in ordered if e.kind == "join" and e.at < ends_at]
    if not joins:
        return Computed(status="absent", minutes=0)
    minutes = minutes_in_room(ordered, starts_at=starts_at, ends_at=ends_at, now=now)
    if joins[0] > starts_at + LATE_GRACE:
        return Computed(status="late", minutes=minutes)
    last = ordered[-1]
    if last.kind == "leave" and last.at < ends_at - EARLY_GRACE:
        return Computed(status="left_early", minutes=minutes)
    return Computed(status="present", minutes=minutes)
