"""Search finds messages only in the spaces the person can see."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from commonroom.accounts.models import User
from commonroom.spaces import actions, moderation
from commonroom.spaces.models import Message, Space, Thread
from commonroom.spaces.search import search_messages

pytestmark = pytest.mark.django_db


def post(space: Space, thread: Thread, author: User, body: str) -> Message:
    message, _created = actions.do_post_message(
        space=space, author=author, body=body, client_id=uuid.uuid4(), thread=thread
    )
    return message


@pytest.fixture
def walking(group_space: Space, thread: Thread, participant: User) -> Message:
    return post(group_space, thread, participant, "Evening walks keep me steady")


def test_members_find_messages_of_their_spaces(groupmate: User, walking: Message) -> None:
    assert list(search_messages(groupmate, "evening walks")) == [walking]
    assert list(search_messages(groupmate, "walks")) == [walking]


@pytest.mark.parametrize("persona", ["outsider", "other_facilitator", "alumnus", "mentor"])
def test_nobody_else_finds_them(
    request: pytest.FixtureRequest, persona: str, walking: Message
) -> None:
    assert list(search_messages(request.getfixturevalue(persona), "walks")) == []


def test_removed_messages_are_not_found(
    groupmate: User, facilitator: User, participant: User, walking: Message
) -> None:
    moderation.do_set_hidden(message=walking, by=facilitator, hidden=True)
    assert list(search_messages(groupmate, "walks")) == []


def test_search_page_and_api_apply_the_same_rule(
    walking: Message,
    groupmate_client: Client,
    outsider_client: Client,
    api_as: Any,
    groupmate: User,
    outsider: User,
) -> None:
    assert (
        "Evening walks keep me steady" in groupmate_client.get("/search/?q=walks").content.decode()
    )
    assert "Evening walks" not in outsider_client.get("/search/?q=walks").content.decode()
    assert [r["message_id"] for r in api_as(groupmate).get("/search?q=walks").json()["items"]] == [
        walking.pk
    ]
    assert api_as(outsider).get("/search?q=walks").json()["items"] == []


def test_anonymous_visitors_cannot_search(client: Client, api_as: Any, walking: Message) -> None:
    assert client.get("/search/?q=walks").status_code == 302
    assert api_as(None).get("/search?q=walks").status_code == 401


def test_an_overlong_query_is_refused_with_a_reason(
    groupmate_client: Client, api_as: Any, groupmate: User
) -> None:
    assert (
        "at most 200 characters" in groupmate_client.get("/search/?q=" + "a" * 201).content.decode()
    )
    assert api_as(groupmate).get("/search?q=" + "a" * 201).status_code == 422
