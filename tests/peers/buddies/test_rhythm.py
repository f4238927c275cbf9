"""The daily rhythm check: windows in each member's own time zone, a missed
buddy check-in nudges the pair once, and repeated misses reach staff only."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from commonroom.accounts.models import User
from commonroom.care.models import Program, TherapyGroup
from commonroom.peers.buddies import actions, queries, rhythm, tasks
from commonroom.peers.buddies.models import BuddyMiss, BuddyPair
from commonroom.realtime.models import Event
from commonroom.spaces import checkins
from tests.peers.buddies.conftest import run_pairing

pytestmark = pytest.mark.django_db

UTC = dt.UTC
FORMED = dt.datetime(2026, 11, 20, 18, 0, tzinfo=UTC)  # Chicago noon, Tokyo 03:00 next day


@pytest.fixture
def tokyo_buddy(buddy: User) -> User:
    buddy.time_zone = "Asia/Tokyo"
    buddy.save(update_fields=["time_zone"])
    return buddy


@pytest.fixture
def formed_pair(
    program: Program,
    group: TherapyGroup,
    participant: User,
    tokyo_buddy: User,
    facilitator: User,
) -> BuddyPair:
    with time_machine.travel(FORMED, tick=False):
        actions.do_request_buddy(user=participant, program=program)
        actions.do_set_opt_in(user=tokyo_buddy, program=program, consenting=True)
        run_pairing(facilitator, program, group)
    return BuddyPair.objects.get(memberships__user=participant)


def buddy_check_in(user: User, program: Program, at: dt.datetime) -> None:
    with time_machine.travel(at, tick=False):
        checkins.do_check_in(
            user=user,
            program=program,
            mood=6,
            craving=1,
            sleep_hours=Decimal("7"),
            audience="buddy",
            client_id=uuid.uuid4(),
            now=at,
        )


def nudges(user: User) -> int:
    return Event.objects.filter(stream__key=f"user.{user.pk}", kind="buddy.nudge").count()


def test_windows_start_the_day_after_forming_in_the_members_zone() -> None:
    chicago, tokyo = ZoneInfo("America/Chicago"), ZoneInfo("Asia/Tokyo")
    assert rhythm.first_day(FORMED, chicago) == dt.date(2026, 11, 21)
    assert rhythm.first_day(FORMED, tokyo) == dt.date(2026, 11, 22)
    assert rhythm.last_ended_window(
        since=FORMED, days=2, zone=chicago, today=dt.date(2026, 11, 24)
    ) == rhythm.Window(dt.date(2026, 11, 21), dt.date(2026, 11, 22))
    assert (
        rhythm.last_ended_window(since=FORMED, days=2, zone=chicago, today=dt.date(2026, 11, 22))
        is None
    )


def test_a_miss_is_recorded_on_the_members_own_day_boundary(
    formed_pair: BuddyPair, participant: User, tokyo_buddy: User, program: Program
) -> None:
    buddy_check_in(participant, program, dt.datetime(2026, 11, 21, 20, 0, tzinfo=UTC))
    # 14:00 UTC on the 22nd: Tokyo's first day (the 22nd) has not ended yet;
    # Chicago's first day (the 21st) has, and was kept.
    with time_machine.travel(dt.datetime(2026, 11, 22, 14, 0, tzinfo=UTC), tick=False):
        tasks.enqueue_rhythm_checks()
    assert not BuddyMiss.objects.exists()
    # 15:00 UTC: midnight in Tokyo, so the Tokyo buddy's first day has passed.
    with time_machine.travel(dt.datetime(2026, 11, 22, 15, 0, tzinfo=UTC), tick=False):
        tasks.enqueue_rhythm_checks()
    miss = BuddyMiss.objects.get()
    assert miss.membership.user == tokyo_buddy
    assert miss.window_end == dt.date(2026, 11, 22)
    assert nudges(participant) == nudges(tokyo_buddy) == 1
    event = Event.objects.get(stream__key=f"user.{participant.pk}", kind="buddy.nudge")
    assert event.payload == {"pair_id": formed_pair.pk}


def test_the_check_is_idempotent(
    formed_pair: BuddyPair, participant: User, tokyo_buddy: User
) -> None:
    at = dt.datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
    for _ in range(3):
        with time_machine.travel(at, tick=False):
            tasks.enqueue_rhythm_checks()
    membership = formed_pair.memberships.get(user=tokyo_buddy)
    # Tokyo is already on the 24th: its latest window was the 23rd.
    assert tasks.record_miss(membership.pk, dt.date(2026, 11, 23)) is None  # a retried job
    assert BuddyMiss.objects.filter(membership__user=tokyo_buddy).count() == 1
    assert BuddyMiss.objects.filter(membership__user=participant).count() == 1
    assert nudges(participant) == 2


def test_every_other_day_counts_two_day_windows(
    formed_pair: BuddyPair, participant: User, program: Program
) -> None:
    with time_machine.travel(FORMED, tick=False):
        actions.do_set_rhythm(pair=formed_pair, by=participant, rhythm="every_other_day")
    # The Chicago window is the 21st-22nd; a check-in on the 22nd keeps it.
    buddy_check_in(participant, program, dt.datetime(2026, 11, 22, 20, 0, tzinfo=UTC))
    with time_machine.travel(dt.datetime(2026, 11, 23, 12, 0, tzinfo=UTC), tick=False):
        tasks.enqueue_rhythm_checks()
    assert not BuddyMiss.objects.filter(membership__user=participant).exists()


def test_repeated_misses_show_on_the_facilitators_list_and_never_to_peers(
    formed_pair: BuddyPair,
    participant: User,
    tokyo_buddy: User,
    program: Program,
    client_for: Any,
    facilitator: User,
) -> None:
    # The participant keeps every day; the Tokyo buddy misses three in a row.
    for day in (21, 22, 23, 24):
        buddy_check_in(participant, program, dt.datetime(2026, 11, day, 20, 0, tzinfo=UTC))
    for day in (22, 23, 24):
        with time_machine.travel(dt.datetime(2026, 11, day, 16, 0, tzinfo=UTC), tick=False):
            tasks.enqueue_rhythm_checks()
    assert BuddyMiss.objects.filter(membership__user=tokyo_buddy).count() == 3
    with time_machine.travel(dt.datetime(2026, 11, 25, 16, 0, tzinfo=UTC), tick=False):
        (row,) = queries.pair_health(BuddyPair.objects.all())
        by_person = {m.user.pk: m for m in row.members}
        assert by_person[tokyo_buddy.pk].repeated
        assert not by_person[participant.pk].repeated
        assert (by_person[participant.pk].kept, by_person[participant.pk].expected) == (4, 4)
        staff_html = client_for(facilitator).get("/buddies/staff/").content.decode()
        assert "Repeated misses" in staff_html
        for peer in (participant, tokyo_buddy):
            html = client_for(peer).get("/buddy/").content.decode()
            assert "Repeated misses" not in html
            assert "A check-in was missed in your pair" in html


def test_an_email_nudge_says_only_that_there_is_an_update(
    formed_pair: BuddyPair,
    participant: User,
    tokyo_buddy: User,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from commonroom.spaces.digest import do_set_digest

    do_set_digest(user=participant, enabled=True)
    # Both missed their first day; only the participant turned on email.
    with (
        time_machine.travel(dt.datetime(2026, 11, 22, 15, 0, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.enqueue_rhythm_checks()
        tasks.enqueue_rhythm_checks()
    assert BuddyMiss.objects.count() == 2
    (mail,) = mailoutbox
    assert mail.to == [participant.email]
    assert mail.subject == "There is an update in Commonroom"
    text = mail.body.lower()
    for word in ("buddy", "check-in", "missed", "kim", "tokyo"):
        assert word not in text
