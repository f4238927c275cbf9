"""The websocket column of the access matrix (tests/core/test_access_matrix.py
has the page and API columns): each persona subscribes over a real socket to
every kind of stream, and gets exactly what pages and the API would show,
the group-agreement gate included. Live delivery applies the same rule at
every event."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing.websocket import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from commonroom.accounts.models import User
from commonroom.asgi import application
from commonroom.care.actions import do_publish_agreement
from commonroom.care.models import Program, TherapyGroup
from commonroom.spaces import actions
from commonroom.spaces.models import Space, SpaceKind, SpaceScope, Thread
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db(transaction=True)

# persona -> the streams it may follow. "own" is user.<their id>, "other" is
# the participant's user stream (the participant's own for the participant).
STREAMS_READ = {
    "participant": {"own", "group_a", "program"},
    "groupmate": {"own", "group_a", "program"},
    "outsider": {"own", "group_b", "program"},
    "facilitator": {"own", "group_a", "program", "alumni"},
    "other_facilitator": {"own", "group_b", "program", "alumni"},
    "mentor": {"own", "alumni"},
    "alumnus": {"own", "alumni"},
    "admin": {"own", "group_a", "group_b", "program", "alumni"},
    # In group A and the program's cohort, but held back by the agreement.
    "pending_member": {"own"},
}


@pytest.fixture
def spaces(program: Program, group: TherapyGroup, other_group: TherapyGroup) -> dict[str, Space]:
    def space(scope: str, group: TherapyGroup | None = None) -> Space:
        return Space.objects.create(
            program=program, scope=scope, group=group, kind=SpaceKind.GENERAL, name=scope
        )

    return {
        "group_a": space(SpaceScope.GROUP, group),
        "group_b": space(SpaceScope.GROUP, other_group),
        "program": space(SpaceScope.PROGRAM),
        "alumni": space(SpaceScope.ALUMNI),
    }


def _socket(client: Client) -> WebsocketCommunicator:
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return WebsocketCommunicator(
        application,
        "/ws/",
        headers=[
            (b"origin", b"http://testserver"),
            (b"host", b"testserver"),
            (b"cookie", cookie.encode()),
        ],
    )


Open = Callable[[User], Awaitable[WebsocketCommunicator]]


@pytest.fixture
async def open_socket() -> AsyncIterator[Open]:
    opened: list[WebsocketCommunicator] = []

    async def _open(user: User) -> WebsocketCommunicator:
        socket = _socket(await sync_to_async(signed_in_client)(user))
        connected, _code = await socket.connect(timeout=10)
        assert connected
        assert (await socket.receive_json_from(timeout=10))["type"] == "hello"
        opened.append(socket)
        return socket

    yield _open
    for socket in opened:
        await socket.disconnect()


async def _subscribe_all(socket: WebsocketCommunicator, keys: list[str]) -> dict[str, str]:
    """stream -> "subscribed" or the error code, one reply per stream."""
    await socket.send_json_to({"type": "subscribe", "streams": dict.fromkeys(keys, 0)})
    answers: dict[str, str] = {}
    while len(answers) < len(keys):
        reply = await socket.receive_json_from(timeout=10)
        if reply["type"] == "event":
            continue
        answers[reply["stream"]] = reply["type"] if reply["type"] == "subscribed" else reply["code"]
    return answers


@pytest.mark.parametrize("persona", list(STREAMS_READ))
async def test_each_persona_subscribes_to_exactly_what_it_may_read(
    request: pytest.FixtureRequest,
    open_socket: Open,
    participant: User,
    pending_member: User,
    spaces: dict[str, Space],
    persona: str,
) -> None:
    viewer: User = await sync_to_async(request.getfixturevalue)(persona)
    keys = {name: space.stream_key for name, space in spaces.items()}
    keys["own"] = f"user.{viewer.pk}"
    others = [f"user.{participant.pk}", f"user.{pending_member.pk}"]
    keys["other"] = next(key for key in others if key != keys["own"])
    answers = await _subscribe_all(await open_socket(viewer), list(keys.values()))
    allowed = STREAMS_READ[persona]
    assert {name for name, key in keys.items() if answers[key] == "subscribed"} == allowed
    assert {answers[keys[name]] for name in set(keys) - allowed} <= {"not_found"}


async def test_a_new_agreement_stops_live_delivery_to_those_who_have_not_accepted(
    open_socket: Open,
    program: Program,
    group: TherapyGroup,
    participant: User,
    facilitator: User,
    admin: User,
    spaces: dict[str, Space],
) -> None:
    space = spaces["group_a"]
    thread = await Thread.objects.acreate(space=space, title="Week", created_by=facilitator)
    socket = await open_socket(participant)
    assert await _subscribe_all(socket, [space.stream_key]) == {space.stream_key: "subscribed"}
    await sync_to_async(do_publish_agreement)(
        program=program, body="What is said here stays here. Be kind.", published_by=admin
    )
    await sync_to_async(actions.do_post_message)(
        space=space, author=facilitator, body="Hello", client_id=uuid.uuid4(), thread=thread
    )
    reply: dict[str, Any] = await socket.receive_json_from(timeout=10)
    assert reply == {"type": "unsubscribed", "stream": space.stream_key}
    assert await socket.receive_nothing()
