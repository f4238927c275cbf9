"""iCalendar (RFC 5545) feeds of a person's sessions.

A feed ends up on phones, shared family calendars and lock screens, so it
carries as little as possible: a generic title that the caller chooses
("Evening group", never the group's clinical name), the times, and at most a
link to the session page, which asks for sign-in. No video link (anyone
holding it could join), no description, no location, no people.

Times are written in UTC ("...Z"): every client converts them to its own
zone, and no VTIMEZONE block has to be kept in step with tzdata.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event, vDuration

from commonroom.meetings.schedule import Occurrence

PRODID = "-//Commonroom//Sessions//EN"
UID_DOMAIN = "commonroom"

# How often subscribed clients should refetch. Clients treat it as a hint;
# an hour keeps a moved session from being shown at its old time for long.
DEFAULT_REFRESH = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One session as a calendar entry (a VEVENT; "event" in Commonroom
    means a real-time event only).

    ``series_key`` ends up in the UID on the person's device, so it must be
    opaque (a database id), never a name. ``sequence`` must grow whenever
    the entry changes after it was first published, so that clients replace
    their copy; ``from_occurrence`` derives it from the exceptions.
    """

    series_key: str
    original_date: date
    starts_at: datetime
    ends_at: datetime
    summary: str
    url: str | None = None
    cancelled: bool = False
    sequence: int = 0

    def __post_init__(self) -> None:
        for name in ("starts_at", "ends_at"):
            value: datetime = getattr(self, name)
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"{name}: must be an aware datetime")
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at: must be after starts_at")
        if not self.summary.strip():
            raise ValueError("summary: must not be empty")
        if self.sequence < 0:
            raise ValueError("sequence: must not be negative")

    @classmethod
    def from_occurrence(
        cls,
        occurrence: Occurrence,
        *,
        summary: str,
        url: str | None = None,
        sequence: int | None = None,
    ) -> FeedEntry:
        """An entry for an expanded occurrence. Without a stored revision
        count the sequence is 1 for a moved session, 1 for a cancelled one
        and 2 for both: each exception is one change after publication."""
        if sequence is None:
            sequence = int(occurrence.moved) + int(occurrence.cancelled)
        return cls(
            series_key=occurrence.series_key,
            original_date=occurrence.original_date,
            starts_at=occurrence.starts_at,
            ends_at=occurrence.ends_at,
            summary=summary,
            url=url,
            cancelled=occurrence.cancelled,
            sequence=sequence,
        )

    @property
    def uid(self) -> str:
        # The original date, not the start, so a moved session keeps its UID
        # and clients update it in place instead of showing it twice.
        return f"{self.series_key}-{self.original_date.isoformat()}@{UID_DOMAIN}"


def build_feed(
    *,
    calendar_name: str,
    occurrences: Sequence[FeedEntry],
    now: datetime,
    refresh: timedelta = DEFAULT_REFRESH,
) -> bytes:
    """A complete VCALENDAR (METHOD:PUBLISH) with one VEVENT per entry, in
    start order so that the same input gives the same bytes. ``now`` is the
    DTSTAMP (aware). Two entries with one UID are refused: a client would
    keep only one of them."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now: must be an aware datetime")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # X-WR-CALNAME for Apple and Google, NAME (RFC 7986) for the rest.
    calendar.add("x-wr-calname", calendar_name)
    calendar.add("name", calendar_name)
    calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    # An X- property is text by default; give the duration its RFC form.
    calendar.add("x-published-ttl", vDuration(refresh))

    stamp = now.astimezone(UTC)
    seen: set[str] = set()
    for entry in sorted(occurrences, key=lambda e: (e.starts_at, e.uid)):
        if entry.uid in seen:
            raise ValueError(f"occurrences: {entry.uid} appears twice")
        seen.add(entry.uid)
        calendar.add_component(_vevent(entry, stamp=stamp))
    data: bytes = calendar.to_ical()
    return data


def _vevent(entry: FeedEntry, *, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", entry.starts_at.astimezone(UTC))
    event.add("dtend", entry.ends_at.astimezone(UTC))
    event.add("summary", entry.summary)
    event.add("sequence", entry.sequence)
    event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    # CLASS:PRIVATE asks shared and delegated calendars to show only "busy".
    event.add("class", "PRIVATE")
    event.add("transp", "TRANSPARENT" if entry.cancelled else "OPAQUE")
    if entry.url:
        event.add("url", entry.url)
    return event
