"""Over a real socket: the mentor receives what the mentee posts in their
space live, and nothing once the mentor pauses or the mentorship ends, even
if the close message is lost (sockets re-check access on every delivery)."""

from __future__ import annotations

from unittest import mock

import pytest
from asgiref.sync import sync_to_async

from commonroom.accounts.models import User
from commonroom.peers.mentors import actions
from commonroom.peers.mentors.models import MentorProfile, Mentorship
from commonroom.spaces.models import Thread
from tests.realtime.conftest import _close_thread_connections, _own_channel_layer_prefix
from tests.realtime.test_streams import (
    Open,
    _expect_unsubscribed_then_silence,
    open_socket,
    post,
    receive_events,
    subscribe,
)

pytestmark = pytest.mark.django_db(transaction=True)

__all__ = ["_close_thread_connections", "_own_channel_layer_prefix", "open_socket"]


@pytest.fixture
def thread(mentorship: Mentorship, participant: User) -> Thread:
    return Thread.objects.create(space=mentorship.space, title="Hello", created_by=participant)


async def test_the_mentor_receives_what_the_mentee_shares_live(
    open_socket: Open, mentorship: Mentorship, thread: Thread, mentor: User, participant: User
) -> None:
    socket = await open_socket(mentor)
    await subscribe(socket, {mentorship.space.stream_key: 0})
    await post(mentorship.space, thread, participant, "Went to a meeting today")
    [event] = await receive_events(socket, 1)
    assert event["kind"] == "message.new"
    assert "Went to a meeting today" in event["payload"]["html"]


@pytest.mark.parametrize("how", ["pause", "end"])
async def test_access_ends_at_once_even_if_the_close_message_is_lost(
    open_socket: Open,
    mentorship: Mentorship,
    mentor_profile: MentorProfile,
    thread: Thread,
    mentor: User,
    participant: User,
    how: str,
) -> None:
    socket = await open_socket(mentor)
    await subscribe(socket, {mentorship.space.stream_key: 0})
    with mock.patch("commonroom.peers.mentors.actions.close_user_sockets"):
        if how == "pause":
            await sync_to_async(actions.do_pause_mentor)(profile=mentor_profile, by=mentor)
        else:
            await sync_to_async(actions.do_end_mentorship)(mentorship=mentorship, by=participant)
    await _expect_unsubscribed_then_silence(socket, mentorship.space, thread, participant)


async def test_pausing_closes_the_mentors_open_socket(
    open_socket: Open, mentorship: Mentorship, mentor_profile: MentorProfile, mentor: User
) -> None:
    socket = await open_socket(mentor)
    await subscribe(socket, {mentorship.space.stream_key: 0})
    await sync_to_async(actions.do_pause_mentor)(profile=mentor_profile, by=mentor)
    output = await socket.receive_output(timeout=10)
    assert output["type"] == "websocket.close"
