"""Schedule expansion: wall time across DST, exceptions, slots, weekly hours.

2026's changes: the US springs forward on 8 March and falls back on
1 November; the UK on 29 March and 25 October. Between those dates the
two countries are four (not five, not six) hours apart.
"""

from __future__ import annotations

import time as time_module
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commonroom.meetings.schedule import (
    MAX_OCCURRENCES_PER_WINDOW,
    Cancellation,
    Move,
    Occurrence,
    ScheduleError,
    Series,
    Slot,
    in_zone,
    merged_occurrences,
    normalise_rule,
    occurrence_dates,
    occurrences,
    to_utc,
    weekly_hours,
)

CHICAGO = ZoneInfo("America/Chicago")


def wall(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, *, fold: int = 0
) -> datetime:
    """Wall-clock time without a zone, as moves and expected local times are."""
    return datetime(year, month, day, hour, minute, fold=fold)  # noqa: DTZ001


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def chicago(*args: int) -> datetime:
    return datetime(*args, tzinfo=CHICAGO)


def make_series(
    rule: str = "FREQ=WEEKLY;BYDAY=MO,WE,TH",
    *,
    key: str = "evening",
    start_date: date = date(2026, 1, 5),
    local_start: time = time(18, 0),
    duration: timedelta = timedelta(hours=3),
    time_zone: str = "America/Chicago",
    until: date | None = None,
    kind: str = "group_therapy",
) -> Series:
    return Series(
        key=key,
        rule=rule,
        start_date=start_date,
        local_start=local_start,
        duration=duration,
        time_zone=time_zone,
        until=until,
        kind=kind,
    )


def starts(found: list[Occurrence], zone: str = "UTC") -> list[datetime]:
    return [o.starts_at.astimezone(ZoneInfo(zone)).replace(tzinfo=None) for o in found]


# --- wall time across daylight saving ------------------------------------------


def test_monday_evening_stays_18_00_in_chicago_across_both_us_changes() -> None:
    mondays = make_series("FREQ=WEEKLY;BYDAY=MO")
    spring = occurrences(series=mondays, window_start=utc(2026, 3, 1), window_end=utc(2026, 3, 17))
    autumn = occurrences(
        series=mondays, window_start=utc(2026, 10, 25), window_end=utc(2026, 11, 10)
    )

    assert [o.original_date for o in spring] == [
        date(2026, 3, 2),
        date(2026, 3, 9),
        date(2026, 3, 16),
    ]
    assert {t.time() for t in starts(spring + autumn, "America/Chicago")} == {time(18, 0)}
    # CST is UTC-6 and CDT UTC-5: the UTC hour moves by one at each change.
    assert starts(spring) == [
        wall(2026, 3, 3, 0, 0),
        wall(2026, 3, 9, 23, 0),
        wall(2026, 3, 16, 23, 0),
    ]
    # Monday 9 November starts at 00:00 UTC on the 10th: the window's end, so out.
    assert starts(autumn) == [wall(2026, 10, 26, 23, 0), wall(2026, 11, 3, 0, 0)]


def test_a_viewer_in_new_york_always_sees_19_00() -> None:
    mondays = make_series("FREQ=WEEKLY;BYDAY=MO")
    year = occurrences(series=mondays, window_start=utc(2026, 1, 1), window_end=utc(2027, 1, 1))
    seen = {in_zone(o, zone="America/New_York").starts_at.time() for o in year}
    assert seen == {time(19, 0)}


@pytest.mark.parametrize(
    ("monday", "london"),
    [
        # Neither side on summer time yet: six hours apart.
        (date(2026, 3, 2), wall(2026, 3, 3, 0, 0)),
        # US on summer time, UK not yet: five hours.
        (date(2026, 3, 9), wall(2026, 3, 9, 23, 0)),
        (date(2026, 3, 23), wall(2026, 3, 23, 23, 0)),
        # Both on summer time: six hours again.
        (date(2026, 3, 30), wall(2026, 3, 31, 0, 0)),
        (date(2026, 10, 19), wall(2026, 10, 20, 0, 0)),
        # UK back on GMT a week before the US falls back: five hours.
        (date(2026, 10, 26), wall(2026, 10, 26, 23, 0)),
        (date(2026, 11, 2), wall(2026, 11, 3, 0, 0)),
    ],
)
def test_a_viewer_in_london_follows_the_uk_changes(monday: date, london: datetime) -> None:
    mondays = make_series("FREQ=WEEKLY;BYDAY=MO")
    day_start = datetime.combine(monday, time(), tzinfo=CHICAGO)
    [found] = occurrences(
        series=mondays, window_start=day_start, window_end=day_start + timedelta(days=1)
    )
    local = in_zone(found, zone="Europe/London")
    assert local.starts_at.replace(tzinfo=None) == london
    assert local.ends_at - local.starts_at == timedelta(hours=3)


def test_a_start_in_the_spring_forward_gap_moves_forward_by_the_gap() -> None:
    # 02:30 does not exist in Chicago on 8 March 2026: clocks go 01:59 -> 03:00.
    nightly = make_series(
        "FREQ=DAILY",
        start_date=date(2026, 3, 7),
        local_start=time(2, 30),
        duration=timedelta(hours=1),
    )
    found = occurrences(series=nightly, window_start=utc(2026, 3, 7), window_end=utc(2026, 3, 10))

    assert starts(found, "America/Chicago") == [
        wall(2026, 3, 7, 2, 30),
        wall(2026, 3, 8, 3, 30),  # the gap day, an hour later on the clock
        wall(2026, 3, 9, 2, 30),
    ]
    assert found[1].original_date == date(2026, 3, 8)
    assert found[1].duration == timedelta(hours=1)


def test_a_start_in_the_fall_back_fold_is_the_first_of_the_two() -> None:
    # 01:30 happens twice in Chicago on 1 November 2026: first CDT, then CST.
    nightly = make_series(
        "FREQ=DAILY",
        start_date=date(2026, 10, 31),
        local_start=time(1, 30),
        duration=timedelta(hours=1),
    )
    [fold_day] = occurrences(
        series=nightly, window_start=utc(2026, 11, 1), window_end=utc(2026, 11, 2)
    )
    assert fold_day.starts_at == utc(2026, 11, 1, 6, 30)  # 01:30 CDT (UTC-5)
    assert fold_day.starts_at.astimezone(CHICAGO).tzname() == "CDT"


def test_a_move_can_name_the_second_of_two_equal_wall_times() -> None:
    nightly = make_series(
        "FREQ=DAILY",
        start_date=date(2026, 10, 31),
        local_start=time(0, 0),
        duration=timedelta(hours=1),
    )
    second = Move(original_date=date(2026, 11, 1), new_start_local=wall(2026, 11, 1, 1, 30, fold=1))
    [moved] = occurrences(
        series=nightly,
        window_start=utc(2026, 11, 1, 6),
        window_end=utc(2026, 11, 1, 8),
        moves=[second],
    )
    assert moved.starts_at == utc(2026, 11, 1, 7, 30)  # 01:30 CST (UTC-6)


def test_an_aware_time_read_back_as_wall_time_round_trips_through_a_move() -> None:
    # The database stores a move's new start aware; taking its wall time keeps
    # the fold, so storing and expanding agree even inside the repeated hour.
    stored = utc(2026, 11, 1, 7, 30)
    wall = stored.astimezone(CHICAGO).replace(tzinfo=None)
    assert to_utc(wall, CHICAGO) == stored


def test_duration_is_elapsed_time_across_a_change() -> None:
    overnight = make_series(
        "FREQ=DAILY",
        start_date=date(2026, 10, 31),
        local_start=time(0, 30),
        duration=timedelta(hours=3),
    )
    [found] = occurrences(
        series=overnight, window_start=chicago(2026, 11, 1), window_end=chicago(2026, 11, 1, 12)
    )
    local = in_zone(found, zone="America/Chicago")
    assert found.duration == timedelta(hours=3)
    assert (local.starts_at.time(), local.ends_at.time()) == (time(0, 30), time(2, 30))


# --- exceptions ----------------------------------------------------------------

THANKSGIVING_WEEK = (chicago(2026, 11, 23), chicago(2026, 11, 30))


def test_a_cancelled_holiday_is_removed() -> None:
    found = occurrences(
        series=make_series(),
        window_start=THANKSGIVING_WEEK[0],
        window_end=THANKSGIVING_WEEK[1],
        cancellations=[Cancellation(original_date=date(2026, 11, 26))],
    )
    assert [o.original_date for o in found] == [date(2026, 11, 23), date(2026, 11, 25)]


def test_a_cancelled_session_can_be_listed_as_cancelled() -> None:
    found = occurrences(
        series=make_series(),
        window_start=THANKSGIVING_WEEK[0],
        window_end=THANKSGIVING_WEEK[1],
        cancellations=[Cancellation(original_date=date(2026, 11, 26))],
        include_cancelled=True,
    )
    assert [(o.original_date.day, o.cancelled) for o in found] == [
        (23, False),
        (25, False),
        (26, True),
    ]


def test_a_session_moved_to_friday_morning_appears_on_friday() -> None:
    found = occurrences(
        series=make_series(),
        window_start=THANKSGIVING_WEEK[0],
        window_end=THANKSGIVING_WEEK[1],
        cancellations=[Cancellation(original_date=date(2026, 11, 26))],
        moves=[Move(original_date=date(2026, 11, 25), new_start_local=wall(2026, 11, 27, 10, 0))],
    )
    assert [(o.original_date, o.moved) for o in found] == [
        (date(2026, 11, 23), False),
        (date(2026, 11, 25), True),
    ]
    moved = found[1]
    assert moved.starts_at == chicago(2026, 11, 27, 10, 0)
    assert moved.duration == timedelta(hours=3)


def test_a_move_can_change_the_length() -> None:
    move = Move(
        original_date=date(2026, 11, 25),
        new_start_local=wall(2026, 11, 25, 17, 0),
        new_duration=timedelta(hours=2),
    )
    found = occurrences(
        series=make_series(),
        window_start=THANKSGIVING_WEEK[0],
        window_end=THANKSGIVING_WEEK[1],
        moves=[move],
    )
    [moved] = [o for o in found if o.moved]
    assert (moved.starts_at, moved.ends_at) == (
        chicago(2026, 11, 25, 17),
        chicago(2026, 11, 25, 19),
    )


def test_a_session_moved_into_the_next_week_leaves_this_week_for_that_one() -> None:
    move = Move(original_date=date(2026, 11, 19), new_start_local=wall(2026, 11, 28, 10, 0))
    before = occurrences(
        series=make_series(),
        window_start=chicago(2026, 11, 16),
        window_end=chicago(2026, 11, 23),
        moves=[move],
    )
    after = occurrences(
        series=make_series(),
        window_start=THANKSGIVING_WEEK[0],
        window_end=THANKSGIVING_WEEK[1],
        moves=[move],
    )
    assert [o.original_date.day for o in before] == [16, 18]
    assert [(o.original_date.day, o.moved) for o in after] == [
        (23, False),
        (25, False),
        (26, False),
        (19, True),
    ]


def test_an_exception_on_a_date_without_a_session_changes_nothing() -> None:
    # Left behind when a rule is edited; it must not invent a session.
    tuesday = date(2026, 11, 24)
    stale = Move(original_date=tuesday, new_start_local=wall(2026, 11, 24, 18, 0))
    found = occurrences(
        series=make_series(),
        window_start=THANKSGIVING_WEEK[0],
        window_end=THANKSGIVING_WEEK[1],
        cancellations=[Cancellation(original_date=date(2026, 11, 22))],
        moves=[stale],
    )
    assert [o.original_date.day for o in found] == [23, 25, 26]


def test_occurrence_dates_says_which_dates_have_a_session() -> None:
    series = make_series(until=date(2026, 12, 31))
    asked = {date(2026, 11, 23), date(2026, 11, 24), date(2025, 12, 1), date(2027, 1, 4)}
    assert occurrence_dates(series, asked) == {date(2026, 11, 23)}
    assert occurrence_dates(series, []) == set()


def test_two_exceptions_for_one_date_are_refused() -> None:
    day = date(2026, 11, 26)
    with pytest.raises(ScheduleError, match="already has an exception") as caught:
        occurrences(
            series=make_series(),
            window_start=THANKSGIVING_WEEK[0],
            window_end=THANKSGIVING_WEEK[1],
            cancellations=[Cancellation(original_date=day)],
            moves=[Move(original_date=day, new_start_local=wall(2026, 11, 27, 10))],
        )
    assert caught.value.field == "moves"
    with pytest.raises(ScheduleError, match="given twice"):
        occurrences(
            series=make_series(),
            window_start=THANKSGIVING_WEEK[0],
            window_end=THANKSGIVING_WEEK[1],
            cancellations=[Cancellation(original_date=day), Cancellation(original_date=day)],
        )


def test_a_move_needs_wall_time_and_a_positive_length() -> None:
    with pytest.raises(ScheduleError, match="new_start_local"):
        Move(original_date=date(2026, 11, 26), new_start_local=utc(2026, 11, 27, 16))
    with pytest.raises(ScheduleError, match="new_duration"):
        Move(
            original_date=date(2026, 11, 26),
            new_start_local=wall(2026, 11, 27, 10),
            new_duration=timedelta(0),
        )


# --- series bounds and windows -------------------------------------------------


def test_until_is_inclusive_and_the_start_date_counts_only_if_the_rule_matches_it() -> None:
    # 2026-01-06 is a Tuesday: not a session, just the earliest possible date.
    series = make_series(start_date=date(2026, 1, 6), until=date(2026, 1, 12))
    found = occurrences(series=series, window_start=utc(2026, 1, 1), window_end=utc(2026, 2, 1))
    assert [o.original_date.day for o in found] == [7, 8, 12]


def test_the_window_is_half_open() -> None:
    series = make_series("FREQ=WEEKLY;BYDAY=MO")
    monday = chicago(2026, 11, 23, 18)
    assert occurrences(series=series, window_start=monday, window_end=monday) == []
    assert (
        len(
            occurrences(
                series=series, window_start=monday, window_end=monday + timedelta(seconds=1)
            )
        )
        == 1
    )
    earlier = monday - timedelta(days=7)
    assert [
        o.starts_at for o in occurrences(series=series, window_start=earlier, window_end=monday)
    ] == [earlier]


def test_a_naive_window_is_refused() -> None:
    with pytest.raises(ScheduleError, match="window_start: must be an aware datetime"):
        occurrences(
            series=make_series(),
            window_start=wall(2026, 1, 1),  # the mistake under test
            window_end=utc(2026, 2, 1),
        )


def test_a_window_at_the_end_of_time_is_refused_not_overflowed() -> None:
    with pytest.raises(ScheduleError, match="window_end: is out of range"):
        occurrences(
            series=make_series(),
            window_start=utc(2026, 1, 1),
            window_end=datetime.max.replace(tzinfo=UTC),
        )


def test_a_window_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ScheduleError, match="window_end"):
        occurrences(series=make_series(), window_start=utc(2026, 2, 1), window_end=utc(2026, 1, 1))


def test_too_many_sessions_in_one_window_are_refused() -> None:
    daily = make_series("FREQ=DAILY")
    window = {"window_start": utc(2026, 1, 1), "window_end": utc(2029, 1, 1)}
    with pytest.raises(ScheduleError, match=f"more than {MAX_OCCURRENCES_PER_WINDOW} sessions"):
        occurrences(series=daily, **window)
    assert len(occurrences(series=daily, limit=2000, **window)) > MAX_OCCURRENCES_PER_WINDOW


def test_windows_far_beyond_the_start_are_refused_but_ended_series_are_empty() -> None:
    with pytest.raises(ScheduleError, match="years after the series starts"):
        occurrences(series=make_series(), window_start=utc(2080, 1, 1), window_end=utc(2080, 2, 1))
    ended = make_series(until=date(2026, 6, 30))
    assert occurrences(series=ended, window_start=utc(2080, 1, 1), window_end=utc(2080, 2, 1)) == []


def test_a_window_before_the_series_is_empty() -> None:
    assert (
        occurrences(series=make_series(), window_start=utc(2020, 1, 1), window_end=utc(2021, 1, 1))
        == []
    )


# --- rule validation -----------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("", "the recurrence rule is empty"),
        ("   ", "the recurrence rule is empty"),
        ("garbage", "'GARBAGE' is not NAME=VALUE"),
        ("FREQ=HOURLY", "FREQ=HOURLY is finer than daily"),
        ("FREQ=MINUTELY;INTERVAL=90", "FREQ=MINUTELY is finer than daily"),
        ("FREQ=SECONDLY", "FREQ=SECONDLY is finer than daily"),
        ("FREQ=FORTNIGHTLY", "FREQ=FORTNIGHTLY is not one of DAILY, WEEKLY, MONTHLY"),
        ("FREQ=YEARLY", "FREQ=YEARLY is not one of DAILY, WEEKLY, MONTHLY"),
        ("BYDAY=MO", "FREQ is missing"),
        ("FREQ=WEEKLY;COUNT=10", "until date instead of COUNT"),
        ("FREQ=WEEKLY;UNTIL=20261231T000000Z", "until date instead of UNTIL"),
        ("FREQ=DAILY;BYHOUR=9,18", "remove BYHOUR"),
        ("FREQ=WEEKLY;BYDAY=XX", "'XX' is not a weekday"),
        ("FREQ=WEEKLY;BYDAY=", "'BYDAY=' is not NAME=VALUE"),
        ("FREQ=WEEKLY;BYDAY=1MO", "numbered weekdays such as 1MO need FREQ=MONTHLY"),
        ("FREQ=MONTHLY;BYDAY=6MO", "'6MO' is not a weekday"),
        ("FREQ=MONTHLY;BYDAY=0MO", "'0MO' is not a weekday"),
        ("FREQ=MONTHLY;BYDAY=WE,-1TU", "plain weekdays or numbered ones, not a mix"),
        ("FREQ=WEEKLY;INTERVAL=0", "INTERVAL=0 must be a whole number from 1 to 12"),
        ("FREQ=WEEKLY;INTERVAL=two", "INTERVAL=TWO must be a whole number"),
        ("FREQ=WEEKLY;INTERVAL=1000000", "INTERVAL=1000000 must be a whole number"),
        ("FREQ=MONTHLY;BYMONTHDAY=40", "BYMONTHDAY=40: each value must be 1 to 31"),
        ("FREQ=MONTHLY;BYMONTHDAY=1;BYDAY=FR", "use BYDAY or BYMONTHDAY, not both"),
        ("FREQ=WEEKLY;BYMONTHDAY=1", "BYMONTHDAY is not supported in a weekly rule"),
        ("FREQ=MONTHLY;BYMONTH=2", "BYMONTH is not supported in a monthly rule"),
        ("FREQ=WEEKLY;BYSETPOS=-1", "BYSETPOS is not supported"),
        ("FREQ=WEEKLY;WKST=XX", "WKST=XX is not a weekday"),
        ("FREQ=WEEKLY;FREQ=DAILY", "FREQ is given twice"),
        ("FREQ=WEEKLY;COLOUR=RED", "COLOUR is not supported in a weekly rule"),
        ("DTSTART:20260105T180000", "is not NAME=VALUE"),
        ("FREQ=WEEKLY\nEXDATE:20261126", "one RRULE value on one line"),
        # Start dates are Monday 5 January 2026: every seventh day is a Monday.
        ("FREQ=DAILY;INTERVAL=7;BYDAY=TU", "produces no session"),
        # Every twelfth month from January only visits Januaries, and no January
        # has a fifth Monday until 2029, well beyond the first year.
        ("FREQ=MONTHLY;INTERVAL=12;BYDAY=5MO", "produces no session"),
    ],
)
def test_a_bad_rule_is_refused_with_its_problem_named(rule: str, message: str) -> None:
    with pytest.raises(ScheduleError, match=message) as caught:
        make_series(rule)
    assert caught.value.field == "rule"
    assert str(caught.value).startswith("rule: ")
    assert message in caught.value.message


def test_a_rule_is_normalised() -> None:
    assert make_series("rrule:freq=weekly;byday=mo,th").rule == "FREQ=WEEKLY;BYDAY=MO,TH"
    assert normalise_rule(" FREQ=MONTHLY;BYDAY=1MO ") == "FREQ=MONTHLY;BYDAY=1MO"


def test_a_monthly_day_skips_months_without_it() -> None:
    thirty_firsts = make_series("FREQ=MONTHLY;BYMONTHDAY=31")
    found = occurrences(
        series=thirty_firsts, window_start=utc(2026, 1, 1), window_end=utc(2026, 6, 1)
    )
    assert [o.original_date for o in found] == [
        date(2026, 1, 31),
        date(2026, 3, 31),
        date(2026, 5, 31),
    ]


@pytest.mark.parametrize(
    ("rule", "start"),
    [
        # Only Februaries (or Junes), which never have a 30th or 31st: dateutil
        # alone would step through every month to the year 9999 looking.
        ("FREQ=MONTHLY;INTERVAL=12;BYMONTHDAY=30", date(2026, 2, 1)),
        ("FREQ=MONTHLY;INTERVAL=12;BYMONTHDAY=-31", date(2026, 6, 1)),
        ("FREQ=MONTHLY;INTERVAL=12;BYDAY=5MO", date(2026, 2, 1)),
    ],
)
def test_a_rule_that_can_never_match_is_refused_quickly(rule: str, start: date) -> None:
    began = time_module.perf_counter()
    with pytest.raises(ScheduleError, match="produces no session"):
        make_series(rule, start_date=start)
    assert time_module.perf_counter() - began < 0.5


def test_the_last_monday_of_the_month_works() -> None:
    series = make_series("FREQ=MONTHLY;BYDAY=-1MO")
    found = occurrences(series=series, window_start=utc(2026, 1, 1), window_end=utc(2026, 4, 1))
    assert [o.original_date for o in found] == [
        date(2026, 1, 26),
        date(2026, 2, 23),
        date(2026, 3, 30),
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"time_zone": "America/Springfield"}, "time_zone"),
        ({"time_zone": "/etc/passwd"}, "time_zone"),
        ({"duration": timedelta(0)}, "duration"),
        ({"duration": timedelta(hours=25)}, "duration"),
        ({"until": date(2025, 12, 31)}, "until"),
        ({"key": ""}, "key"),
        ({"local_start": time(18, 0, tzinfo=UTC)}, "local_start"),
        # A Tuesday-only range of a Monday, Wednesday and Thursday rule.
        ({"start_date": date(2026, 1, 6), "until": date(2026, 1, 6)}, "rule"),
    ],
)
def test_a_bad_series_names_the_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        make_series(**changes)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_a_bad_viewer_zone_names_its_field() -> None:
    [first] = occurrences(
        series=make_series(), window_start=utc(2026, 1, 5), window_end=utc(2026, 1, 7)
    )
    with pytest.raises(ScheduleError) as caught:
        in_zone(first, zone="Mars/Olympus_Mons")
    assert caught.value.field == "zone"


# --- a person's view -----------------------------------------------------------


def test_a_person_who_moves_from_the_morning_to_the_evening_slot_sees_both_in_order() -> None:
    morning = make_series(key="morning", local_start=time(9, 0))
    evening = make_series(key="evening", local_start=time(18, 0))
    slots = [
        Slot(series=evening, first_date=date(2026, 4, 13)),
        Slot(series=morning, last_date=date(2026, 4, 10)),
    ]
    found = merged_occurrences(
        slots=slots, window_start=chicago(2026, 4, 6), window_end=chicago(2026, 4, 20)
    )
    assert [(o.series_key, o.original_date.day) for o in found] == [
        ("morning", 6),
        ("morning", 8),
        ("morning", 9),
        ("evening", 13),
        ("evening", 15),
        ("evening", 16),
    ]


def test_merged_slots_interleave_by_start_and_keep_their_exceptions() -> None:
    morning = make_series(key="morning", local_start=time(9, 0))
    skills = make_series(
        "FREQ=WEEKLY;BYDAY=TU", key="skills", local_start=time(12, 0), kind="skills"
    )
    slots = [
        Slot(series=skills),
        Slot(series=morning, cancellations=(Cancellation(original_date=date(2026, 4, 8)),)),
        # The same series twice (left and rejoined, overlapping dates) shows each session once.
        Slot(series=morning, last_date=date(2026, 4, 9)),
    ]
    found = merged_occurrences(
        slots=slots, window_start=chicago(2026, 4, 6), window_end=chicago(2026, 4, 13)
    )
    assert [(o.series_key, o.original_date.day) for o in found] == [
        ("morning", 6),
        ("skills", 7),
        ("morning", 8),  # cancelled in one slot, but the overlapping slot has no exception
        ("morning", 9),
    ]
    assert found == sorted(found, key=lambda o: o.starts_at)


def test_a_viewer_far_away_sees_the_session_on_their_own_date() -> None:
    [first] = occurrences(
        series=make_series(), window_start=utc(2026, 1, 5), window_end=utc(2026, 1, 7)
    )
    tokyo = in_zone(first, zone="Asia/Tokyo")
    assert first.original_date == date(2026, 1, 5)
    assert tokyo.local_date == date(2026, 1, 6)
    assert tokyo.label == "2026-01-06 09:00-12:00 JST"
    chicago_view = in_zone(first, zone="America/Chicago")
    assert chicago_view.label == "2026-01-05 18:00-21:00 CST"


def test_a_label_shows_both_dates_and_zones_when_they_differ() -> None:
    overnight = make_series(
        "FREQ=DAILY",
        start_date=date(2026, 10, 31),
        local_start=time(23, 0),
        duration=timedelta(hours=4),
    )
    [found] = occurrences(
        series=overnight, window_start=chicago(2026, 10, 31, 12), window_end=chicago(2026, 11, 1)
    )
    assert (
        in_zone(found, zone="America/Chicago").label
        == "2026-10-31 23:00 CDT - 2026-11-01 02:00 CST"
    )


# --- weekly hours --------------------------------------------------------------


def test_weekly_hours_across_the_fall_back_week() -> None:
    found = occurrences(
        series=make_series(), window_start=chicago(2026, 10, 19), window_end=chicago(2026, 11, 9)
    )
    hours = weekly_hours(found, time_zone="America/Chicago")
    assert hours == {(2026, 43): 9.0, (2026, 44): 9.0, (2026, 45): 9.0}


def test_weekly_hours_count_elapsed_time_in_the_week_of_the_change() -> None:
    overnight = make_series(
        "FREQ=WEEKLY;BYDAY=SU",
        start_date=date(2026, 10, 1),
        local_start=time(0, 30),
        duration=timedelta(hours=3),
    )
    found = occurrences(
        series=overnight, window_start=chicago(2026, 10, 25), window_end=chicago(2026, 11, 2)
    )
    # 00:30 CDT to 02:30 CST on 1 November: three hours, though the clock moved two.
    assert weekly_hours(found, time_zone="America/Chicago") == {(2026, 43): 3.0, (2026, 44): 3.0}


def test_weekly_hours_use_the_weeks_of_the_zone_given() -> None:
    # Sunday 20:00 in Chicago is already Monday in London: the next ISO week.
    sunday = make_series(
        "FREQ=WEEKLY;BYDAY=SU", local_start=time(20, 0), duration=timedelta(minutes=90)
    )
    found = occurrences(
        series=sunday, window_start=chicago(2026, 11, 15), window_end=chicago(2026, 11, 16)
    )
    assert weekly_hours(found, time_zone="America/Chicago") == {(2026, 46): 1.5}
    assert weekly_hours(found, time_zone="Europe/London") == {(2026, 47): 1.5}


def test_weekly_hours_skip_cancelled_sessions() -> None:
    found = occurrences(
        series=make_series(),
        window_start=THANKSGIVING_WEEK[0],
        window_end=THANKSGIVING_WEEK[1],
        cancellations=[Cancellation(original_date=date(2026, 11, 26))],
        include_cancelled=True,
    )
    assert weekly_hours(found, time_zone="America/Chicago") == {(2026, 48): 6.0}


def test_weekly_hours_of_nothing_is_empty() -> None:
    assert weekly_hours([], time_zone="America/Chicago") == {}


# --- properties ------------------------------------------------------------------

ZONES = [
    "America/Chicago",
    "America/New_York",
    "America/Santiago",  # southern hemisphere, changes in April and September
    "America/St_Johns",  # half-hour offset
    "Europe/London",
    "Europe/Berlin",
    "Australia/Sydney",
    "Australia/Lord_Howe",  # a 30-minute DST change
    "Pacific/Auckland",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "UTC",
]
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@st.composite
def weekly_series(draw: st.DrawFn) -> Series:
    days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7, unique=True))
    interval = draw(st.integers(min_value=1, max_value=3))
    rule = f"FREQ=WEEKLY;BYDAY={','.join(days)}" + (f";INTERVAL={interval}" if interval > 1 else "")
    minute = draw(st.integers(min_value=0, max_value=24 * 4 - 1)) * 15
    return make_series(
        rule,
        start_date=draw(st.dates(min_value=date(2025, 6, 1), max_value=date(2026, 6, 1))),
        local_start=time(minute // 60, minute % 60),
        duration=timedelta(minutes=draw(st.sampled_from([60, 90, 180]))),
        time_zone=draw(st.sampled_from(ZONES)),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(series=weekly_series(), offset_days=st.integers(min_value=-30, max_value=200))
def test_weekly_rules_keep_wall_time_and_stay_ordered_in_the_window(
    series: Series, offset_days: int
) -> None:
    zone = ZoneInfo(series.time_zone)
    window_start = datetime.combine(series.start_date, time(), tzinfo=UTC) + timedelta(
        days=offset_days
    )
    window_end = window_start + timedelta(days=365)
    found = occurrences(series=series, window_start=window_start, window_end=window_end)

    for occurrence in found:
        assert window_start <= occurrence.starts_at < window_end
        assert occurrence.starts_at.utcoffset() == timedelta(0)
        wall = datetime.combine(occurrence.original_date, series.local_start)
        local = occurrence.starts_at.astimezone(zone).replace(tzinfo=None)
        in_gap = to_utc(wall, zone).astimezone(zone).replace(tzinfo=None) != wall
        if in_gap:
            assert timedelta(0) < local - wall <= timedelta(hours=1)
        else:
            assert local == wall
    instants = [o.starts_at for o in found]
    assert all(a < b for a, b in pairwise(instants))
    assert len({o.original_date for o in found}) == len(found)

    if ";INTERVAL=" not in series.rule:
        # An oracle without dateutil: every matching weekday from the start
        # date whose start falls in the window.
        days = series.rule.split("BYDAY=")[1].split(",")
        first = max(series.start_date, (window_start - timedelta(days=2)).date())
        expected = [
            day
            for day in (first + timedelta(days=n) for n in range(370))
            if WEEKDAYS[day.weekday()] in days
            and window_start <= to_utc(datetime.combine(day, series.local_start), zone) < window_end
        ]
        assert [o.original_date for o in found] == expected


@st.composite
def any_rule(draw: st.DrawFn) -> str:
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY"]))
    parts = [f"FREQ={freq}"]
    if draw(st.booleans()):
        parts.append(f"INTERVAL={draw(st.integers(min_value=1, max_value=12))}")
    if draw(st.booleans()):
        numbered = freq == "MONTHLY" and draw(st.booleans())
        ordinal = st.sampled_from(["1", "2", "-1", "4", "5", "-5"]) if numbered else st.just("")
        days = draw(st.lists(st.tuples(ordinal, st.sampled_from(WEEKDAYS)), min_size=1, max_size=3))
        parts.append("BYDAY=" + ",".join(n + d for n, d in days))
    elif freq == "MONTHLY" and draw(st.booleans()):
        days = draw(
            st.lists(
                st.integers(min_value=28, max_value=31) | st.integers(-31, -28),
                min_size=1,
                max_size=2,
            )
        )
        parts.append("BYMONTHDAY=" + ",".join(map(str, days)))
    return ";".join(parts)


@settings(max_examples=80, deadline=None)
@given(rule=any_rule(), start=st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)))
def test_any_supported_rule_is_refused_or_expands_promptly(rule: str, start: date) -> None:
    # The guard against rules that never match again: whatever passes
    # validation expands a year without dateutil wandering off to 9999.
    began = time_module.perf_counter()
    try:
        series = make_series(rule, start_date=start)
    except ScheduleError as exc:
        if exc.field != "rule":
            raise
        return
    window_start = datetime.combine(start, time(), tzinfo=UTC)
    found = occurrences(
        series=series, window_start=window_start, window_end=window_start + timedelta(days=730)
    )
    assert found
    assert time_module.perf_counter() - began < 1.0
