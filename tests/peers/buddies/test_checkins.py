"""Check-ins shared with "My buddy": offered only to someone with a current
buddy, posted in the pair's space, and refused once the pair has ended."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from commonroom.accounts.models import User
from commonroom.peers.buddies import actions
from commonroom.peers.buddies.models import BuddyPair
from commonroom.spaces.models import CheckIn, Message

pytestmark = pytest.mark.django_db


def body(**extra: Any) -> dict[str, Any]:
    return {
        "mood": 7,
        "craving": 2,
        "sleep_hours": 7.5,
        "grateful_for": "the evening walk",
        "audience": "buddy",
        "client_id": str(uuid.uuid4()),
    } | extra


def test_my_buddy_is_offered_only_with_a_buddy(
    client_for: Any, pair: BuddyPair, participant: User, groupmate: User
) -> None:
    assert 'value="buddy"' in client_for(participant).get("/checkins/").content.decode()
    assert 'value="buddy"' not in client_for(groupmate).get("/checkins/").content.decode()


def test_a_buddy_check_in_over_the_api_lands_in_the_pair_space(
    api_as: Any, pair: BuddyPair, participant: User, buddy: User
) -> None:
    response = api_as(participant).post("/checkins", body())
    assert response.status_code == 201
    message = Message.objects.get(pk=response.json()["message_id"])
    assert message.space_id == pair.space_id
    messages = api_as(buddy).get(f"/threads/{message.thread_id}/messages").json()["items"]
    assert "the evening walk" in str(messages)


def test_a_buddy_check_in_over_the_form(
    client_for: Any, pair: BuddyPair, participant: User
) -> None:
    response = client_for(participant).post("/checkins/", body(sleep_hours="7.5"))
    assert response.status_code == 302
    checkin = CheckIn.objects.get(user=participant)
    assert checkin.audience == "buddy"
    assert checkin.message is not None
    assert checkin.message.space_id == pair.space_id


def test_after_the_pair_ends_a_buddy_check_in_is_refused_and_nothing_is_stored(
    api_as: Any, pair: BuddyPair, participant: User, buddy: User
) -> None:
    actions.do_end_pair(pair=pair, by=buddy)
    response = api_as(participant).post("/checkins", body())
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "no_buddy"
    assert not CheckIn.objects.exists()
