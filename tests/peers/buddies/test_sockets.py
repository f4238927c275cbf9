"""A real socket on the pair's space: the buddy receives the pair's posts
live, and ending the pairing stops delivery to an open socket at once."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from commonroom.accounts.models import User
from commonroom.peers.buddies import actions
from commonroom.peers.buddies.models import BuddyPair
from commonroom.spaces.models import Space, Thread
from tests.realtime.test_streams import Open, open_socket, post, subscribe

pytestmark = pytest.mark.django_db(transaction=True)

__all__ = ["open_socket"]


@pytest.fixture
def space(pair: BuddyPair) -> Space:
    return pair.space


@pytest.fixture
def thread(pair: BuddyPair) -> Thread:
    return Thread.objects.get(space_id=pair.space_id)


async def test_a_buddy_receives_the_pairs_posts_live(
    open_socket: Open, pair: BuddyPair, space: Space, thread: Thread, participant: User, buddy: User
) -> None:
    socket = await open_socket(buddy)
    await subscribe(socket, {space.stream_key: 0})
    message_id = await post(space, thread, participant, "Checking in")
    event = await socket.receive_json_from(timeout=10)
    assert event["kind"] == "message.new"
    assert event["payload"]["message_id"] == message_id


@pytest.mark.parametrize("persona", ["groupmate", "outsider", "other_facilitator", "mentor"])
async def test_others_cannot_subscribe_to_the_pair_space(
    request: pytest.FixtureRequest,
    open_socket: Open,
    pair: BuddyPair,
    space: Space,
    thread: Thread,
    persona: str,
) -> None:
    user = await sync_to_async(request.getfixturevalue)(persona)
    socket = await open_socket(user)
    await socket.send_json_to({"type": "subscribe", "streams": {space.stream_key: 0}})
    assert await socket.receive_json_from(timeout=10) == {
        "type": "error",
        "code": "not_found",
        "stream": space.stream_key,
    }


async def test_ending_the_pair_stops_delivery_on_an_open_socket(
    open_socket: Open,
    pair: BuddyPair,
    space: Space,
    thread: Thread,
    participant: User,
    buddy: User,
    facilitator: User,
) -> None:
    socket = await open_socket(buddy)
    await subscribe(socket, {space.stream_key: 0})
    await sync_to_async(actions.do_end_pair)(pair=pair, by=participant)
    # The facilitator can still write in the space (a safety record); the
    # former buddy's socket must not receive it.
    await post(space, thread, facilitator, "A note after the end")
    assert await socket.receive_json_from(timeout=10) == {
        "type": "unsubscribed",
        "stream": space.stream_key,
    }
    await post(space, thread, facilitator, "Another")
    assert await socket.receive_nothing()
