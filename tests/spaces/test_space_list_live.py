"""The spaces list follows the streams of exactly the spaces it shows, plus
the person's own stream, from their current positions."""

from __future__ import annotations

import html
import json
import uuid

import pytest
from django.test import Client

from commonroom.accounts.models import User
from commonroom.realtime import events
from commonroom.spaces import access, actions
from commonroom.spaces.models import Space, Thread

pytestmark = pytest.mark.django_db


def test_the_list_follows_only_visible_streams_from_their_positions(
    participant: User,
    participant_client: Client,
    groupmate: User,
    thread: Thread,
    other_group_space: Space,
) -> None:
    actions.do_post_message(
        space=thread.space, author=groupmate, body="Hi", client_id=uuid.uuid4(), thread=thread
    )
    page = participant_client.get("/spaces/").content.decode()
    raw = page.split('data-streams="')[1].split('"')[0]
    streams = json.loads(html.unescape(raw))
    visible = {space.stream_key for space in access.spaces_visible_to(participant)}
    assert set(streams) == visible | {f"user.{participant.pk}"}
    assert other_group_space.stream_key not in streams
    assert streams[thread.space.stream_key] == events.last_position(thread.space.stream_key) == 1
