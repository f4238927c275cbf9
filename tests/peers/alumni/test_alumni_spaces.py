"""The program's alumni access period governs its alumni spaces exactly as it
governs the alumni network: the list, the page, the API, a new socket
subscription and the events an open socket still receives."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing.websocket import WebsocketCommunicator
from django.utils import timezone

from commonroom.accounts.models import User
from commonroom.care.models import Enrollment, Program
from commonroom.peers.alumni.access import alumni_program_ids
from commonroom.peers.alumni.actions import do_set_alumni_access
from commonroom.realtime import fanout
from commonroom.spaces import access as space_access
from commonroom.spaces import actions as space_actions
from commonroom.spaces.models import Space, SpaceScope, Thread
from tests.conftest import Api, signed_in_client
from tests.realtime.test_streams import communicator_for, subscribe

ApiAs = Callable[[User | None], Api]


def _alumni_space(program: Program) -> Space:
    space = Space.objects.filter(program=program, scope=SpaceScope.ALUMNI).order_by("pk").first()
    assert space is not None, "programs are provisioned with an alumni space"
    return space


def _completed_days_ago(user: User, days: int) -> None:
    Enrollment.objects.filter(user=user).update(
        phase_changed_at=timezone.now() - timedelta(days=days)
    )


def _post(space: Space, author: User, body: str) -> None:
    thread = Thread.objects.filter(space=space).first() or Thread.objects.create(
        space=space, title="Hello", created_by=author
    )
    space_actions.do_post_message(
        space=space, author=author, body=body, client_id=uuid.uuid4(), thread=thread
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("months", "days_since_completion", "inside"),
    [(0, 3650, True), (1, 10, True), (1, 40, False), (24, 700, True), (24, 740, False)],
)
def test_the_period_decides_the_alumni_space_everywhere(
    api_as: ApiAs,
    program: Program,
    alumnus: User,
    admin: User,
    facilitator: User,
    months: int,
    days_since_completion: int,
    inside: bool,
) -> None:
    space = _alumni_space(program)
    do_set_alumni_access(program=program, months=months, updated_by=admin)
    _completed_days_ago(alumnus, days_since_completion)

    # One rule: the alumni network and its spaces agree.
    assert (program.pk in alumni_program_ids(alumnus)) is inside
    listed = space_access.spaces_visible_to(alumnus).filter(pk=space.pk).exists()
    assert listed is inside
    assert space_access.can_see(alumnus, space.pk) is inside
    assert (alumnus.pk in fanout.readers(space.stream_key)) is inside

    expected = 200 if inside else 404
    client = signed_in_client(alumnus)
    assert client.get(f"/spaces/{space.pk}/").status_code == expected
    api = api_as(alumnus)
    assert api.get(f"/spaces/{space.pk}").status_code == expected
    in_api_list = any(s["id"] == space.pk for s in api.get("/spaces").json()["items"])
    assert in_api_list is inside
    created = api.post(f"/spaces/{space.pk}/threads", {"title": "Still here?"})
    assert created.status_code == (201 if inside else 404)

    # Staff are not alumni: the period never applies to them.
    assert space_access.can_see(facilitator, space.pk)
    assert facilitator.pk in fanout.readers(space.stream_key)


@pytest.fixture
async def sockets() -> AsyncIterator[list[WebsocketCommunicator]]:
    opened: list[WebsocketCommunicator] = []
    yield opened
    for communicator in opened:
        await communicator.disconnect()


async def _open(user: User, opened: list[WebsocketCommunicator]) -> WebsocketCommunicator:
    client = await sync_to_async(signed_in_client)(user)
    communicator = communicator_for(client)
    connected, _code = await communicator.connect(timeout=10)
    assert connected
    assert await communicator.receive_json_from(timeout=10) == {"type": "hello", "user": user.pk}
    opened.append(communicator)
    return communicator


@pytest.mark.django_db(transaction=True)
async def test_an_open_socket_stops_at_the_next_event_once_the_period_ends(
    sockets: list[WebsocketCommunicator],
    program: Program,
    alumnus: User,
    admin: User,
    facilitator: User,
) -> None:
    space = await sync_to_async(_alumni_space)(program)
    await sync_to_async(do_set_alumni_access)(program=program, months=1, updated_by=admin)
    await sync_to_async(_completed_days_ago)(alumnus, 20)
    alumni_socket = await _open(alumnus, sockets)
    staff_socket = await _open(facilitator, sockets)
    for socket in (alumni_socket, staff_socket):
        assert (await subscribe(socket, {space.stream_key: 0}))[-1]["type"] == "subscribed"

    await sync_to_async(_post)(space, facilitator, "Reunion on Thursday")
    for socket in (alumni_socket, staff_socket):
        event = await socket.receive_json_from(timeout=10)
        assert (event["type"], event["position"]) == ("event", 1)

    # Time passes beyond the month; nobody closes the socket for it.
    await sync_to_async(_completed_days_ago)(alumnus, 40)
    await sync_to_async(_post)(space, facilitator, "Photos from the reunion")
    assert await alumni_socket.receive_json_from(timeout=10) == {
        "type": "unsubscribed",
        "stream": space.stream_key,
    }
    assert await alumni_socket.receive_nothing()
    event = await staff_socket.receive_json_from(timeout=10)
    assert (event["type"], event["position"]) == ("event", 2)

    await alumni_socket.send_json_to({"type": "subscribe", "streams": {space.stream_key: 0}})
    assert await alumni_socket.receive_json_from(timeout=10) == {
        "type": "error",
        "code": "not_found",
        "stream": space.stream_key,
    }
