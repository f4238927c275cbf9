"""Property: every date the pages list can be answered, at the same time.
The list expands the rule over a window; an RSVP checks one date; the two
must agree for any rule, start and zone, across daylight saving."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commonroom.care.models import Program
from commonroom.gatherings import occurrences
from commonroom.gatherings.models import Gathering

ZONES = ["America/Chicago", "Europe/Madrid", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]
RULES = [
    "FREQ=WEEKLY",
    "FREQ=WEEKLY;INTERVAL=2",
    "FREQ=MONTHLY",
    "FREQ=MONTHLY;BYDAY={ordinal}{weekday}",
    "FREQ=DAILY;INTERVAL=3",
]
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    zone=st.sampled_from(ZONES),
    rule=st.sampled_from(RULES),
    days_ahead=st.integers(min_value=0, max_value=400),
    minutes=st.integers(min_value=0, max_value=24 * 60 - 1),
    duration=st.integers(min_value=15, max_value=480),
)
def test_listed_dates_are_the_dates_an_rsvp_accepts(
    zone: str, rule: str, days_ahead: int, minutes: int, duration: int
) -> None:
    from zoneinfo import ZoneInfo

    program = Program(name="P", slug="p", time_zone=zone)
    # Naive on purpose: wall time in the program's zone, placed in it below.
    local = datetime(2026, 1, 5) + timedelta(days=days_ahead, minutes=minutes)  # noqa: DTZ001
    if "{ordinal}" in rule:
        ordinal = (local.day - 1) // 7 + 1
        rule = rule.format(
            ordinal=-1 if ordinal == 5 else ordinal, weekday=WEEKDAYS[local.weekday()]
        )
    elif rule == "FREQ=MONTHLY" and local.day > 28:
        local = local.replace(day=28)
    starts_at = local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    gathering = Gathering(
        program=program,
        title="G",
        audience="alumni",
        starts_at=starts_at,
        recurrence=rule,
        duration_minutes=duration,
    )
    listed = occurrences.between(
        gathering, window_start=starts_at, window_end=starts_at + timedelta(days=120)
    )
    assert listed, "the first date is always an occurrence"
    assert listed[0].starts_at == starts_at
    for occurrence in listed:
        assert occurrences.on_date(gathering, occurrence.occurrence_date) == occurrence
        local_date = occurrence.starts_at.astimezone(ZoneInfo(zone)).date()
        assert local_date == occurrence.occurrence_date
