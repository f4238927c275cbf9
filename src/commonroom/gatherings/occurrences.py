"""A gathering's occurrences, expanded from its rule by meetings/schedule.py
(the code that expands session series), never stored one by one.

An occurrence's identity is its original date in the program's zone; the
first occurrence is ``Gathering.starts_at`` and its wall time is kept by
every repeat across daylight-saving changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from commonroom.gatherings.models import Gathering
from commonroom.meetings import schedule

# How far ahead pages and the API look for upcoming occurrences.
UPCOMING_HORIZON = timedelta(days=400)
UPCOMING_SHOWN = 6


@dataclass(frozen=True, slots=True)
class GatheringOccurrence:
    gathering: Gathering
    occurrence_date: date  # the program's local date: the occurrence's identity
    starts_at: datetime  # aware, UTC
    ends_at: datetime  # aware, UTC
    cancelled: bool = False

    def has_started(self, now: datetime) -> bool:
        return self.starts_at <= now


def series_of(gathering: Gathering, *, time_zone: str) -> schedule.Series:
    """The gathering as a meetings Series (raises ScheduleError naming the
    field at fault). Only for a gathering that repeats."""
    zone = schedule.zone_from_name(time_zone)
    local = gathering.starts_at.astimezone(zone)
    return schedule.Series(
        key=str(gathering.pk or 0),
        rule=gathering.recurrence,
        start_date=local.date(),
        local_start=local.time().replace(fold=local.fold),
        duration=timedelta(minutes=gathering.duration_minutes),
        time_zone=time_zone,
        until=gathering.repeat_until,
        kind="gathering",
    )


def _time_zone(gathering: Gathering) -> str:
    return str(gathering.program.time_zone)


def _cancelled_dates(gathering: Gathering) -> set[date]:
    """From the prefetched cancellations when the caller prefetched them
    (lists do, so a page costs the same for one gathering or fifty)."""
    if gathering.pk is None:
        return set()
    return {c.occurrence_date for c in gathering.cancellations.all()}


def between(
    gathering: Gathering, *, window_start: datetime, window_end: datetime
) -> list[GatheringOccurrence]:
    """Occurrences starting in ``[window_start, window_end)``, cancelled ones
    included and marked."""
    cancelled = _cancelled_dates(gathering)
    zone = _time_zone(gathering)
    if not gathering.repeats:
        day = gathering.starts_at.astimezone(schedule.zone_from_name(zone)).date()
        if not window_start <= gathering.starts_at < window_end:
            return []
        return [
            GatheringOccurrence(
                gathering=gathering,
                occurrence_date=day,
                starts_at=gathering.starts_at,
                ends_at=gathering.starts_at + timedelta(minutes=gathering.duration_minutes),
                cancelled=day in cancelled,
            )
        ]
    series = series_of(gathering, time_zone=zone)
    found = schedule.occurrences(
        series=series,
        window_start=window_start,
        window_end=window_end,
        cancellations=[schedule.Cancellation(day) for day in sorted(cancelled)],
        include_cancelled=True,
    )
    return [
        GatheringOccurrence(
            gathering=gathering,
            occurrence_date=o.original_date,
            starts_at=o.starts_at,
            ends_at=o.ends_at,
            cancelled=o.cancelled,
        )
        for o in found
    ]


def upcoming(
    gathering: Gathering, *, now: datetime, limit: int = UPCOMING_SHOWN
) -> list[GatheringOccurrence]:
    """The next occurrences not yet over (one in progress included)."""
    if gathering.cancelled_at is not None:
        return []
    start = now - timedelta(minutes=gathering.duration_minutes)
    found = between(gathering, window_start=start, window_end=now + UPCOMING_HORIZON)
    return [o for o in found if o.ends_at > now][:limit]


def on_date(gathering: Gathering, day: date) -> GatheringOccurrence | None:
    """The occurrence with this original date, or None when the gathering
    does not happen that day (cancelled ones are returned, marked)."""
    zone_name = _time_zone(gathering)
    zone = schedule.zone_from_name(zone_name)
    cancelled = day in _cancelled_dates(gathering)
    duration = timedelta(minutes=gathering.duration_minutes)
    if not gathering.repeats:
        if gathering.starts_at.astimezone(zone).date() != day:
            return None
        starts_at = gathering.starts_at
    else:
        series = series_of(gathering, time_zone=zone_name)
        if day not in schedule.occurrence_dates(series, [day]):
            return None
        starts_at = schedule.to_utc(datetime.combine(day, series.local_start), zone)
    return GatheringOccurrence(
        gathering=gathering,
        occurrence_date=day,
        starts_at=starts_at,
        ends_at=starts_at + duration,
        cancelled=cancelled,
    )
