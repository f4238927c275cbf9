"""iCalendar feeds: valid RFC 5545, stable UIDs, UTC times, and nothing
on a phone's lock screen beyond the caller's neutral title."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from commonroom.meetings.calendar import PRODID, FeedEntry, build_feed
from commonroom.meetings.schedule import Cancellation, Move, Series, occurrences

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
# Words that would tell anyone glancing at a calendar what the group is for.
FORBIDDEN = ("addiction", "recovery", "therapy", "substance", "relapse", "skills", "process")


def evening_series() -> Series:
    return Series(
        key="41",
        rule="FREQ=WEEKLY;BYDAY=MO,WE,TH",
        start_date=date(2026, 9, 7),
        local_start=time(18, 0),
        duration=timedelta(hours=3),
        time_zone="America/Chicago",
        kind="group_therapy",
    )


def thanksgiving_entries(summary: str = "Evening group") -> list[FeedEntry]:
    found = occurrences(
        series=evening_series(),
        window_start=datetime(2026, 11, 23, tzinfo=CHICAGO),
        window_end=datetime(2026, 11, 30, tzinfo=CHICAGO),
        cancellations=[Cancellation(original_date=date(2026, 11, 26))],
        moves=[
            Move(
                original_date=date(2026, 11, 25),
                new_start_local=datetime(2026, 11, 27, 10, 0),  # noqa: DTZ001 - Chicago wall time
            )
        ],
        include_cancelled=True,
    )
    return [
        FeedEntry.from_occurrence(o, summary=summary, url=f"https://care.example/s/{o.series_key}")
        for o in found
    ]


def parse(feed: bytes) -> Calendar:
    return Calendar.from_ical(feed)


def test_the_feed_has_the_required_calendar_properties() -> None:
    calendar = parse(
        build_feed(calendar_name="My sessions", occurrences=thanksgiving_entries(), now=NOW)
    )
    assert str(calendar["PRODID"]) == PRODID == "-//Commonroom//Sessions//EN"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "My sessions"
    events = calendar.walk("VEVENT")
    assert len(events) == 3
    for event in events:
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert required in event
        assert event.decoded("DTSTAMP") == NOW


def test_times_are_written_in_utc() -> None:
    feed = build_feed(calendar_name="My sessions", occurrences=thanksgiving_entries(), now=NOW)
    # Monday 23 November, 18:00 in Chicago (CST, UTC-6), is midnight UTC.
    assert b"DTSTART:20261124T000000Z\r\n" in feed
    assert b"DTEND:20261124T030000Z\r\n" in feed
    assert b"VTIMEZONE" not in feed
    for event in parse(feed).walk("VEVENT"):
        assert event.decoded("DTSTART").utcoffset() == timedelta(0)


def test_uids_are_stable_across_builds_and_moves() -> None:
    first = parse(build_feed(calendar_name="A", occurrences=thanksgiving_entries(), now=NOW))
    later = parse(
        build_feed(
            calendar_name="A", occurrences=thanksgiving_entries(), now=NOW + timedelta(hours=5)
        )
    )
    uids = [str(e["UID"]) for e in first.walk("VEVENT")]
    assert uids == [str(e["UID"]) for e in later.walk("VEVENT")]
    # The moved session keeps the UID of its original date, so clients update it in place.
    assert uids == [
        "41-2026-11-23@commonroom",
        "41-2026-11-26@commonroom",
        "41-2026-11-25@commonroom",
    ]


def test_a_cancelled_session_is_marked_cancelled_and_a_moved_one_gets_a_new_sequence() -> None:
    events = {
        str(e["UID"]): e
        for e in parse(
            build_feed(calendar_name="A", occurrences=thanksgiving_entries(), now=NOW)
        ).walk("VEVENT")
    }
    regular = events["41-2026-11-23@commonroom"]
    cancelled = events["41-2026-11-26@commonroom"]
    moved = events["41-2026-11-25@commonroom"]
    assert (str(regular["STATUS"]), regular.decoded("SEQUENCE")) == ("CONFIRMED", 0)
    assert (str(cancelled["STATUS"]), cancelled.decoded("SEQUENCE")) == ("CANCELLED", 1)
    assert (str(moved["STATUS"]), moved.decoded("SEQUENCE")) == ("CONFIRMED", 1)
    assert moved.decoded("DTSTART") == datetime(2026, 11, 27, 16, 0, tzinfo=UTC)


def test_a_stored_revision_count_overrides_the_derived_sequence() -> None:
    [_, _, moved] = thanksgiving_entries()
    assert moved.sequence == 1
    occurrence = occurrences(
        series=evening_series(),
        window_start=datetime(2026, 11, 27, tzinfo=CHICAGO),
        window_end=datetime(2026, 11, 28, tzinfo=CHICAGO),
        moves=[
            Move(
                original_date=date(2026, 11, 25),
                new_start_local=datetime(2026, 11, 27, 10, 0),  # noqa: DTZ001 - Chicago wall time
            )
        ],
    )[0]
    assert FeedEntry.from_occurrence(occurrence, summary="Evening group", sequence=3).sequence == 3


def test_only_the_callers_neutral_title_and_the_session_page_are_shown() -> None:
    feed = build_feed(calendar_name="My sessions", occurrences=thanksgiving_entries(), now=NOW)
    text = feed.decode().lower()
    for word in FORBIDDEN:
        assert word not in text, word
    events = parse(feed).walk("VEVENT")
    assert {str(e["SUMMARY"]) for e in events} == {"Evening group"}
    assert {str(e["URL"]) for e in events} == {"https://care.example/s/41"}
    assert {str(e["CLASS"]) for e in events} == {"PRIVATE"}
    for event in events:
        for revealing in ("DESCRIPTION", "LOCATION", "ATTENDEE", "ORGANIZER"):
            assert revealing not in event


def test_without_a_url_no_url_is_written() -> None:
    entries = [
        FeedEntry.from_occurrence(o, summary="Session")
        for o in occurrences(
            series=evening_series(),
            window_start=datetime(2026, 11, 23, tzinfo=CHICAGO),
            window_end=datetime(2026, 11, 24, tzinfo=CHICAGO),
        )
    ]
    assert b"URL" not in build_feed(calendar_name="A", occurrences=entries, now=NOW)


def test_long_and_non_ascii_lines_are_folded_with_crlf() -> None:
    summary = "Sesión de la tarde del programa de la comunidad, con acentos: áéíóú ñ — " * 2
    feed = build_feed(
        calendar_name="Mis sesiones", occurrences=thanksgiving_entries(summary), now=NOW
    )
    assert feed.endswith(b"\r\n")
    lines = feed.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    # RFC 5545 3.1: lines of at most 75 octets, continued with a leading space,
    # never splitting a UTF-8 character.
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)
    for line in lines:
        line.decode("utf-8")
    assert {str(e["SUMMARY"]) for e in parse(feed).walk("VEVENT")} == {summary}


def test_the_same_input_gives_the_same_bytes_in_start_order() -> None:
    entries = thanksgiving_entries()
    feed = build_feed(calendar_name="A", occurrences=entries, now=NOW)
    assert feed == build_feed(calendar_name="A", occurrences=list(reversed(entries)), now=NOW)
    starts = [e.decoded("DTSTART") for e in parse(feed).walk("VEVENT")]
    assert starts == sorted(starts)


def test_an_empty_feed_is_still_a_valid_calendar() -> None:
    calendar = parse(build_feed(calendar_name="A", occurrences=[], now=NOW))
    assert calendar.walk("VEVENT") == []
    assert str(calendar["REFRESH-INTERVAL"].to_ical().decode()) == "PT1H"


def test_two_entries_with_one_uid_are_refused() -> None:
    entry = thanksgiving_entries()[0]
    with pytest.raises(ValueError, match="appears twice"):
        build_feed(calendar_name="A", occurrences=[entry, entry], now=NOW)


def test_a_naive_stamp_is_refused() -> None:
    with pytest.raises(ValueError, match="now: must be an aware datetime"):
        build_feed(calendar_name="A", occurrences=[], now=NOW.replace(tzinfo=None))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"starts_at": datetime(2026, 11, 24)}, "starts_at: must be an aware"),  # noqa: DTZ001
        ({"ends_at": datetime(2026, 11, 23, tzinfo=UTC)}, "ends_at: must be after starts_at"),
        ({"summary": "  "}, "summary: must not be empty"),
        ({"sequence": -1}, "sequence: must not be negative"),
    ],
)
def test_a_bad_entry_is_refused(changes: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "series_key": "41",
        "original_date": date(2026, 11, 23),
        "starts_at": datetime(2026, 11, 24, tzinfo=UTC),
        "ends_at": datetime(2026, 11, 24, 3, tzinfo=UTC),
        "summary": "Evening group",
    }
    with pytest.raises(ValueError, match=message):
        FeedEntry(**{**fields, **changes})  # type: ignore[arg-type]
