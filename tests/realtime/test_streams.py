"""Event streams over a real socket: subscribe with last positions, live
delivery, resume without loss or duplicates, refusals, and the end of access
while a socket is open."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from unittest import mock

import pytest
from asgiref.sync import sync_to_async
from channels.testing.websocket import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django.utils import timezone

from commonroom.accounts.middleware import LAST_SEEN_KEY
from commonroom.accounts.models import User
from commonroom.asgi import application
from commonroom.care.actions import do_change_phase, do_remove_from_group
from commonroom.care.models import Enrollment, Program, TherapyGroup
from commonroom.realtime import consumers, events
from commonroom.realtime.consumers import CLOSE_UNAUTHENTICATED
from commonroom.spaces import actions
from commonroom.spaces.models import Space, SpaceKind, SpaceScope, Thread
from tests.conftest import signed_in_client
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

Open = Callable[..., Awaitable[WebsocketCommunicator]]


@pytest.fixture
def space(program: Program, group: TherapyGroup) -> Space:
    return Space.objects.create(
        program=program,
        scope=SpaceScope.GROUP,
        group=group,
        kind=SpaceKind.GENERAL,
        name="Group A · General",
    )


@pytest.fixture
def thread(space: Space, participant: User) -> Thread:
    return Thread.objects.create(space=space, title="How was your week?", created_by=participant)


def _cookie(client: Client) -> str:
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def communicator_for(client: Client) -> WebsocketCommunicator:
    return WebsocketCommunicator(
        application,
        "/ws/",
        headers=[
            (b"origin", b"http://testserver"),
            (b"host", b"testserver"),
            (b"cookie", _cookie(client).encode()),
        ],
    )


@pytest.fixture
async def open_socket() -> AsyncIterator[Open]:
    """Opens a signed-in socket (staff having passed MFA), reads the greeting,
    and disconnects it at the end of the test."""
    opened: list[WebsocketCommunicator] = []

    async def _open(user: User, client: Client | None = None) -> WebsocketCommunicator:
        client = client or await sync_to_async(signed_in_client)(user)
        communicator = communicator_for(client)
        connected, _code = await communicator.connect(timeout=10)
        assert connected
        hello = await communicator.receive_json_from(timeout=10)
        assert hello == {"type": "hello", "user": user.pk}
        opened.append(communicator)
        return communicator

    yield _open
    for communicator in opened:
        await communicator.disconnect()


async def subscribe(communicator: WebsocketCommunicator, streams: dict[str, int]) -> list[Any]:
    """Subscribes and returns the backlog events of the stream up to the
    "subscribed" reply (one stream at a time keeps the reading simple)."""
    await communicator.send_json_to({"type": "subscribe", "streams": streams})
    received: list[Any] = []
    while True:
        message = await communicator.receive_json_from(timeout=10)
        if message["type"] != "event":
            assert message["type"] == "subscribed", message
            return [*received, message]
        received.append(message)


async def receive_events(communicator: WebsocketCommunicator, count: int) -> list[Any]:
    return [await communicator.receive_json_from(timeout=10) for _ in range(count)]


def positions(received: list[Any]) -> list[int]:
    assert all(m["type"] == "event" for m in received), received
    return [m["position"] for m in received]


async def post(space: Space, thread: Thread, author: User, body: str) -> int:
    message, _created = await sync_to_async(actions.do_post_message)(
        space=space, author=author, body=body, client_id=uuid.uuid4(), thread=thread
    )
    return message.pk


# --- live delivery and resume ------------------------------------------------------------


async def test_two_members_receive_new_messages_live_and_in_order(
    open_socket: Open, space: Space, thread: Thread, participant: User, groupmate: User
) -> None:
    sockets = [await open_socket(participant), await open_socket(groupmate)]
    for socket in sockets:
        assert await subscribe(socket, {space.stream_key: 0}) == [
            {"type": "subscribed", "stream": space.stream_key, "position": 0}
        ]
    posted = [await post(space, thread, participant, f"Message {n}") for n in range(3)]
    for socket in sockets:
        received = await receive_events(socket, 3)
        assert positions(received) == [1, 2, 3]
        assert [m["kind"] for m in received] == ["message.new"] * 3
        assert [m["payload"]["message_id"] for m in received] == posted
        assert {m["stream"] for m in received} == {space.stream_key}
        assert await socket.receive_nothing()


async def test_a_member_who_has_not_subscribed_receives_no_events(
    open_socket: Open, space: Space, thread: Thread, participant: User, groupmate: User
) -> None:
    socket = await open_socket(groupmate)
    await post(space, thread, participant, "Hello")
    assert await socket.receive_nothing()


async def test_a_reconnecting_member_receives_exactly_what_it_missed_in_order(
    open_socket: Open,
    space: Space,
    thread: Thread,
    participant: User,
    groupmate: User,
    facilitator: User,
) -> None:
    live = [await open_socket(participant), await open_socket(groupmate)]
    third = await open_socket(facilitator)
    for socket in [*live, third]:
        await subscribe(socket, {space.stream_key: 0})
    await post(space, thread, participant, "Before the drop")
    assert positions(await receive_events(third, 1)) == [1]
    await third.disconnect()

    missed = [await post(space, thread, groupmate, f"While away {n}") for n in range(5)]

    again = await open_socket(facilitator)
    backlog = await subscribe(again, {space.stream_key: 1})
    assert positions(backlog[:-1]) == [2, 3, 4, 5, 6]
    assert [m["payload"]["message_id"] for m in backlog[:-1]] == missed
    assert backlog[-1] == {"type": "subscribed", "stream": space.stream_key, "position": 6}
    assert await again.receive_nothing()

    await post(space, thread, participant, "After the return")
    assert positions(await receive_events(again, 1)) == [7]
    assert await again.receive_nothing()
    for socket in live:
        assert positions(await receive_events(socket, 7)) == [1, 2, 3, 4, 5, 6, 7]
        assert await socket.receive_nothing()


async def test_a_reconnect_with_a_large_backlog_arrives_in_batches_in_order(
    open_socket: Open, space: Space, participant: User
) -> None:
    total = events.BACKLOG_BATCH + 20

    def fill() -> None:
        with mock.patch.object(events, "publish"):
            for n in range(total):
                events.append(space.stream_key, "thread.locked", {"thread_id": n, "locked": True})

    await sync_to_async(fill)()
    socket = await open_socket(participant)
    backlog = await subscribe(socket, {space.stream_key: 10})
    assert positions(backlog[:-1]) == list(range(11, total + 1))
    assert backlog[-1]["position"] == total


async def test_a_lost_hint_is_filled_from_the_log_in_order(
    open_socket: Open, space: Space, thread: Thread, participant: User, groupmate: User
) -> None:
    socket = await open_socket(groupmate)
    await subscribe(socket, {space.stream_key: 0})
    with mock.patch.object(events, "publish"):  # the channel layer drops two hints
        lost = [await post(space, thread, participant, f"Lost hint {n}") for n in range(2)]
    assert await socket.receive_nothing()
    latest = await post(space, thread, participant, "This hint arrives")
    received = await receive_events(socket, 3)
    assert positions(received) == [1, 2, 3]
    assert [m["payload"]["message_id"] for m in received] == [*lost, latest]
    assert await socket.receive_nothing()


async def test_a_hint_already_sent_from_the_backlog_is_not_sent_again(
    open_socket: Open, space: Space, thread: Thread, participant: User, groupmate: User
) -> None:
    """An event committed between joining the group and reading the backlog
    comes both ways; the socket sends it once."""
    socket = await open_socket(groupmate)
    await post(space, thread, participant, "Before subscribing")
    await subscribe(socket, {space.stream_key: 0})
    # Replay the hint of position 1, as if it had been queued during the backlog.
    [event] = await sync_to_async(events.since)(space.stream_key, 0)
    await sync_to_async(events.publish)(event)
    assert await socket.receive_nothing()


# --- refusals ------------------------------------------------------------------------------


async def test_an_outsider_cannot_subscribe_to_a_groups_space(
    open_socket: Open, space: Space, thread: Thread, participant: User, outsider: User
) -> None:
    await sync_to_async(events.append)(
        space.stream_key, "thread.new", {"thread_id": thread.pk, "title": thread.title}
    )
    socket = await open_socket(outsider)
    await socket.send_json_to({"type": "subscribe", "streams": {space.stream_key: 0}})
    assert await socket.receive_json_from(timeout=10) == {
        "type": "error",
        "code": "not_found",
        "stream": space.stream_key,
    }
    await post(space, thread, participant, "Group only")
    assert await socket.receive_nothing()


async def test_a_space_that_does_not_exist_is_not_found(
    open_socket: Open, participant: User
) -> None:
    socket = await open_socket(participant)
    await socket.send_json_to({"type": "subscribe", "streams": {"space.999999": 0}})
    assert (await socket.receive_json_from(timeout=10))["code"] == "not_found"


async def test_another_persons_user_stream_is_refused(
    open_socket: Open, space: Space, thread: Thread, participant: User, groupmate: User
) -> None:
    socket = await open_socket(participant)
    await socket.send_json_to({"type": "subscribe", "streams": {f"user.{groupmate.pk}": 0}})
    assert await socket.receive_json_from(timeout=10) == {
        "type": "error",
        "code": "not_found",
        "stream": f"user.{groupmate.pk}",
    }
    await post(space, thread, participant, "Hello @Lucia")
    assert await socket.receive_nothing()


async def test_a_mention_reaches_only_the_mentioned_persons_user_stream(
    open_socket: Open,
    space: Space,
    thread: Thread,
    participant: User,
    groupmate: User,
    facilitator: User,
) -> None:
    mentioned = await open_socket(groupmate)
    bystander = await open_socket(facilitator)
    await subscribe(mentioned, {f"user.{groupmate.pk}": 0})
    await subscribe(bystander, {f"user.{facilitator.pk}": 0})
    message_id = await post(space, thread, participant, "Thank you @Lucia")
    [event] = await receive_events(mentioned, 1)
    assert event == {
        "type": "event",
        "stream": f"user.{groupmate.pk}",
        "position": 1,
        "kind": "mention.new",
        "payload": {"space_id": space.pk, "message_id": message_id},
    }
    assert await bystander.receive_nothing()


@pytest.mark.parametrize(
    "streams",
    [{"space.1": -1}, {"space.1": "7"}, {"space.1": None}, {"space.1": True}, {"space.1": 1.5}],
)
async def test_a_malformed_position_is_a_bad_stream(
    open_socket: Open, participant: User, streams: dict[str, Any]
) -> None:
    socket = await open_socket(participant)
    await socket.send_json_to({"type": "subscribe", "streams": streams})
    assert await socket.receive_json_from(timeout=10) == {
        "type": "error",
        "code": "bad_stream",
        "stream": "space.1",
    }
    assert await socket.receive_nothing()


@pytest.mark.parametrize(
    "message",
    [{"type": "subscribe"}, {"type": "subscribe", "streams": ["space.1"]}, ["subscribe"], "hi"],
)
async def test_a_malformed_subscribe_is_refused(
    open_socket: Open, participant: User, message: Any
) -> None:
    socket = await open_socket(participant)
    await socket.send_json_to(message)
    assert await socket.receive_json_from(timeout=10) == {
        "type": "error",
        "code": "unknown_message",
    }


@pytest.mark.parametrize(
    "key",
    [
        "space.x",
        "space.",
        "group.1",
        "space.1.2",
        "",
        "space.\u00b2",
        "space.-1",
        "space." + "9" * 30,
        "space." + "9" * 5000,
    ],
)
async def test_a_stream_name_outside_the_policy_is_not_found(
    open_socket: Open, participant: User, key: str
) -> None:
    socket = await open_socket(participant)
    await socket.send_json_to({"type": "subscribe", "streams": {key: 0}})
    assert (await socket.receive_json_from(timeout=10))["code"] == "not_found"


# --- withdrawn text, and cursors the log cannot honour ----------------------------------


async def _withdraw(how: str, message_id: int, moderator: User) -> None:
    from commonroom.spaces import moderation
    from commonroom.spaces.models import Message

    def work() -> None:
        message = Message.objects.select_related("space", "author").get(pk=message_id)
        if how == "edited":
            actions.do_edit_message(message=message, editor=message.author, body="All good now")
        elif how == "deleted":
            actions.do_delete_message(message=message, by=message.author)
        else:
            moderation.do_set_hidden(message=message, by=moderator, hidden=True)

    await sync_to_async(work)()


@pytest.mark.parametrize("how", ["edited", "deleted", "hidden"])
async def test_a_replay_from_zero_never_carries_withdrawn_text(
    open_socket: Open,
    how: str,
    space: Space,
    thread: Thread,
    participant: User,
    groupmate: User,
    facilitator: User,
) -> None:
    message_id = await post(space, thread, participant, "I drank at the party on Friday")
    await _withdraw(how, message_id, facilitator)
    socket = await open_socket(groupmate)
    backlog = await subscribe(socket, {space.stream_key: 0})
    assert "party on Friday" not in json.dumps(backlog)
    assert backlog[0]["payload"]["withdrawn"] is True


async def test_a_cursor_past_the_head_gets_resync_and_then_every_live_event(
    open_socket: Open, space: Space, thread: Thread, participant: User, groupmate: User
) -> None:
    await post(space, thread, participant, "First")
    socket = await open_socket(groupmate)
    await socket.send_json_to({"type": "subscribe", "streams": {space.stream_key: 5}})
    assert await socket.receive_json_from(timeout=10) == {
        "type": "resync",
        "stream": space.stream_key,
        "reason": "ahead",
        "position": 1,
    }
    await post(space, thread, participant, "Not followed yet")
    assert await socket.receive_nothing()
    assert (await subscribe(socket, {space.stream_key: 2}))[-1]["type"] == "subscribed"
    await post(space, thread, participant, "Third")
    assert positions(await receive_events(socket, 1)) == [3]


async def test_a_cursor_older_than_the_kept_events_gets_resync(
    open_socket: Open, space: Space, thread: Thread, participant: User, groupmate: User
) -> None:
    for body in ("One", "Two", "Three"):
        await post(space, thread, participant, body)
    await sync_to_async(events.prune)(before=timezone.now() + dt.timedelta(seconds=1))
    socket = await open_socket(groupmate)
    await socket.send_json_to({"type": "subscribe", "streams": {space.stream_key: 1}})
    assert await socket.receive_json_from(timeout=10) == {
        "type": "resync",
        "stream": space.stream_key,
        "reason": "pruned",
        "position": 3,
    }
    assert await subscribe(socket, {space.stream_key: 3}) == [
        {"type": "subscribed", "stream": space.stream_key, "position": 3}
    ]


async def test_a_backlog_larger_than_the_limit_gets_resync(
    open_socket: Open,
    space: Space,
    thread: Thread,
    participant: User,
    groupmate: User,
    settings: Any,
) -> None:
    settings.REALTIME_MAX_BACKLOG = 2
    for body in ("One", "Two", "Three"):
        await post(space, thread, participant, body)
    socket = await open_socket(groupmate)
    await socket.send_json_to({"type": "subscribe", "streams": {space.stream_key: 0}})
    message = await socket.receive_json_from(timeout=10)
    assert (message["type"], message["reason"]) == ("resync", "too_far_behind")
    assert positions((await subscribe(socket, {space.stream_key: 1}))[:-1]) == [2, 3]


async def test_a_socket_follows_a_limited_number_of_streams(
    open_socket: Open, space: Space, participant: User
) -> None:
    socket = await open_socket(participant)
    with mock.patch.object(consumers, "MAX_STREAMS", 1):
        await subscribe(socket, {f"user.{participant.pk}": 0})
        await socket.send_json_to({"type": "subscribe", "streams": {space.stream_key: 0}})
        assert await socket.receive_json_from(timeout=10) == {
            "type": "error",
            "code": "too_many_streams",
            "stream": space.stream_key,
        }
        # Subscribing again to a stream already followed is not a new one.
        assert (await subscribe(socket, {f"user.{participant.pk}": 0}))[-1]["type"] == (
            "subscribed"
        )


# --- access ending while the socket is open ----------------------------------------------------


async def _expect_unsubscribed_then_silence(
    socket: WebsocketCommunicator, space: Space, thread: Thread, author: User
) -> None:
    await post(space, thread, author, "After the removal")
    assert await socket.receive_json_from(timeout=10) == {
        "type": "unsubscribed",
        "stream": space.stream_key,
    }
    await post(space, thread, author, "Still after the removal")
    assert await socket.receive_nothing()


async def test_removal_from_the_group_closes_the_open_socket(
    open_socket: Open, space: Space, group: TherapyGroup, groupmate: User, admin: User
) -> None:
    socket = await open_socket(groupmate)
    await subscribe(socket, {space.stream_key: 0})
    await sync_to_async(do_remove_from_group)(
        group_id=group.pk, user_id=groupmate.pk, removed_by=admin
    )
    assert await socket.receive_output(timeout=10) == {
        "type": "websocket.close",
        "code": CLOSE_UNAUTHENTICATED,
    }


async def test_removal_stops_delivery_even_if_the_close_message_is_lost(
    open_socket: Open,
    space: Space,
    thread: Thread,
    group: TherapyGroup,
    participant: User,
    groupmate: User,
    admin: User,
) -> None:
    socket = await open_socket(groupmate)
    await subscribe(socket, {space.stream_key: 0})
    with mock.patch("commonroom.care.actions.enrollment.close_user_sockets"):
        await sync_to_async(do_remove_from_group)(
            group_id=group.pk, user_id=groupmate.pk, removed_by=admin
        )
    await _expect_unsubscribed_then_silence(socket, space, thread, participant)


async def test_completing_the_program_stops_delivery_even_if_the_close_message_is_lost(
    open_socket: Open,
    space: Space,
    thread: Thread,
    participant: User,
    groupmate: User,
    admin: User,
) -> None:
    socket = await open_socket(groupmate)
    await subscribe(socket, {space.stream_key: 0})
    enrollment = await Enrollment.objects.aget(user=groupmate)
    with mock.patch("commonroom.care.actions.enrollment.close_user_sockets"):
        await sync_to_async(do_change_phase)(
            enrollment_id=enrollment.pk, to_phase="completed", reason="Done", changed_by=admin
        )
    await _expect_unsubscribed_then_silence(socket, space, thread, participant)


async def test_a_lost_hint_after_removal_is_not_filled_in(
    open_socket: Open,
    space: Space,
    thread: Thread,
    group: TherapyGroup,
    participant: User,
    groupmate: User,
    admin: User,
) -> None:
    """The gap-filling path checks access too: events posted after the
    removal never reach the removed person from the log."""
    socket = await open_socket(groupmate)
    await subscribe(socket, {space.stream_key: 0})
    with mock.patch("commonroom.care.actions.enrollment.close_user_sockets"):
        await sync_to_async(do_remove_from_group)(
            group_id=group.pk, user_id=groupmate.pk, removed_by=admin
        )
    with mock.patch.object(events, "publish"):
        await post(space, thread, participant, "Lost hint")
    await _expect_unsubscribed_then_silence(socket, space, thread, participant)


async def test_logout_closes_the_socket(open_socket: Open, participant: User) -> None:
    client = await sync_to_async(signed_in_client)(participant)
    socket = await open_socket(participant, client)
    await sync_to_async(client.post)("/accounts/logout/")
    assert await socket.receive_output(timeout=10) == {
        "type": "websocket.close",
        "code": CLOSE_UNAUTHENTICATED,
    }


async def test_deactivation_closes_every_socket_of_the_person(
    open_socket: Open, participant: User
) -> None:
    sockets = [await open_socket(participant), await open_socket(participant)]
    participant.is_active = False
    await participant.asave(update_fields=["is_active"])
    for socket in sockets:
        assert await socket.receive_output(timeout=10) == {
            "type": "websocket.close",
            "code": CLOSE_UNAUTHENTICATED,
        }


async def test_deactivation_without_the_signal_still_stops_delivery(
    open_socket: Open, space: Space, thread: Thread, participant: User, groupmate: User
) -> None:
    """A bulk update sends no signal; the check at delivery still holds,
    for the space stream and the person's own stream."""
    socket = await open_socket(groupmate)
    await subscribe(socket, {space.stream_key: 0})
    await subscribe(socket, {f"user.{groupmate.pk}": 0})
    await User.objects.filter(pk=groupmate.pk).aupdate(is_active=False)
    await post(space, thread, participant, "Hello @Lucia")
    received = await receive_events(socket, 2)
    assert {m["type"] for m in received} == {"unsubscribed"}
    assert {m["stream"] for m in received} == {space.stream_key, f"user.{groupmate.pk}"}
    assert await socket.receive_nothing()


async def test_saving_a_person_without_ending_access_keeps_the_socket(
    open_socket: Open, participant: User
) -> None:
    socket = await open_socket(participant)
    participant.display_name = "Sammy"
    await participant.asave()
    assert await socket.receive_nothing()


async def test_a_password_change_closes_the_persons_other_sockets(
    open_socket: Open, participant: User
) -> None:
    browser = await sync_to_async(signed_in_client)(participant)
    phone = await open_socket(participant)
    response = await sync_to_async(browser.post)(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-long-password",
            "password2": "a-new-long-password",
        },
    )
    assert response.status_code == 302, response.content[:500]
    assert await phone.receive_output(timeout=10) == {
        "type": "websocket.close",
        "code": CLOSE_UNAUTHENTICATED,
    }


async def test_a_password_set_by_an_operator_closes_the_sockets(
    open_socket: Open, participant: User
) -> None:
    socket = await open_socket(participant)
    participant.set_password("an-operator-chose-this")
    await participant.asave()
    assert await socket.receive_output(timeout=10) == {
        "type": "websocket.close",
        "code": CLOSE_UNAUTHENTICATED,
    }


# --- idle log-off -----------------------------------------------------------------------


def _last_seen(client: Client, seconds_ago: float) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - seconds_ago
    session.save()


async def test_an_idle_session_cannot_open_a_socket(participant: User, settings: Any) -> None:
    settings.IDLE_MINUTES_PARTICIPANT = 1
    client = await sync_to_async(signed_in_client)(participant)
    await sync_to_async(_last_seen)(client, 61)
    connected, code = await communicator_for(client).connect(timeout=10)
    assert (connected, code) == (False, CLOSE_UNAUTHENTICATED)


async def test_an_open_socket_closes_when_its_session_goes_idle(
    open_socket: Open, participant: User, settings: Any
) -> None:
    settings.IDLE_MINUTES_PARTICIPANT = 1
    client = await sync_to_async(signed_in_client)(participant)
    await sync_to_async(_last_seen)(client, 59.5)
    socket = await open_socket(participant, client)
    assert await socket.receive_output(timeout=3) == {
        "type": "websocket.close",
        "code": CLOSE_UNAUTHENTICATED,
    }


async def test_a_request_before_the_idle_limit_keeps_the_socket_open(
    open_socket: Open, participant: User, settings: Any
) -> None:
    """The socket itself is not activity; a request in the session is, and
    moves the log-off time on."""
    settings.IDLE_MINUTES_PARTICIPANT = 1
    client = await sync_to_async(signed_in_client)(participant)
    await sync_to_async(_last_seen)(client, 59.5)
    socket = await open_socket(participant, client)
    await sync_to_async(_last_seen)(client, 0)
    assert await socket.receive_nothing(timeout=2.5)


async def test_a_session_that_ended_closes_its_socket_at_the_idle_check(
    open_socket: Open, participant: User, settings: Any
) -> None:
    settings.IDLE_MINUTES_PARTICIPANT = 1
    client = await sync_to_async(signed_in_client)(participant)
    await sync_to_async(_last_seen)(client, 59.5)
    socket = await open_socket(participant, client)
    await sync_to_async(_last_seen)(client, 0)  # recent: only the ending closes it
    await sync_to_async(client.session.delete)()
    assert await socket.receive_output(timeout=3) == {
        "type": "websocket.close",
        "code": CLOSE_UNAUTHENTICATED,
    }
