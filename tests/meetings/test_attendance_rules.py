"""The attendance rule: minutes in the room and a status from joins and leaves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from commonroom.meetings.attendance import Presence, compute, minutes_in_room

START = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
END = START + timedelta(hours=3)
AFTER = END + timedelta(hours=1)


def at(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


def test_nobody_joined_is_absent() -> None:
    assert compute([], starts_at=START, ends_at=END, now=AFTER).status == "absent"


def test_on_time_for_the_whole_session_is_present() -> None:
    result = compute(
        [Presence("join", at(-5)), Presence("leave", at(181))],
        starts_at=START,
        ends_at=END,
        now=AFTER,
    )
    assert (result.status, result.minutes) == ("present", 180)


def test_joining_after_the_grace_is_late() -> None:
    result = compute([Presence("join", at(11))], starts_at=START, ends_at=END, now=AFTER)
    assert (result.status, result.minutes) == ("late", 169)


def test_joining_within_the_grace_is_on_time() -> None:
    assert (
        compute([Presence("join", at(10))], starts_at=START, ends_at=END, now=AFTER).status
        == "present"
    )


def test_leaving_for_good_before_the_end_is_left_early() -> None:
    events = [Presence("join", at(0)), Presence("leave", at(120))]
    result = compute(events, starts_at=START, ends_at=END, now=AFTER)
    assert (result.status, result.minutes) == ("left_early", 120)


def test_a_short_drop_and_rejoin_is_still_present() -> None:
    events = [Presence("join", at(0)), Presence("leave", at(60)), Presence("join", at(62))]
    result = compute(events, starts_at=START, ends_at=END, now=AFTER)
    assert (result.status, result.minutes) == ("present", 178)


def test_two_tabs_do_not_double_count() -> None:
    events = [Presence("join", at(0)), Presence("join", at(5)), Presence("leave", at(180))]
    assert minutes_in_room(events, starts_at=START, ends_at=END, now=AFTER) == 180


def test_a_join_after_the_end_does_not_count() -> None:
    assert (
        compute([Presence("join", at(200))], starts_at=START, ends_at=END, now=AFTER).status
        == "absent"
    )


@given(st.lists(st.tuples(st.sampled_from(["join", "leave"]), st.integers(-60, 300)), max_size=20))
def test_minutes_never_exceed_the_session(raw: list[tuple[str, int]]) -> None:
    events = [Presence(kind, at(m)) for kind, m in raw]
    minutes = minutes_in_room(events, starts_at=START, ends_at=END, now=AFTER)
    assert 0 <= minutes <= 180
