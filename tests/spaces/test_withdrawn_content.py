"""Text taken back (edited away, deleted by its author, hidden by a
moderator, a withdrawn check-in, goal progress or milestone share) never
comes back from the event log: not over the API's events, not on the thread
page or its live partial. The socket's replay is proved in
tests/realtime/test_streams.py. Moderators still read hidden messages on the
page, as the policy allows."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client

from commonroom.accounts.models import User
from commonroom.care.models import Program
from commonroom.realtime import events
from commonroom.realtime.models import Event
from commonroom.spaces import actions, checkins, goals, milestones, moderation
from commonroom.spaces.models import Message, Space, Thread

pytestmark = pytest.mark.django_db

ApiFor = Callable[[User | None], Any]
SECRET = "I drank at the party on Friday"


def say(thread: Thread, author: User, body: str) -> Message:
    message, _created = actions.do_post_message(
        space=thread.space, author=author, body=body, client_id=uuid.uuid4(), thread=thread
    )
    return message


def edit_away(message: Message, moderator: User) -> None:
    actions.do_edit_message(
        message=message, editor=message.author, body="Rough weekend, doing better now"
    )


def delete(message: Message, moderator: User) -> None:
    actions.do_delete_message(message=message, by=message.author)


def hide(message: Message, moderator: User) -> None:
    moderation.do_set_hidden(message=message, by=moderator, hidden=True)


WITHDRAWALS = {"edited": edit_away, "deleted": delete, "hidden": hide}


def replayed(api_as: ApiFor, user: User, space: Space) -> str:
    response = api_as(user).get(f"/spaces/{space.pk}/events?after=0")
    assert response.status_code == 200, response.content
    return json.dumps(response.json())


@pytest.mark.parametrize("withdrawal", WITHDRAWALS)
def test_withdrawn_text_is_not_replayed_over_the_api(
    api_as: ApiFor,
    withdrawal: str,
    thread: Thread,
    participant: User,
    groupmate: User,
    facilitator: User,
) -> None:
    message = say(thread, participant, SECRET)
    WITHDRAWALS[withdrawal](message, facilitator)
    for reader in (groupmate, participant, facilitator):
        assert "party on Friday" not in replayed(api_as, reader, thread.space)


def test_only_the_newest_version_of_an_edited_message_is_replayed(
    api_as: ApiFor, thread: Thread, participant: User, groupmate: User
) -> None:
    message = say(thread, participant, SECRET)
    actions.do_edit_message(message=message, editor=participant, body="Second try")
    actions.do_edit_message(message=message, editor=participant, body="Third and last")
    body = api_as(groupmate).get(f"/spaces/{thread.space_id}/events?after=0").json()
    carrying_text = [e for e in body["events"] if "html" in e["payload"]]
    assert [e["kind"] for e in carrying_text] == ["message.edited"]
    assert "Third and last" in carrying_text[0]["payload"]["html"]
    new = next(e for e in body["events"] if e["kind"] == "message.new")
    assert new["payload"]["withdrawn"] is True
    assert new["payload"]["message_id"] == message.pk


def test_a_restored_message_is_replayed_again(
    api_as: ApiFor, thread: Thread, participant: User, groupmate: User, facilitator: User
) -> None:
    message = say(thread, participant, "Back again after review")
    moderation.do_set_hidden(message=message, by=facilitator, hidden=True)
    moderation.do_set_hidden(message=message, by=facilitator, hidden=False)
    assert replayed(api_as, groupmate, thread.space).count("Back again after review") == 1


def test_withdrawing_one_message_leaves_the_others_text(
    api_as: ApiFor, thread: Thread, participant: User, groupmate: User
) -> None:
    kept = say(thread, groupmate, "Glad you are here")
    actions.do_delete_message(message=say(thread, participant, SECRET), by=participant)
    assert "Glad you are here" in replayed(api_as, participant, thread.space)
    assert Event.objects.get(subject=f"message.{kept.pk}").payload.get("withdrawn") is None


@pytest.mark.parametrize("withdrawal", WITHDRAWALS)
def test_withdrawn_text_is_not_on_the_thread_page_or_its_live_partial(
    client_for: Callable[[User], Client],
    withdrawal: str,
    thread: Thread,
    participant: User,
    groupmate: User,
    facilitator: User,
) -> None:
    message = say(thread, participant, SECRET)
    WITHDRAWALS[withdrawal](message, facilitator)
    client = client_for(groupmate)
    for path in (f"/threads/{thread.pk}/", f"/threads/{thread.pk}/live/?after=0"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "party on Friday" not in response.content.decode(), path


def test_a_moderator_still_reads_a_hidden_message_on_the_page(
    client_for: Callable[[User], Client], thread: Thread, participant: User, facilitator: User
) -> None:
    hide(say(thread, participant, SECRET), facilitator)
    page = client_for(facilitator).get(f"/threads/{thread.pk}/").content.decode()
    assert "party on Friday" in page


def test_a_live_partial_asked_past_the_head_sends_the_messages_afresh(
    client_for: Callable[[User], Client], thread: Thread, participant: User, groupmate: User
) -> None:
    say(thread, participant, "Checking in from the bus")
    head = events.last_position(thread.space.stream_key)
    client = client_for(groupmate)
    assert client.get(f"/threads/{thread.pk}/live/?after={head}").status_code == 204
    response = client.get(f"/threads/{thread.pk}/live/?after={head + 5}")
    assert response.status_code == 200
    assert "Checking in from the bus" in response.content.decode()


# --- check-ins, goal progress and milestones are posts too --------------------------


def check_in_with_a_note(user: User, program: Program) -> Message:
    checkin, _created = checkins.do_check_in(
        user=user, program=program, mood=3, craving=8, sleep_hours="4",
        grateful_for="", note=SECRET, audience="group", client_id=uuid.uuid4(),
    )  # fmt: skip
    assert checkin.message is not None
    return checkin.message


def test_a_withdrawn_check_in_share_is_not_replayed(
    api_as: ApiFor, program: Program, participant: User, groupmate: User
) -> None:
    message = check_in_with_a_note(participant, program)
    actions.do_delete_message(message=message, by=participant)
    replay = replayed(api_as, groupmate, message.space)
    assert "party on Friday" not in replay
    assert '"craving"' not in replay


def test_an_edited_check_in_share_no_longer_replays_its_answers(
    api_as: ApiFor, program: Program, participant: User, groupmate: User
) -> None:
    message = check_in_with_a_note(participant, program)
    actions.do_edit_message(message=message, editor=participant, body="Feeling steadier today")
    replay = replayed(api_as, groupmate, message.space)
    assert "party on Friday" not in replay
    assert '"craving"' not in replay
    assert "Feeling steadier today" in replay


def test_hidden_goal_progress_is_not_replayed(
    api_as: ApiFor, participant: User, groupmate: User, facilitator: User
) -> None:
    goal, _created = goals.do_set_goal(
        user=participant, what="Walk after dinner", cadence="weekly", times_per_week=3,
        client_id=uuid.uuid4(),
    )  # fmt: skip
    made, _created = goals.do_post_progress(
        goal=goal, user=participant, body=SECRET, client_id=uuid.uuid4()
    )
    hide(made.message, facilitator)
    assert "party on Friday" not in replayed(api_as, groupmate, made.message.space)


def test_a_deleted_milestone_share_is_not_replayed(
    api_as: ApiFor, participant: User, groupmate: User
) -> None:
    now = dt.datetime(2026, 6, 15, 18, 0, tzinfo=dt.UTC)
    with time_machine.travel(now, tick=False):
        milestones.do_set_recovery_counter(
            user=participant, start_date=now.date() - dt.timedelta(days=30), hidden=False, now=now
        )
        (offered,) = milestones.refresh_milestones(participant, now)
        shared = milestones.do_share_milestone(
            milestone=offered, user=participant, body=SECRET, client_id=uuid.uuid4()
        )
    assert shared.message is not None
    actions.do_delete_message(message=shared.message, by=participant)
    assert "party on Friday" not in replayed(api_as, groupmate, shared.message.space)
