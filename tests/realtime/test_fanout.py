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
from commonroom.realtime import fanout, publisher
from commonroom.realtime.consumers import EventConsumer
from commonroom.spaces import events
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
    assert await lost.receive_json_from(timeout=2) == {
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
        frame = await socket.receive_from(timeout=2)
    [stored] = await sync_to_async(events.since)(space.stream_key, 0)
    # What the consumer sent before the shared frame: send_json(the event).
    assert frame == await EventConsumer.encode_json(published.call_args.args[0].as_json())
    assert json.loads(frame) == stored.as_json()


async def test_a_shared_frame_is_encoded_once_per_event() -> None:
    shared = fanout.Fanout()
    event = {"type": "event", "stream": "space.1", "position": 4, "kind": "thread.new",
             "payload": {"thread_id": 1, "title": "Hé"}}  # fmt: skip
    with mock.patch.object(fanout, "readers", return_value=frozenset({7})) as check:
        assert await shared.may_read(7, "space.1", 4)
        assert not await shared.may_read(8, "space.1", 4)
    assert check.call_count == 1
    first = shared.frame(dict(event))
    assert first == await EventConsumer.encode_json(event)
    assert shared.frame(dict(event)) is first


async def test_a_failed_check_is_not_kept() -> None:
    shared = fanout.Fanout()
    with (
        mock.patch.object(fanout, "readers", side_effect=[RuntimeError("db down"), {7}]),
        pytest.raises(RuntimeError),
    ):
        await shared.may_read(7, "space.1", 1)
    with mock.patch.object(fanout, "readers", return_value=frozenset({7})):
        assert await shared.may_read(7, "space.1", 1)


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
