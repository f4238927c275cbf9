"""Session schedules: a series' recurrence rule expanded into occurrences.

Pure Python (no Django, no database) so that the calendar page, the
iCalendar feed, reminders and the weekly-minimum report share one rule.

Time zones. A series repeats in the *wall time* of its program's zone:
"Mondays 18:00 America/Chicago" stays 18:00 in Chicago when the UTC offset
changes from -5 to -6. So the rule is expanded over naive local datetimes
and only then each start is placed in the zone and converted to UTC.
Local times that a DST change makes odd follow PEP 495's ``fold=0``:

- a time in the spring-forward gap (02:30 on the change day, which never
  happens on the clock) is read with the offset from before the change, so
  it moves forward by the gap: 02:30 becomes 03:30 daylight time;
- a time that happens twice on fall-back night (01:30) is the first one,
  still on daylight time.

A move keeps the ``fold`` of its ``new_start_local``, so a caller who means
the second 01:30 can say so with ``fold=1``.

Durations are elapsed time: a three-hour session is three real hours even
when a DST change falls inside it.

An occurrence belongs to the window its start falls in (half-open
``[window_start, window_end)``), so a session crossing the end of a window is
counted once, not in both neighbours.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrule, rrulestr

# More than this many occurrences in one call is a mistake or abuse (a daily
# rule over a whole year is 366); callers with a real need pass `limit`.
MAX_OCCURRENCES_PER_WINDOW = 1000

# The furthest past a series' start that it is expanded. dateutil steps one
# period at a time from the first date, so this bounds the work (a daily rule
# over 25 years is about 9,000 steps, a few milliseconds).
MAX_HORIZON = timedelta(days=25 * 366)

# A rule must produce its first session within this long of its start date;
# a rule that does not is a mistake (a monthly "31st" that only visits June).
FIRST_SESSION_WITHIN = timedelta(days=366)

# Windows are exact instants, but the rule runs on local wall time whose
# offset from UTC varies by up to 26 hours across zones and transitions
# (Samoa skipped a whole day in 2011); scanning two extra days each side and
# then filtering on UTC catches every start that falls in the window.
_SCAN_MARGIN = timedelta(days=2)

# Session rules use a small part of RFC 5545: daily, weekly or monthly, an
# interval, weekdays, and for monthly rules ordinal weekdays ("first Monday",
# "last Friday") or days of the month. Two reasons. Those are the schedules
# the editor offers. And dateutil only checks UNTIL when a date matches, so a
# rule that can never match again (BYMONTH=2;BYMONTHDAY=30) makes it step on
# to the year 9999, taking seconds; within this subset every rule that
# matches once keeps matching at a bounded pace, which is checked up front.
_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY")
_TOO_FINE = frozenset({"HOURLY", "MINUTELY", "SECONDLY"})
_PARTS = {
    "DAILY": frozenset({"FREQ", "INTERVAL", "BYDAY", "WKST"}),
    "WEEKLY": frozenset({"FREQ", "INTERVAL", "BYDAY", "WKST"}),
    "MONTHLY": frozenset({"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "WKST"}),
}
_FORBIDDEN_PARTS = {
    "COUNT": "set the series' until date instead of COUNT in the rule",
    "UNTIL": "set the series' until date instead of UNTIL in the rule",
    "BYHOUR": "the start time comes from local_start; remove BYHOUR from the rule",
    "BYMINUTE": "the start time comes from local_start; remove BYMINUTE from the rule",
    "BYSECOND": "the start time comes from local_start; remove BYSECOND from the rule",
}
_MAX_INTERVAL = 12
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_BYDAY_ITEM = re.compile(r"([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)")
_MONTHDAY_ITEM = re.compile(r"[+-]?\d{1,2}")


@dataclass(frozen=True, slots=True)
class _Rule:
    text: str
    freq: str
    interval: int
    weekdays: tuple[tuple[int | None, int], ...]  # (ordinal or None, 0 = Monday)
    monthdays: tuple[int, ...]


class ScheduleError(ValueError):
    """A series, exception or window that cannot be expanded. ``field`` names
    the input at fault so forms and the API can point at it, and ``message``
    is the problem alone, for showing beside that field."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.message = message
        self.field = field


@dataclass(frozen=True, slots=True)
class Series:
    """One recurring schedule of a therapy group in its program's zone.

    ``rule`` is an RFC 5545 RRULE value without DTSTART, COUNT or UNTIL, e.g.
    ``FREQ=WEEKLY;BYDAY=MO,WE,TH``. ``start_date`` is a lower bound, not a
    session in itself: like dateutil (and unlike RFC 5545's DTSTART) it only
    counts when the rule matches it. ``until`` is the last date, inclusive.
    """

    key: str
    rule: str
    start_date: date
    local_start: time
    duration: timedelta
    time_zone: str
    until: date | None = None
    kind: str = "group_therapy"

    def __post_init__(self) -> None:
        if not self.key:
            raise ScheduleError("must not be empty", field="key")
        zone_from_name(self.time_zone, field="time_zone")
        if self.local_start.tzinfo is not None:
            raise ScheduleError(
                "must be a wall-clock time without a zone; the zone is time_zone",
                field="local_start",
            )
        if not timedelta(0) < self.duration <= timedelta(days=1):
            raise ScheduleError("must be more than zero and at most a day", field="duration")
        if self.until is not None and self.until < self.start_date:
            raise ScheduleError(
                f"{self.until} is before the start date {self.start_date}", field="until"
            )
        rule = parse_rule(self.rule)
        # Normalise in place so equal schedules compare equal ("freq=weekly"
        # and "FREQ=WEEKLY"); frozen dataclasses allow this only here.
        object.__setattr__(self, "rule", rule.text)
        first_possible = self._first_local()
        last = first_possible + FIRST_SESSION_WITHIN
        if self.until is not None:
            last = min(last, self._last_local())
        # The cheap calendar check comes first: it is what makes the dateutil
        # search after it finite for any rule that gets this far.
        if not _can_match_within(rule, self.start_date, last.date()) or (
            _rule(self, through=last).after(first_possible, inc=True) is None
        ):
            raise ScheduleError(
                f"produces no session between {self.start_date} and {last.date()}",
                field="rule",
            )

    def _first_local(self) -> datetime:
        return datetime.combine(self.start_date, self.local_start)

    def _last_local(self) -> datetime:
        assert self.until is not None
        return datetime.combine(self.until, self.local_start)


@dataclass(frozen=True, slots=True)
class Cancellation:
    """The occurrence on ``original_date`` (the series' local date) is off.
    A rule places at most one session on a day, so the date identifies it."""

    original_date: date


@dataclass(frozen=True, slots=True)
class Move:
    """The occurrence on ``original_date`` happens at another time, given as
    wall time in the series' zone (naive; its ``fold`` is honoured)."""

    original_date: date
    new_start_local: datetime
    new_duration: timedelta | None = None

    def __post_init__(self) -> None:
        if self.new_start_local.tzinfo is not None:
            raise ScheduleError(
                "must be wall time in the series' zone, without tzinfo", field="new_start_local"
            )
        if self.new_duration is not None and not (
            timedelta(0) < self.new_duration <= timedelta(days=1)
        ):
            raise ScheduleError("must be more than zero and at most a day", field="new_duration")


@dataclass(frozen=True, slots=True, order=True)
class Occurrence:
    """One session of a series. ``original_date`` is its identity: it stays
    the date the rule produced even when the session is moved. Ordering is by
    start, then end, then series and date, so merged lists sort stably."""

    starts_at: datetime  # aware, UTC
    ends_at: datetime  # aware, UTC
    series_key: str
    original_date: date
    kind: str
    moved: bool = False
    cancelled: bool = False

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at


@dataclass(frozen=True, slots=True)
class LocalOccurrence:
    """An occurrence as one viewer sees it, in their own zone."""

    occurrence: Occurrence
    time_zone: str
    starts_at: datetime  # aware, in time_zone
    ends_at: datetime  # aware, in time_zone

    @property
    def local_date(self) -> date:
        """The viewer's date of the start; it can differ from the series'
        original date (an evening in Chicago is the next morning in Tokyo)."""
        return self.starts_at.date()

    @property
    def label(self) -> str:
        """A language-neutral label, e.g. ``2026-03-16 19:00-22:00 EDT``.
        Pages render times with Django's localised date filters; this is for
        places without a locale (plain-text fallbacks, admin lists)."""
        start, end = self.starts_at, self.ends_at
        start_zone, end_zone = start.tzname() or "", end.tzname() or ""
        same_day = end.date() == start.date()
        end_text = f"{end:%H:%M}" if same_day else f"{end:%Y-%m-%d %H:%M}"
        if start_zone == end_zone:
            return f"{start:%Y-%m-%d %H:%M}-{end_text} {end_zone}".rstrip()
        return f"{start:%Y-%m-%d %H:%M} {start_zone} - {end_text} {end_zone}".rstrip()


@dataclass(frozen=True, slots=True)
class Slot:
    """A person's place in one series (one time slot of a curriculum), with
    that series' exceptions. ``first_date``/``last_date`` (inclusive, in the
    series' zone, on the session's actual start) bound when the person is in
    this slot, so moving from the morning to the evening slot is two slots."""

    series: Series
    cancellations: tuple[Cancellation, ...] = ()
    moves: tuple[Move, ...] = ()
    first_date: date | None = None
    last_date: date | None = None


def zone_from_name(name: str, *, field: str = "time_zone") -> ZoneInfo:
    """The IANA zone called ``name``, or a ScheduleError naming ``field``."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        # ValueError: zoneinfo refuses keys such as absolute paths or "..".
        raise ScheduleError(f"{name!r} is not an IANA time zone", field=field) from exc


def normalise_rule(rule: str) -> str:
    """Check an RRULE value and return it in upper case without an
    ``RRULE:`` prefix. Raises ScheduleError naming the problem."""
    return parse_rule(rule).text


def parse_rule(rule: str) -> _Rule:
    """The parts of a rule (frequency, interval, weekdays, days of the
    month; also for saying it in words, meetings/rule_words.py). Raises
    ScheduleError naming the problem."""
    text = rule.strip().upper().removeprefix("RRULE:")
    if not text:
        raise ScheduleError("the recurrence rule is empty", field="rule")
    if any(ch in text for ch in "\r\n"):
        raise ScheduleError(
            "give one RRULE value on one line; exceptions are cancellations and moves",
            field="rule",
        )
    parts: dict[str, str] = {}
    for part in text.split(";"):
        name, sep, value = part.partition("=")
        if not sep or not name or not value:
            raise ScheduleError(f"{part!r} is not NAME=VALUE", field="rule")
        if name in parts:
            raise ScheduleError(f"{name} is given twice", field="rule")
        parts[name] = value
    freq = parts.get("FREQ")
    if freq is None:
        raise ScheduleError("FREQ is missing (DAILY, WEEKLY or MONTHLY)", field="rule")
    if freq in _TOO_FINE:
        raise ScheduleError(
            f"FREQ={freq} is finer than daily; sessions repeat at most once a day",
            field="rule",
        )
    if freq not in _FREQUENCIES:
        raise ScheduleError(f"FREQ={freq} is not one of DAILY, WEEKLY, MONTHLY", field="rule")
    for name in parts:
        if name in _FORBIDDEN_PARTS:
            raise ScheduleError(_FORBIDDEN_PARTS[name], field="rule")
        if name not in _PARTS[freq]:
            allowed = ", ".join(sorted(_PARTS[freq] - {"FREQ"}))
            raise ScheduleError(
                f"{name} is not supported in a {freq.lower()} rule (use {allowed})",
                field="rule",
            )
    interval_text = parts.get("INTERVAL", "1")
    if not interval_text.isdigit() or not 1 <= int(interval_text) <= _MAX_INTERVAL:
        raise ScheduleError(
            f"INTERVAL={interval_text} must be a whole number from 1 to {_MAX_INTERVAL}",
            field="rule",
        )
    weekdays = _parse_weekdays(parts.get("BYDAY"), ordinals=freq == "MONTHLY")
    monthdays = _parse_monthdays(parts.get("BYMONTHDAY"))
    if weekdays and monthdays:
        raise ScheduleError("use BYDAY or BYMONTHDAY, not both", field="rule")
    if parts.get("WKST", "MO") not in WEEKDAY_CODES:
        raise ScheduleError(f"WKST={parts['WKST']} is not a weekday (MO to SU)", field="rule")
    return _Rule(
        text=text,
        freq=freq,
        interval=int(interval_text),
        weekdays=weekdays,
        monthdays=monthdays,
    )


def _parse_weekdays(value: str | None, *, ordinals: bool) -> tuple[tuple[int | None, int], ...]:
    if value is None:
        return ()
    found: list[tuple[int | None, int]] = []
    for item in value.split(","):
        match = _BYDAY_ITEM.fullmatch(item)
        if match is None or (match.group(1) and int(match.group(1)) == 0):
            raise ScheduleError(
                f"BYDAY={value}: {item!r} is not a weekday (MO to SU, or 1MO to 5MO, -1MO to -5MO"
                " in a monthly rule)",
                field="rule",
            )
        if match.group(1) and not ordinals:
            raise ScheduleError(
                f"BYDAY={value}: numbered weekdays such as {item} need FREQ=MONTHLY",
                field="rule",
            )
        ordinal = int(match.group(1)) if match.group(1) else None
        found.append((ordinal, WEEKDAY_CODES.index(match.group(2))))
    if len({ordinal is None for ordinal, _weekday in found}) > 1:
        # RFC 5545 means the union ("every Wednesday and the last Tuesday");
        # dateutil takes the intersection, which is usually empty. Refused
        # rather than expanded differently from other calendar software.
        raise ScheduleError(
            f"BYDAY={value}: use plain weekdays or numbered ones, not a mix", field="rule"
        )
    return tuple(found)


def _parse_monthdays(value: str | None) -> tuple[int, ...]:
    if value is None:
        return ()
    days: list[int] = []
    for item in value.split(","):
        if not _MONTHDAY_ITEM.fullmatch(item) or not 1 <= abs(int(item)) <= 31:
            raise ScheduleError(
                f"BYMONTHDAY={value}: each value must be 1 to 31 or -1 to -31", field="rule"
            )
        days.append(int(item))
    return tuple(days)


def _can_match_within(rule: _Rule, first: date, last: date) -> bool:
    """Whether some period the rule visits between ``first`` and ``last``
    can hold a session, by calendar arithmetic rather than dateutil.

    Within the supported subset the pattern of periods that can match
    repeats (every 7 days; every 4,800 months, the Gregorian cycle), so a
    rule that passes has sessions at a bounded spacing forever after."""
    wanted = {weekday for _ordinal, weekday in rule.weekdays}
    if rule.freq == "WEEKLY":
        return True  # every visited week holds every weekday
    if rule.freq == "DAILY":
        days = (first + timedelta(days=rule.interval * k) for k in range(7))
        return not wanted or any(day.weekday() in wanted for day in days if day <= last)
    month = first.year * 12 + first.month - 1
    while month <= last.year * 12 + last.month - 1:
        year, index = divmod(month, 12)
        if _month_can_match(rule, year, index + 1, default_day=first.day):
            return True
        month += rule.interval
    return False


def _month_can_match(rule: _Rule, year: int, month: int, *, default_day: int) -> bool:
    length = calendar.monthrange(year, month)[1]
    if rule.weekdays:
        first_weekday = date(year, month, 1).weekday()
        for ordinal, weekday in rule.weekdays:
            count = len(range((weekday - first_weekday) % 7, length, 7))
            if ordinal is None or abs(ordinal) <= count:
                return True
        return False
    # Without BYDAY or BYMONTHDAY a monthly rule repeats the start's day.
    days = rule.monthdays or (default_day,)
    return any(abs(day) <= length for day in days)


def _rule(series: Series, *, through: datetime) -> rrule:
    """The series' rule over naive local datetimes, ending at ``through`` or
    the series' until date, whichever is first."""
    last = through
    if series.until is not None:
        last = min(last, datetime.combine(series.until, series.local_start))
    parsed: rrule = rrulestr(
        series.rule, dtstart=datetime.combine(series.start_date, series.local_start)
    )
    return parsed.replace(until=last)


def to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """Naive wall time in ``zone`` to aware UTC, by the fold rule above."""
    return local.replace(tzinfo=zone).astimezone(UTC)


def _check_window(window_start: datetime, window_end: datetime) -> None:
    for name, value in (("window_start", window_start), ("window_end", window_end)):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ScheduleError("must be an aware datetime", field=name)
        if not 1 < value.year < 9999:
            # The scan margin and zone conversions would overflow datetime.
            raise ScheduleError("is out of range", field=name)
    if window_end < window_start:
        raise ScheduleError("is before window_start", field="window_end")


def _check_horizon(series: Series, last_local: datetime, *, field: str) -> None:
    if last_local - series._first_local() > MAX_HORIZON:
        raise ScheduleError(
            f"reaches {last_local.date()}, more than {MAX_HORIZON.days // 366} years "
            f"after the series starts on {series.start_date}",
            field=field,
        )


def _exceptions_by_date(
    cancellations: Iterable[Cancellation], moves: Iterable[Move]
) -> tuple[set[date], dict[date, Move]]:
    # The database keeps one exception per series and date; two here would
    # make the result depend on their order, so they are refused.
    cancelled: set[date] = set()
    moved: dict[date, Move] = {}
    for cancellation in cancellations:
        if cancellation.original_date in cancelled:
            raise ScheduleError(
                f"{cancellation.original_date} is given twice", field="cancellations"
            )
        cancelled.add(cancellation.original_date)
    for move in moves:
        if move.original_date in moved or move.original_date in cancelled:
            raise ScheduleError(f"{move.original_date} already has an exception", field="moves")
        moved[move.original_date] = move
    return cancelled, moved


def occurrence_dates(series: Series, dates: Iterable[date]) -> set[date]:
    """Those of ``dates`` on which the series' rule places a session. The
    action that records a move or cancellation uses this to refuse a date
    with no session; expansion uses it to ignore exceptions left stale by a
    later rule change, rather than inventing a session from them."""
    wanted = {
        day
        for day in dates
        if day >= series.start_date and (series.until is None or day <= series.until)
    }
    if not wanted:
        return set()
    through = datetime.combine(max(wanted), series.local_start)
    _check_horizon(series, through, field="original_date")
    start = datetime.combine(min(wanted), series.local_start)
    return {
        local.date()
        for local in _bounded(_rule(series, through=through).xafter(start, inc=True), through)
        if local.date() in wanted
    }


def _bounded(items: Iterator[datetime], last: datetime) -> Iterator[datetime]:
    for item in items:
        if item > last:
            return
        yield item


def occurrences(
    *,
    series: Series,
    window_start: datetime,
    window_end: datetime,
    cancellations: Iterable[Cancellation] = (),
    moves: Iterable[Move] = (),
    include_cancelled: bool = False,
    limit: int = MAX_OCCURRENCES_PER_WINDOW,
) -> list[Occurrence]:
    """The series' sessions starting in ``[window_start, window_end)``,
    sorted. Cancelled ones are left out unless ``include_cancelled`` (a feed
    shows them struck through); a moved one appears where it now starts,
    even when its original date lies outside the window."""
    _check_window(window_start, window_end)
    cancelled, moved = _exceptions_by_date(cancellations, moves)
    zone = zone_from_name(series.time_zone)
    found: list[Occurrence] = []

    def add(occurrence: Occurrence) -> None:
        found.append(occurrence)
        if len(found) > limit:
            raise ScheduleError(
                f"produces more than {limit} sessions in the window "
                f"{window_start.isoformat()} to {window_end.isoformat()}; narrow the window",
                field="rule",
            )

    scan_from = window_start.astimezone(zone).replace(tzinfo=None) - _SCAN_MARGIN
    scan_to = window_end.astimezone(zone).replace(tzinfo=None) + _SCAN_MARGIN
    if series.until is not None:
        scan_to = min(scan_to, series._last_local())
    if window_start < window_end and scan_to >= series._first_local():
        _check_horizon(series, scan_to, field="window_end")
        for local in _bounded(_rule(series, through=scan_to).xafter(scan_from, inc=True), scan_to):
            day = local.date()
            if day in moved or (day in cancelled and not include_cancelled):
                continue
            starts_at = to_utc(local, zone)
            if window_start <= starts_at < window_end:
                add(
                    Occurrence(
                        starts_at=starts_at,
                        ends_at=starts_at + series.duration,
                        series_key=series.key,
                        original_date=day,
                        kind=series.kind,
                        cancelled=day in cancelled,
                    )
                )

    # A moved session keeps its identity but lives where it now starts, which
    # may be far from its original date, so moves are checked one by one.
    in_window = {
        day: move
        for day, move in moved.items()
        if window_start <= to_utc(move.new_start_local, zone) < window_end
    }
    for day in sorted(occurrence_dates(series, in_window)):
        move = in_window[day]
        starts_at = to_utc(move.new_start_local, zone)
        add(
            Occurrence(
                starts_at=starts_at,
                ends_at=starts_at + (move.new_duration or series.duration),
                series_key=series.key,
                original_date=day,
                kind=series.kind,
                moved=True,
            )
        )
    found.sort()
    return found


def merged_occurrences(
    *,
    slots: Iterable[Slot],
    window_start: datetime,
    window_end: datetime,
    include_cancelled: bool = False,
    limit: int = MAX_OCCURRENCES_PER_WINDOW,
) -> list[Occurrence]:
    """One person's sessions across the slots they are or were in, sorted.
    The same session reached through two overlapping slots appears once."""
    seen: dict[tuple[str, date], Occurrence] = {}
    for slot in slots:
        zone = zone_from_name(slot.series.time_zone)
        for occurrence in occurrences(
            series=slot.series,
            window_start=window_start,
            window_end=window_end,
            cancellations=slot.cancellations,
            moves=slot.moves,
            include_cancelled=include_cancelled,
            limit=limit,
        ):
            day = occurrence.starts_at.astimezone(zone).date()
            if slot.first_date is not None and day < slot.first_date:
                continue
            if slot.last_date is not None and day > slot.last_date:
                continue
            seen.setdefault((occurrence.series_key, occurrence.original_date), occurrence)
    return sorted(seen.values())


def in_zone(occurrence: Occurrence, *, zone: str) -> LocalOccurrence:
    """``occurrence`` in a viewer's zone (their preference, not the program's)."""
    tz = zone_from_name(zone, field="zone")
    return LocalOccurrence(
        occurrence=occurrence,
        time_zone=zone,
        starts_at=occurrence.starts_at.astimezone(tz),
        ends_at=occurrence.ends_at.astimezone(tz),
    )


def weekly_hours(
    occurrences: Iterable[Occurrence], *, time_zone: str
) -> dict[tuple[int, int], float]:
    """Scheduled hours per ISO week ``(iso_year, iso_week)``, the week being
    that of each session's start in ``time_zone`` (the program's, for weekly
    minimums). Cancelled sessions count nothing; weeks without sessions are
    absent. Elapsed time is summed before converting, so there is one
    rounding, not one per session."""
    zone = zone_from_name(time_zone)
    totals: dict[tuple[int, int], timedelta] = {}
    for occurrence in occurrences:
        if occurrence.cancelled:
            continue
        iso = occurrence.starts_at.astimezone(zone).isocalendar()
        week = (iso.year, iso.week)
        totals[week] = totals.get(week, timedelta()) + occurrence.duration
    return {week: totals[week] / timedelta(hours=1) for week in sorted(totals)}
