"""Moderation over HTML, from the outside: peers report, only the space's
staff moderate, and everyone else gets nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from commonroom.accounts.models import User
from commonroom.realtime import events
from commonroom.spaces import actions, moderation
from commonroom.spaces.models import Message, ModerationNote, Mute, Report, Space, Thread

pytestmark = pytest.mark.django_db

NOBODY_ELSE = ["outsider", "other_facilitator", "mentor", "alumnus"]


@pytest.fixture
def message(group_space: Space, thread: Thread, participant: User) -> Message:
    message, _created = actions.do_post_message(
        space=group_space,
        author=participant,
        body="A hard week",
        client_id=uuid.uuid4(),
        thread=thread,
    )
    return message


def test_a_peer_reports_and_staff_see_it_in_the_queue(
    groupmate_client: Client, facilitator_client: Client, message: Message
) -> None:
    response = groupmate_client.post(
        f"/messages/{message.pk}/report/", {"reason": "This worried me"}, follow=True
    )
    assert "Staff will look at it" in response.content.decode()
    page = facilitator_client.get("/moderation/").content.decode()
    assert "This worried me" in page


def test_a_report_without_a_reason_names_the_problem(
    groupmate_client: Client, message: Message
) -> None:
    response = groupmate_client.post(f"/messages/{message.pk}/report/", {"reason": ""}, follow=True)
    assert "Say briefly what is wrong" in response.content.decode()
    assert not Report.objects.exists()


@pytest.mark.parametrize("persona", NOBODY_ELSE)
def test_people_outside_the_space_can_neither_report_nor_moderate(
    request: pytest.FixtureRequest, persona: str, message: Message, thread: Thread
) -> None:
    client: Client = request.getfixturevalue(f"{persona}_client")
    assert client.post(f"/messages/{message.pk}/report/", {"reason": "x"}).status_code == 404
    assert client.post(f"/messages/{message.pk}/hide/").status_code == 404
    assert client.post(f"/messages/{message.pk}/mute/", {"minutes": 10}).status_code == 404
    assert client.post(f"/messages/{message.pk}/note/", {"body": "x"}).status_code == 404
    assert client.post(f"/threads/{thread.pk}/lock/").status_code == 404
    assert not Report.objects.exists()
    message.refresh_from_db()
    thread.refresh_from_db()
    assert message.hidden_at is None
    assert thread.locked_at is None
    assert not Mute.objects.exists()
    assert not ModerationNote.objects.exists()


@pytest.mark.parametrize("persona", ["participant", "groupmate"])
def test_peers_cannot_moderate(
    request: pytest.FixtureRequest, persona: str, message: Message, thread: Thread
) -> None:
    client: Client = request.getfixturevalue(f"{persona}_client")
    assert client.post(f"/messages/{message.pk}/hide/").status_code == 404
    assert client.post(f"/threads/{thread.pk}/lock/").status_code == 404
    assert client.post(f"/messages/{message.pk}/mute/", {"minutes": 10}).status_code == 404
    assert client.get("/moderation/").status_code == 404
    message.refresh_from_db()
    assert message.hidden_at is None


def test_the_anonymous_visitor_is_sent_to_sign_in(client: Client, message: Message) -> None:
    assert client.post(f"/messages/{message.pk}/report/", {"reason": "x"}).status_code == 302
    assert client.get("/moderation/").status_code == 302


def test_staff_hide_lock_mute_and_note(
    facilitator_client: Client,
    groupmate_client: Client,
    message: Message,
    thread: Thread,
    participant: User,
) -> None:
    facilitator_client.post(f"/messages/{message.pk}/hide/", {"hidden": "1"})
    assert groupmate_client.get(f"/threads/{thread.pk}/").content.decode().count("A hard week") == 0
    facilitator_client.post(f"/messages/{message.pk}/hide/", {"hidden": "0"})
    assert "A hard week" in groupmate_client.get(f"/threads/{thread.pk}/").content.decode()
    facilitator_client.post(f"/threads/{thread.pk}/lock/", {"locked": "1"})
    thread.refresh_from_db()
    assert thread.locked_at is not None
    facilitator_client.post(f"/messages/{message.pk}/mute/", {"minutes": "30"})
    assert Mute.objects.filter(user=participant).exists()
    facilitator_client.post(f"/messages/{message.pk}/note/", {"body": "Call after group"})
    assert ModerationNote.objects.filter(about=participant).exists()


def test_a_saved_note_is_shown_to_moderators_only(
    facilitator_client: Client,
    groupmate_client: Client,
    groupmate: User,
    message: Message,
    thread: Thread,
) -> None:
    facilitator_client.post(f"/messages/{message.pk}/note/", {"body": "Call after group"})
    assert "Call after group" in facilitator_client.get(f"/threads/{thread.pk}/").content.decode()
    assert "Call after group" not in groupmate_client.get(f"/threads/{thread.pk}/").content.decode()
    moderation.do_report(message=message, reporter=groupmate, reason="Unkind")
    assert "Call after group" in facilitator_client.get("/moderation/").content.decode()


def test_a_mute_of_nonsense_minutes_is_refused(
    facilitator_client: Client, message: Message
) -> None:
    response = facilitator_client.post(
        f"/messages/{message.pk}/mute/", {"minutes": "forever"}, follow=True
    )
    assert "from 1 minute to 30 days" in response.content.decode()
    assert not Mute.objects.exists()


def test_handling_a_report_tells_the_reporter_only_that(
    facilitator_client: Client, groupmate: User, message: Message
) -> None:
    report = moderation.do_report(message=message, reporter=groupmate, reason="Unkind")
    facilitator_client.post(f"/moderation/{report.pk}/handled/")
    assert [e.kind for e in events.since(f"user.{groupmate.pk}", 0)] == ["report.handled"]
    assert "No open reports." in facilitator_client.get("/moderation/").content.decode()


def test_another_groups_facilitator_cannot_handle_the_report(
    other_facilitator_client: Client, groupmate: User, message: Message
) -> None:
    report = moderation.do_report(message=message, reporter=groupmate, reason="Unkind")
    assert other_facilitator_client.post(f"/moderation/{report.pk}/handled/").status_code == 404
    report.refresh_from_db()
    assert report.handled_at is None


# --- the same rules over the API ------------------------------------------------------


@pytest.mark.parametrize("persona", [*NOBODY_ELSE, "groupmate"])
def test_only_the_spaces_staff_moderate_over_the_api(
    request: pytest.FixtureRequest, api_as: Any, persona: str, message: Message, thread: Thread
) -> None:
    api = api_as(request.getfixturevalue(persona))
    assert api.post(f"/messages/{message.pk}/hide", {"hidden": True}).status_code == 404
    assert api.post(f"/messages/{message.pk}/mute", {"minutes": 10}).status_code == 404
    assert api.post(f"/threads/{thread.pk}/lock", {"locked": True}).status_code == 404
    assert api.get("/moderation/reports").json()["items"] == []
    message.refresh_from_db()
    thread.refresh_from_db()
    assert message.hidden_at is None
    assert thread.locked_at is None
    assert not Mute.objects.exists()


def test_moderators_write_and_read_notes_over_the_api(
    api_as: Any, facilitator: User, groupmate: User, message: Message
) -> None:
    staff = api_as(facilitator)
    added = staff.post(f"/messages/{message.pk}/moderation-notes", {"body": "Call after group"})
    assert added.status_code == 201
    [note] = staff.get(f"/messages/{message.pk}/moderation-notes").json()["items"]
    assert (note["body"], note["written_by"]) == ("Call after group", facilitator.display_name)
    peer = api_as(groupmate)
    assert peer.get(f"/messages/{message.pk}/moderation-notes").status_code == 404
    assert peer.post(f"/messages/{message.pk}/moderation-notes", {"body": "x"}).status_code == 404
    assert ModerationNote.objects.count() == 1


def test_report_and_handle_over_the_api(
    api_as: Any, groupmate: User, facilitator: User, outsider: User, message: Message
) -> None:
    assert (
        api_as(outsider).post(f"/messages/{message.pk}/report", {"reason": "x"}).status_code == 404
    )
    assert (
        api_as(groupmate).post(f"/messages/{message.pk}/report", {"reason": "Unkind"}).status_code
        == 201
    )
    staff = api_as(facilitator)
    [open_report] = staff.get("/moderation/reports").json()["items"]
    assert open_report["reason"] == "Unkind"
    assert staff.post(f"/moderation/reports/{open_report['id']}/handled").status_code == 204
    assert staff.get("/moderation/reports").json()["items"] == []


def test_anonymous_api_calls_are_unauthenticated(api_as: Any, message: Message) -> None:
    assert api_as(None).post(f"/messages/{message.pk}/report", {"reason": "x"}).status_code == 401
