"""Live hints from the facilitator console over a real socket: who receives
them, and that they carry ids only."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from datetime import time, timedelta
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing.websocket import WebsocketCommunicator
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from commonroom.accounts.models import User
from commonroom.asgi import application
from commonroom.care.models import TherapyGroup
from commonroom.meetings import console
from commonroom.meetings.models import BreakoutRoom, BreakoutRound, Session
from commonroom.meetings.scheduling import do_create_series
from tests import factories
from tests.conftest import signed_in_client
from tests.meetings.conftest import make_session

pytestmark = pytest.mark.django_db(transaction=True)

Listen = Callable[[User], Any]


@pytest.fixture
def live_session(group: TherapyGroup, admin: User) -> Session:
    series = do_create_series(
        group=group,
        created_by=admin,
        title="Evening group",
        rule="FREQ=WEEKLY;BYDAY=MO,WE,TH",
        start_date=timezone.localdate() - timedelta(days=14),
        local_start=time(18, 0),
        duration_minutes=180,
    )
    return make_session(series, starts_at=timezone.now() - timedelta(minutes=5))


@pytest.fixture
async def listen() -> AsyncIterator[Listen]:
    """Opens a signed-in socket for a person (staff having passed MFA) and
    reads the greeting, so the next message is whatever the test caused."""
    opened: list[WebsocketCommunicator] = []

    async def _listen(user: User) -> WebsocketCommunicator:
        client = await sync_to_async(signed_in_client)(user)
        cookie = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
        communicator = WebsocketCommunicator(
            application,
            "/ws/",
            headers=[
                (b"origin", b"http://testserver"),
                (b"host", b"testserver"),
                (b"cookie", cookie.encode()),
            ],
        )
        connected, _code = await communicator.connect(timeout=10)
        assert connected
        hello = await communicator.receive_json_from(timeout=10)
        assert hello == {"type": "hello", "user": user.pk}
        opened.append(communicator)
        return communicator

    yield _listen
    for communicator in opened:
        await communicator.disconnect()


@pytest.fixture
def crowd(group: TherapyGroup) -> list[User]:
    people = []
    for name in ("Ana", "Ben"):
        person: User = factories.UserFactory.create(display_name=name)
        factories.enroll(person, group.program)
        factories.join(person, group)
        people.append(person)
    return people


def _draft(session: Session, rooms: list[list[User]], by: User) -> BreakoutRound:
    breakout = BreakoutRound.objects.create(session=session, created_by=by, duration_minutes=10)
    for number, members in enumerate(rooms, start=1):
        BreakoutRoom.objects.create(round=breakout, number=number).members.set(members)
    return breakout


def _names_and_emails(*people: User) -> list[str]:
    return [value for p in people for value in (p.display_name, p.legal_name, p.email)]


# --- the voices panel -----------------------------------------------------------------


async def test_a_logged_share_hints_only_the_groups_facilitator(
    listen: Listen,
    facilitator: User,
    participant: User,
    other_facilitator: User,
    live_session: Session,
) -> None:
    staff = await listen(facilitator)
    member = await listen(participant)
    other_staff = await listen(other_facilitator)
    await sync_to_async(console.do_log_share)(
        session=live_session, user_id=participant.pk, logged_by=facilitator, length="long"
    )
    assert await staff.receive_json_from(timeout=10) == {
        "type": "console.changed",
        "payload": {"session": live_session.pk},
    }
    assert await member.receive_nothing()
    assert await other_staff.receive_nothing()


async def test_an_undone_share_hints_the_groups_facilitator(
    listen: Listen, facilitator: User, participant: User, live_session: Session
) -> None:
    await sync_to_async(console.do_log_share)(
        session=live_session, user_id=participant.pk, logged_by=facilitator
    )
    staff = await listen(facilitator)
    member = await listen(participant)
    await sync_to_async(console.do_undo_share)(session=live_session, user_id=participant.pk)
    assert await staff.receive_json_from(timeout=10) == {
        "type": "console.changed",
        "payload": {"session": live_session.pk},
    }
    assert await member.receive_nothing()


async def test_a_share_rolled_back_sends_no_hint(
    listen: Listen, facilitator: User, participant: User, live_session: Session
) -> None:
    """Hints go out on commit: a console that refetched on a hint for a
    rolled-back share would show a turn that never happened."""
    staff = await listen(facilitator)

    def log_then_fail() -> None:
        with transaction.atomic():
            console.do_log_share(
                session=live_session, user_id=participant.pk, logged_by=facilitator
            )
            raise RuntimeError("the request failed after the share")

    with pytest.raises(RuntimeError):
        await sync_to_async(log_then_fail)()
    assert await staff.receive_nothing(timeout=0.3)
    assert not await live_session.shares.aexists()


async def test_a_refused_share_sends_no_hint(
    listen: Listen, facilitator: User, outsider: User, live_session: Session
) -> None:
    from django.core.exceptions import ValidationError

    staff = await listen(facilitator)
    with pytest.raises(ValidationError):
        await sync_to_async(console.do_log_share)(
            session=live_session, user_id=outsider.pk, logged_by=facilitator
        )
    assert await staff.receive_nothing(timeout=0.3)


# --- breakout rooms ---------------------------------------------------------------------


@pytest.fixture
def draft(
    facilitator: User, participant: User, groupmate: User, crowd: list[User], live_session: Session
) -> BreakoutRound:
    """Room 1: Sam and Lucia; room 2: Ana and Ben."""
    return _draft(live_session, [[participant, groupmate], crowd], facilitator)


async def test_opening_rooms_hints_their_members_and_the_facilitator_only(
    listen: Listen,
    facilitator: User,
    participant: User,
    crowd: list[User],
    outsider: User,
    other_facilitator: User,
    draft: BreakoutRound,
    live_session: Session,
) -> None:
    members = [await listen(participant), await listen(crowd[0])]
    staff = await listen(facilitator)
    strangers = [await listen(outsider), await listen(other_facilitator)]
    await sync_to_async(console.do_open_breakouts)(breakout=draft, opened_by=facilitator)
    hint = {"type": "breakouts.changed", "payload": {"session": live_session.pk, "round": draft.pk}}
    for socket in [*members, staff]:
        assert await socket.receive_json_from(timeout=10) == hint
    for socket in strangers:
        assert await socket.receive_nothing()


@pytest.mark.parametrize("step", ["extend", "broadcast", "close"])
async def test_each_change_to_open_rooms_hints_their_members_with_ids_only(
    listen: Listen,
    facilitator: User,
    participant: User,
    groupmate: User,
    outsider: User,
    draft: BreakoutRound,
    live_session: Session,
    step: str,
) -> None:
    await sync_to_async(console.do_open_breakouts)(breakout=draft, opened_by=facilitator)
    member = await listen(participant)
    stranger = await listen(outsider)
    change = {
        "extend": lambda: console.do_extend_breakouts(
            breakout=draft, minutes=5, extended_by=facilitator
        ),
        "broadcast": lambda: console.do_broadcast(
            breakout=draft, message="Two minutes left", sent_by=facilitator
        ),
        "close": lambda: console.do_close_breakouts(breakout=draft, closed_by=facilitator),
    }[step]
    await sync_to_async(change)()
    raw = await member.receive_from(timeout=10)
    assert raw == (
        '{"type": "breakouts.changed", "payload": '
        f'{{"session": {live_session.pk}, "round": {draft.pk}}}}}'
    )
    for private in [*_names_and_emails(participant, groupmate, facilitator), "Two minutes"]:
        assert private not in raw
    assert await stranger.receive_nothing()


async def test_a_draft_being_planned_hints_nobody(
    listen: Listen,
    facilitator: User,
    participant: User,
    groupmate: User,
    crowd: list[User],
    live_session: Session,
) -> None:
    """Rooms are the facilitator's draft until they open; members learn of
    them then, not while they are being arranged."""
    member = await listen(participant)
    await sync_to_async(console.do_plan_breakouts)(
        session=live_session, planned_by=facilitator, room_count=2
    )
    assert await member.receive_nothing()


async def test_asking_for_the_facilitator_hints_the_facilitator_with_the_room_number(
    listen: Listen,
    facilitator: User,
    participant: User,
    groupmate: User,
    crowd: list[User],
    outsider: User,
    other_facilitator: User,
    draft: BreakoutRound,
    live_session: Session,
) -> None:
    await sync_to_async(console.do_open_breakouts)(breakout=draft, opened_by=facilitator)
    staff = await listen(facilitator)
    others = [
        await listen(participant),
        await listen(groupmate),
        await listen(crowd[0]),
        await listen(outsider),
        await listen(other_facilitator),
    ]
    room = await BreakoutRoom.objects.select_related("round").aget(round=draft, number=2)
    await sync_to_async(console.do_ask_facilitator)(room=room, asked_by=crowd[0])
    raw = await staff.receive_from(timeout=10)
    assert raw == (
        f'{{"type": "breakouts.ask", "payload": {{"session": {live_session.pk}, "room": 2}}}}'
    )
    for private in _names_and_emails(*crowd):
        assert private not in raw
    for socket in others:
        assert await socket.receive_nothing()


# --- through the event log ----------------------------------------------------------------


def test_a_hint_to_a_room_is_stored_for_each_person_and_published_once(
    facilitator: User,
    participant: User,
    groupmate: User,
    crowd: list[User],
    draft: BreakoutRound,
    live_session: Session,
) -> None:
    from unittest import mock

    from commonroom.realtime import events, publisher
    from commonroom.realtime.models import Event

    with mock.patch.object(publisher, "group_send") as group_send:
        console.do_open_breakouts(breakout=draft, opened_by=facilitator)
    people = [facilitator, participant, groupmate, *crowd]
    stored = Event.objects.filter(kind="breakouts.changed")
    assert sorted(stored.values_list("stream__key", flat=True)) == sorted(
        f"user.{person.pk}" for person in people
    )
    assert {json.dumps(e.payload, sort_keys=True) for e in stored} == {
        json.dumps({"round": draft.pk, "session": live_session.pk})
    }
    ((_layer, group, message),) = [c.args for c in group_send.call_args_list]
    assert group == events.PEOPLE_GROUP
    assert len(message["events"]) == len(people)
