"""Completing the program, end to end: an open socket subscribed to the
group's space stops receiving it, and the person, now an alumnus, gets the
alumni space, the alumni network and its reunion."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing.websocket import WebsocketCommunicator
from django.utils import timezone

from commonroom.accounts.models import User
from commonroom.care.actions import do_change_phase
from commonroom.care.models import Enrollment, Program, TherapyGroup
from commonroom.gatherings.actions import do_create_gathering
from commonroom.realtime.consumers import CLOSE_UNAUTHENTICATED
from commonroom.spaces import actions as space_actions
from commonroom.spaces.models import Space, SpaceKind, SpaceScope, Thread
from tests.conftest import signed_in_client
from tests.realtime.test_streams import communicator_for, subscribe

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def frozen_clock() -> None:
    """Real time here: the socket's timeouts run on the event loop's clock."""


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


async def _post(space: Space, author: User, body: str) -> None:
    def write() -> None:
        thread = Thread.objects.filter(space=space).first() or Thread.objects.create(
            space=space, title="Hello", created_by=author
        )
        space_actions.do_post_message(
            space=space, author=author, body=body, client_id=uuid.uuid4(), thread=thread
        )

    await sync_to_async(write)()


async def test_completion_closes_the_cohort_and_opens_the_alumni_network(
    sockets: list[WebsocketCommunicator],
    program: Program,
    group: TherapyGroup,
    participant: User,
    groupmate: User,
    alumnus: User,
    admin: User,
) -> None:
    group_space = await Space.objects.aget(group=group, kind=SpaceKind.GENERAL)
    alumni_space = await Space.objects.aget(program=program, scope=SpaceScope.ALUMNI)
    reunion = await sync_to_async(do_create_gathering)(
        program=program,
        created_by=admin,
        fields={
            "title": "Monthly alumni reunion",
            "audience": "alumni",
            "kind": "reunion",
            "starts_at": timezone.now() + timedelta(days=7),
            "duration_minutes": 60,
        },
    )
    client = await sync_to_async(signed_in_client)(participant)
    assert (await sync_to_async(client.get)(f"/gatherings/{reunion.pk}/")).status_code == 404

    socket = await _open(participant, sockets)
    await subscribe(socket, {group_space.stream_key: 0})
    await subscribe(socket, {f"user.{participant.pk}": 0})
    enrollment = await Enrollment.objects.aget(user=participant)
    await sync_to_async(do_change_phase)(
        enrollment_id=enrollment.pk, to_phase="completed", reason="Finished", changed_by=admin
    )
    assert await socket.receive_output(timeout=10) == {
        "type": "websocket.close",
        "code": CLOSE_UNAUTHENTICATED,
    }

    # Signed in again: the group's space is gone, the alumni space is theirs.
    socket = await _open(participant, sockets)
    await socket.send_json_to({"type": "subscribe", "streams": {group_space.stream_key: 0}})
    assert (await socket.receive_json_from(timeout=10))["code"] == "not_found"
    assert await subscribe(socket, {alumni_space.stream_key: 0}) == [
        {"type": "subscribed", "stream": alumni_space.stream_key, "position": 0}
    ]
    await _post(group_space, groupmate, "Cohort news")
    await _post(alumni_space, alumnus, "Welcome to the alumni lounge")
    event = await socket.receive_json_from(timeout=10)
    assert event["type"] == "event"
    assert event["stream"] == alumni_space.stream_key
    assert await socket.receive_nothing()

    client = await sync_to_async(signed_in_client)(participant)
    home = await sync_to_async(client.get)("/alumni/")
    assert home.status_code == 200
    html = home.content.decode()
    assert "Alumni lounge" in html
    assert "Monthly alumni reunion" in html
    assert (await sync_to_async(client.get)(f"/gatherings/{reunion.pk}/")).status_code == 200
