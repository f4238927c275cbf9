"""The shared per-event check (realtime/fanout.py) with several sockets open:
a change of access stops delivery to that person at the next event while the
others keep receiving; the check runs once per event however many sockets
receive it; the pre-encoded frame is what ``send_json`` sent before."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from unittest import mock

import pytest
from asgiref.sync import sync_to_async

from commonroom.accounts.models import User
from commonroom.care.actions import do_change_phase, do_remove_from_group
from commonroom.care.models import Enrollment, TherapyGroup
from commonroom.realtime import events, fanout, publisher
from commonroom.realtime.consumers import EventConsumer
from commonroom.spaces.models import Space, Thread
from tests.realtime.test_streams import (  # noqa: F401 (fixtures)
    Open,
    open_socket,
    positions,
    post,
    receive_events,
    space,
    subscribe,
    thread,
)

pytestmark = pytest.mark.django_db(transaction=True)


async def _two_sockets(open_socket: Open, space: Space, *people: User) -> list[Any]:  # noqa: F811
    sockets = [await open_socket(person) for person in people]
    for socket in sockets:
        await subscribe(socket, {space.stream_key: 0})
    return sockets


async def _only_the_first_keeps_receiving(
    kept: Any,
    lost: Any,
    in_space: Space,
    in_thread: Thread,
    author: User,
) -> None:
    await post(in_space, in_thread, author, "After the change")
    assert positions(await receive_events(kept, 1)) == [1]
    assert await lost.receive_json_from(timeout=10) == {
        "type": "unsubscribed",
        "stream": in_space.stream_key,
    }
    await post(in_space, in_thread, author, "And again")
    assert positions(await receive_events(kept, 1)) == [2]
    assert await lost.receive_nothing()
    assert await kept.receive_nothing()


async def test_a_removed_member_stops_receiving_while_the_other_member_goes_on(
    open_socket: Open,  # noqa: F811
    space: Space,  # noqa: F811
    thread: Thread,  # noqa: F811
    group: TherapyGroup,
    participant: User,
    groupmate: User,
    admin: User,
) -> None:
    kept, lost = await _two_sockets(open_socket, space, participant, groupmate)
    with mock.patch("commonroom.care.actions.enrollment.close_user_sockets"):  # the close is lost
        await sync_to_async(do_remove_from_group)(
            group_id=group.pk, user_id=groupmate.pk, removed_by=admin
        )
    await _only_the_first_keeps_receiving(kept, lost, space, thread, participant)


async def test_a_bulk_deactivation_stops_delivery_at_the_next_event(
    open_socket: Open,  # noqa: F811
    space: Space,  # noqa: F811
    thread: Thread,  # noqa: F811
    participant: User,
    groupmate: User,
) -> None:
    kept, lost = await _two_sockets(open_socket, space, participant, groupmate)
    await User.objects.filter(pk=groupmate.pk).aupdate(is_active=False)  # no signal
    await _only_the_first_keeps_receiving(kept, lost, space, thread, participant)


async def test_a_phase_change_stops_delivery_at_the_next_event(
    open_socket: Open,  # noqa: F811
    space: Space,  # noqa: F811
    thread: Thread,  # noqa: F811
    participant: User,
    groupmate: User,
    admin: User,
) -> None:
    kept, lost = await _two_sockets(open_socket, space, participant, groupmate)
    enrollment = await Enrollment.objects.aget(user=groupmate)
    with mock.patch("commonroom.care.actions.enrollment.close_user_sockets"):
        await sync_to_async(do_change_phase)(
            enrollment_id=enrollment.pk, to_phase="completed", reason="Done", changed_by=admin
        )
    await _only_the_first_keeps_receiving(kept, lost, space, thread, participant)


async def test_the_check_runs_once_per_event_whatever_the_number_of_sockets(
    open_socket: Open,  # noqa: F811
    space: Space,  # noqa: F811
    thread: Thread,  # noqa: F811
    participant: User,
    groupmate: User,
    facilitator: User,
) -> None:
    sockets = await _two_sockets(open_socket, space, participant, groupmate, facilitator)
    sockets.append(await open_socket(participant))  # a second tab
    await subscribe(sockets[-1], {space.stream_key: 0})
    with mock.patch.object(fanout, "readers", wraps=fanout.readers) as check:
        for n in range(3):
            await post(space, thread, participant, f"Message {n}")
        for socket in sockets:
            assert positions(await receive_events(socket, 3)) == [1, 2, 3]
    assert [c.args for c in check.call_args_list] == [(space.stream_key,)] * 3


async def test_the_live_frame_is_the_json_send_json_sent(
    open_socket: Open,  # noqa: F811
    space: Space,  # noqa: F811
    thread: Thread,  # noqa: F811
    participant: User,
    groupmate: User,
) -> None:
    socket = (await _two_sockets(open_socket, space, groupmate))[0]
    with mock.patch.object(events, "publish", wraps=events.publish) as published:
        await post(space, thread, participant, "Exactly the same bytes")
        frame = await socket.receive_from(timeout=10)
    [stored] = await sync_to_async(events.since)(space.stream_key, 0)
    # What the consumer sent before the shared frame: send_json(the event).
    assert frame == await EventConsumer.encode_json(published.call_args.args[0].as_json())
    assert json.loads(frame) == stored.as_json()


class _Follower:
    """A socket as the hub sees it: records what it was offered."""

    def __init__(self, user_id: int, *, stuck: bool = False, pause: float = 0.0) -> None:
        self.user_id = user_id
        self.stuck = stuck
        self.pause = pause  # a client whose socket buffer is briefly full
        self.frames: list[str] = []
        self.closed = False

    def offer(self, event: dict[str, Any], message: dict[str, str], allowed: frozenset[int]) -> Any:
        if self.user_id not in allowed:
            return None
        return self._send(message)

    async def _send(self, message: dict[str, str]) -> None:
        assert message["type"] == "websocket.send"
        if self.stuck:
            await asyncio.Event().wait()  # a client that never reads
        if self.pause:
            await asyncio.sleep(self.pause)
        self.frames.append(message["text"])

    async def close_slow(self) -> None:
        self.closed = True


def _event(position: int, stream: str = "space.1") -> dict[str, Any]:
    return {"type": "event", "stream": stream, "position": position, "kind": "thread.new",
            "payload": {"thread_id": 1, "title": "Hé"}}  # fmt: skip


async def test_the_hub_joins_a_stream_once_and_leaves_with_its_last_socket() -> None:
    from channels.layers import InMemoryChannelLayer

    layer = InMemoryChannelLayer()
    hub = fanout.Hub(layer)
    first, second = _Follower(7), _Follower(8)
    await hub.follow("space.1", first)
    await hub.follow("space.1", second)
    assert list(layer.groups["events.space.1"]) == [hub.channel]
    await hub.unfollow("space.1", first)
    assert list(layer.groups["events.space.1"]) == [hub.channel]
    await hub.unfollow("space.1", second)
    assert "events.space.1" not in layer.groups or not layer.groups["events.space.1"]
    assert hub.followers == {}


async def test_one_check_and_one_frame_per_event_for_every_socket() -> None:
    from channels.layers import InMemoryChannelLayer

    hub = fanout.Hub(InMemoryChannelLayer())
    people = [_Follower(7), _Follower(8), _Follower(9)]
    for person in people:
        await hub.follow("space.1", person)
    with mock.patch.object(fanout, "readers", return_value=frozenset({7, 8})) as check:
        await hub.deliver(_event(4), after=None)
    assert check.call_count == 1
    assert people[0].frames == people[1].frames
    assert people[0].frames[0] is people[1].frames[0]  # the same encoded text
    assert people[0].frames[0] == await EventConsumer.encode_json(_event(4))
    assert people[2].frames == []


async def test_a_stuck_socket_is_closed_and_does_not_hold_up_the_others() -> None:
    from channels.layers import InMemoryChannelLayer

    hub = fanout.Hub(InMemoryChannelLayer())
    stuck, reader = _Follower(7, stuck=True), _Follower(8)
    for person in (stuck, reader):
        await hub.follow("space.1", person)
    with (
        mock.patch.object(fanout, "SEND_TIMEOUT", 0.05),
        mock.patch.object(fanout, "readers", return_value=frozenset({7, 8})),
    ):
        await hub.deliver(_event(1), after=None)
        await hub.deliver(_event(2), after=None)
    assert len(reader.frames) == 2
    assert stuck.closed


async def test_a_send_that_has_to_wait_is_awaited_not_dropped() -> None:
    from channels.layers import InMemoryChannelLayer

    hub = fanout.Hub(InMemoryChannelLayer())
    paused, reader = _Follower(7, pause=0.02), _Follower(8)
    for person in (paused, reader):
        await hub.follow("space.1", person)
    with mock.patch.object(fanout, "readers", return_value=frozenset({7, 8})):
        await hub.deliver(_event(1), after=None)
        await hub.deliver(_event(2), after=None)
    assert [json.loads(f)["position"] for f in paused.frames] == [1, 2]
    assert len(reader.frames) == 2
    assert not paused.closed


async def test_a_failed_check_loses_that_hint_only() -> None:
    """The database is down for one event: that event is not delivered live
    (the log still has it, and the socket refills the gap at the next one)."""
    from channels.layers import InMemoryChannelLayer

    layer = InMemoryChannelLayer()
    hub = fanout.Hub(layer)
    reader = _Follower(7)
    await hub.follow("space.1", reader)
    with mock.patch.object(
        fanout, "readers", side_effect=[RuntimeError("db down"), frozenset({7})]
    ):
        for position in (1, 2):
            await layer.group_send(
                "events.space.1", {"type": "stream.event", "event": _event(position)}
            )
        for _ in range(50):
            if reader.frames:
                break
            await asyncio.sleep(0.01)
    assert [json.loads(f)["position"] for f in reader.frames] == [2]


# --- publishing from sync code -----------------------------------------------------------


class _RecordingLayer:
    def __init__(self) -> None:
        self.loops: list[asyncio.AbstractEventLoop] = []

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        self.loops.append(asyncio.get_running_loop())


def test_sync_sends_share_one_long_lived_loop() -> None:
    """A Redis layer keeps a connection per loop: one loop per process means
    one connection, not a HELLO and SELECT before every PUBLISH."""
    layer = _RecordingLayer()
    for n in range(3):
        publisher.group_send(layer, "events.space.1", {"type": "stream.event", "n": n})
    assert len(layer.loops) == 3
    assert len(set(map(id, layer.loops))) == 1
    assert layer.loops[0].is_running()


def test_a_send_the_layer_never_answers_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    class Hanging:
        async def group_send(self, group: str, message: dict[str, Any]) -> None:
            await asyncio.sleep(60)

    monkeypatch.setattr(publisher, "SEND_TIMEOUT", 0.2)
    with pytest.raises(TimeoutError):
        publisher.group_send(Hanging(), "events.space.1", {"type": "stream.event"})
