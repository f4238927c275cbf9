"""Websocket routes: a non-member cannot follow an affinity space or anyone
else's own stream; request and decision hints reach only their owners;
leaving closes the person's open sockets."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing.websocket import WebsocketCommunicator

from commonroom.accounts.models import User
from commonroom.peers.affinity import actions
from commonroom.peers.affinity.models import AffinityGroup
from commonroom.spaces.models import Space
from tests.conftest import signed_in_client
from tests.peers.affinity.conftest import NON_MEMBERS
from tests.realtime.test_streams import communicator_for, subscribe

pytestmark = pytest.mark.django_db(transaction=True)

Open = Callable[[User], Awaitable[WebsocketCommunicator]]


@pytest.fixture
async def open_socket() -> AsyncIterator[Open]:
    opened: list[WebsocketCommunicator] = []

    async def _open(user: User) -> WebsocketCommunicator:
        client = await sync_to_async(signed_in_client)(user)
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


async def _refused(socket: WebsocketCommunicator, stream: str) -> dict[str, Any]:
    await socket.send_json_to({"type": "subscribe", "streams": {stream: 0}})
    reply: dict[str, Any] = await socket.receive_json_from(timeout=10)
    return reply


@pytest.mark.parametrize("persona", NON_MEMBERS)
async def test_non_members_cannot_follow_the_affinity_space_or_a_members_stream(
    request: pytest.FixtureRequest, open_socket: Open, members: list[User],
    affinity_space: Space, kai: User, persona: str,
) -> None:  # fmt: skip
    socket = await open_socket(await sync_to_async(request.getfixturevalue)(persona))
    reply = await _refused(socket, affinity_space.stream_key)
    assert reply == {"type": "error", "code": "not_found", "stream": affinity_space.stream_key}
    reply = await _refused(socket, f"user.{kai.pk}")
    assert reply == {"type": "error", "code": "not_found", "stream": f"user.{kai.pk}"}
    assert await socket.receive_nothing()


async def test_a_member_follows_the_affinity_space(
    open_socket: Open, members: list[User], affinity_space: Space, kai: User
) -> None:
    socket = await open_socket(kai)
    replies = await subscribe(socket, {affinity_space.stream_key: 0})
    assert replies[-1]["type"] == "subscribed"


async def test_request_and_decision_hints_reach_only_their_owners(
    open_socket: Open, affinity: AffinityGroup, participant: User, affinity_lead: User,
    facilitator: User, groupmate: User,
) -> None:  # fmt: skip
    sockets = {}
    for user in (participant, affinity_lead, facilitator, groupmate):
        socket = await open_socket(user)
        await subscribe(socket, {f"user.{user.pk}": 0})
        sockets[user.pk] = socket

    join_request = await sync_to_async(actions.do_ask_to_join)(
        person=participant, affinity=affinity, note="private words"
    )
    to_lead = await sockets[affinity_lead.pk].receive_json_from(timeout=10)
    assert to_lead["kind"] == "affinity.request"
    assert to_lead["payload"] == {"request_id": join_request.pk}

    await sync_to_async(actions.do_decide_join_request)(
        join_request=join_request, decided_by=affinity_lead, approve=False, message="Not now"
    )
    to_person = await sockets[participant.pk].receive_json_from(timeout=10)
    assert to_person["kind"] == "affinity.decision"
    assert to_person["payload"] == {"request_id": join_request.pk, "status": "declined"}
    for user in (participant, affinity_lead, facilitator, groupmate):
        assert await sockets[user.pk].receive_nothing()


async def test_leaving_closes_the_members_open_sockets(
    open_socket: Open, members: list[User], affinity: AffinityGroup, kai: User
) -> None:
    socket = await open_socket(kai)
    await sync_to_async(actions.do_leave_affinity_group)(affinity=affinity, person=kai)
    closed = await socket.receive_output(timeout=10)
    assert closed["type"] == "websocket.close"
