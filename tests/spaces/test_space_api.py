"""Peer spaces over the JSON API: parity with the pages, refusals in the one
error shape, idempotent posting, and the events resume path."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Q
from django.utils import timezone

from commonroom.accounts.models import User
from commonroom.care.actions import do_change_phase, do_publish_agreement
from commonroom.care.models import Program
from commonroom.realtime.models import Event
from commonroom.spaces import actions
from commonroom.spaces.models import MESSAGE_MAX_CHARS, Message, Reaction, Space, Thread

pytestmark = pytest.mark.django_db

ApiFor = Callable[[User | None], Any]
NOT_FOUND = {"error": {"code": "not_found", "message": "Not found."}}


def say(thread: Thread, author: User, body: str, **extra: Any) -> Message:
    message, _created = actions.do_post_message(
        space=thread.space, author=author, body=body, client_id=uuid.uuid4(), thread=thread, **extra
    )
    return message


def nothing_written() -> None:
    assert Message.objects.count() == 0
    assert Event.objects.filter(kind="message.new").count() == 0


def test_spaces_list_shows_only_the_persons_spaces(
    api_as: ApiFor,
    participant: User,
    groupmate: User,
    thread: Thread,
    program_space: Space,
    other_group_space: Space,
) -> None:
    say(thread, groupmate, "Hi @Sam")
    body = api_as(participant).get("/spaces").json()["items"]
    by_name = {s["name"]: s for s in body}
    # The fixtures' spaces, plus those every program and group is given.
    assert {"Group A · General", "Whole program"} <= set(by_name)
    assert {s["id"] for s in body} == set(
        Space.objects.filter(
            Q(group__name="Group A") | Q(scope="program", program=thread.space.program)
        ).values_list("pk", flat=True)
    )
    assert other_group_space.pk not in {s["id"] for s in body}
    group_space = by_name["Group A · General"]
    assert group_space["unread"] == 1
    assert group_space["mentions"] == 1
    assert group_space["stream"] == f"space.{thread.space_id}"


@pytest.mark.parametrize("viewer", ["outsider", "other_facilitator", "alumnus"])
def test_others_cannot_read_post_or_react_over_the_api(
    request: pytest.FixtureRequest, api_as: ApiFor, viewer: str, participant: User, thread: Thread
) -> None:
    message = say(thread, participant, "Only for group A")
    api = api_as(request.getfixturevalue(viewer))
    space_id = thread.space_id
    for path in (
        f"/spaces/{space_id}",
        f"/spaces/{space_id}/threads",
        f"/spaces/{space_id}/events?after=0",
        f"/threads/{thread.pk}",
        f"/threads/{thread.pk}/messages",
    ):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json() == NOT_FOUND
    writes = [
        api.post(f"/spaces/{space_id}/threads", {"title": "Mine now"}),
        api.post(
            f"/threads/{thread.pk}/messages", {"body": "let me in", "client_id": str(uuid.uuid4())}
        ),
        api.post(f"/messages/{message.pk}/reactions", {"kind": "heart"}),
        api.patch(f"/messages/{message.pk}", {"body": "changed"}),
        api.delete(f"/messages/{message.pk}"),
    ]
    assert [r.status_code for r in writes] == [404] * 5
    assert Thread.objects.count() == 1
    assert Message.objects.count() == 1
    assert not Reaction.objects.exists()
    message.refresh_from_db()
    assert (message.body, message.deleted_at) == ("Only for group A", None)
    assert space_id not in {s["id"] for s in api.get("/spaces").json()["items"]}


def test_anonymous_gets_401(api_as: ApiFor, thread: Thread) -> None:
    api = api_as(None)
    assert api.get("/spaces").status_code == 401
    assert api.get(f"/threads/{thread.pk}/messages").status_code == 401
    response = api.post(
        f"/threads/{thread.pk}/messages", {"body": "x", "client_id": str(uuid.uuid4())}
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    nothing_written()


def test_alumnus_loses_the_group_space_on_completion(
    api_as: ApiFor, participant: User, admin: User, thread: Thread
) -> None:
    api = api_as(participant)
    assert api.get(f"/threads/{thread.pk}/messages").status_code == 200
    do_change_phase(
        enrollment_id=participant.enrollments.get().pk,
        to_phase="completed",
        reason="Finished the program",
        changed_by=admin,
    )
    assert api.get(f"/threads/{thread.pk}/messages").status_code == 404
    assert api.get(f"/spaces/{thread.space_id}/events?after=0").status_code == 404


def test_agreement_is_required_first(
    api_as: ApiFor, participant: User, admin: User, program: Program, thread: Thread
) -> None:
    do_publish_agreement(
        program=program, body="We keep what is shared here private.", published_by=admin
    )
    response = api_as(participant).post(
        f"/threads/{thread.pk}/messages", {"body": "hi", "client_id": str(uuid.uuid4())}
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "agreement_required"
    nothing_written()


def test_post_is_201_and_a_retry_is_200_with_the_same_message(
    api_as: ApiFor, participant: User, thread: Thread
) -> None:
    api = api_as(participant)
    payload = {"body": "Day **5**", "client_id": str(uuid.uuid4())}
    first = api.post(f"/threads/{thread.pk}/messages", payload)
    second = api.post(f"/threads/{thread.pk}/messages", payload)
    assert first.status_code == 201
    assert second.status_code == 200
    assert first.json() == second.json()
    body = first.json()
    assert body["html"] == "<p>Day <strong>5</strong></p>\n"
    assert body["client_id"] == payload["client_id"]
    assert body["author"] == {
        "name": "Sam",
        "alias": False,
        "real_name": None,
        "peer_mentor": False,
    }
    assert Message.objects.count() == 1
    assert Event.objects.filter(kind="message.new").count() == 1


def test_client_id_is_required(api_as: ApiFor, participant: User, thread: Thread) -> None:
    response = api_as(participant).post(f"/threads/{thread.pk}/messages", {"body": "hi"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "client_id"
    nothing_written()


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ("x" * (MESSAGE_MAX_CHARS + 1), "too_long", "A message can be at most"),
        ("   ", "required", "Write something first."),
        ("Hey @Riley", "unknown_mention", "Nobody called @riley is in this space."),
    ],
)
def test_bad_messages_are_refused_with_the_field_named(
    api_as: ApiFor,
    participant: User,
    outsider: User,
    thread: Thread,
    body: str,
    code: str,
    message: str,
) -> None:
    response = api_as(participant).post(
        f"/threads/{thread.pk}/messages", {"body": body, "client_id": str(uuid.uuid4())}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["field"]) == (code, "body")
    assert message in error["message"]
    nothing_written()


def test_post_to_a_locked_thread_is_refused(
    api_as: ApiFor, participant: User, thread: Thread
) -> None:
    Thread.objects.filter(pk=thread.pk).update(locked_at=timezone.now())
    response = api_as(participant).post(
        f"/threads/{thread.pk}/messages", {"body": "Anyone?", "client_id": str(uuid.uuid4())}
    )
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "locked",
        "message": "This thread is locked; it takes no new messages.",
        "field": "thread",
    }
    nothing_written()


def test_script_markup_comes_back_sanitised(
    api_as: ApiFor, participant: User, thread: Thread
) -> None:
    response = api_as(participant).post(
        f"/threads/{thread.pk}/messages",
        {"body": "<script>alert(1)</script> hi", "client_id": str(uuid.uuid4())},
    )
    assert response.status_code == 201
    assert "<script>" not in response.json()["html"]
    assert "&lt;script&gt;" in response.json()["html"]


def test_staff_see_alias_authors_and_peers_do_not(
    api_as: ApiFor, participant: User, groupmate: User, facilitator: User, thread: Thread
) -> None:
    say(thread, participant, "Hard day", as_alias=True)
    alias = actions.alias_for(thread.space, participant.pk)
    (peer_view,) = api_as(groupmate).get(f"/threads/{thread.pk}/messages").json()["items"]
    assert peer_view["author"] == {
        "name": alias,
        "alias": True,
        "real_name": None,
        "peer_mentor": False,
    }
    assert "Sam" not in str(peer_view)
    (staff_view,) = api_as(facilitator).get(f"/threads/{thread.pk}/messages").json()["items"]
    assert staff_view["author"] == {
        "name": alias,
        "alias": True,
        "real_name": "Sam",
        "peer_mentor": False,
    }


def test_alias_is_refused_where_the_space_does_not_allow_it(
    api_as: ApiFor, participant: User, program_space: Space
) -> None:
    thread = Thread.objects.create(space=program_space, title="All of us")
    response = api_as(participant).post(
        f"/threads/{thread.pk}/messages",
        {"body": "hi", "client_id": str(uuid.uuid4()), "as_alias": True},
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "as_alias"
    nothing_written()


def test_threads_are_created_and_listed(
    api_as: ApiFor, participant: User, groupmate: User, group_space: Space
) -> None:
    response = api_as(participant).post(
        f"/spaces/{group_space.pk}/threads",
        {"title": "Week three", "body": "Here we go", "client_id": str(uuid.uuid4())},
    )
    assert response.status_code == 201
    (listed,) = api_as(groupmate).get(f"/spaces/{group_space.pk}/threads").json()["items"]
    assert listed["title"] == "Week three"
    assert listed["message_count"] == 1


def test_thread_with_a_bad_first_message_is_not_created(
    api_as: ApiFor, participant: User, group_space: Space
) -> None:
    response = api_as(participant).post(
        f"/spaces/{group_space.pk}/threads",
        {
            "title": "Week three",
            "body": "x" * (MESSAGE_MAX_CHARS + 1),
            "client_id": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 422
    assert not Thread.objects.exists()
    nothing_written()


def test_retried_thread_start_returns_the_same_thread(
    api_as: ApiFor, participant: User, group_space: Space
) -> None:
    api = api_as(participant)
    payload = {"title": "Week three", "body": "Here we go", "client_id": str(uuid.uuid4())}
    first = api.post(f"/spaces/{group_space.pk}/threads", payload)
    second = api.post(f"/spaces/{group_space.pk}/threads", payload)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Thread.objects.count() == 1
    assert Message.objects.count() == 1
    assert Event.objects.filter(kind="thread.new").count() == 1


def test_retried_thread_start_without_a_body_is_stored_once(
    api_as: ApiFor, participant: User, group_space: Space
) -> None:
    api = api_as(participant)
    payload = {"title": "Week three", "client_id": str(uuid.uuid4())}
    api.post(f"/spaces/{group_space.pk}/threads", payload)
    assert api.post(f"/spaces/{group_space.pk}/threads", payload).status_code == 200
    assert Thread.objects.count() == 1


def test_thread_start_reusing_a_client_id_with_another_title_is_refused(
    api_as: ApiFor, participant: User, group_space: Space
) -> None:
    api = api_as(participant)
    client_id = str(uuid.uuid4())
    api.post(f"/spaces/{group_space.pk}/threads", {"title": "Week three", "client_id": client_id})
    response = api.post(
        f"/spaces/{group_space.pk}/threads", {"title": "Week four", "client_id": client_id}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("client_id_reused", "client_id")
    assert Thread.objects.count() == 1


def test_reusing_a_client_id_with_another_body_is_refused(
    api_as: ApiFor, participant: User, thread: Thread
) -> None:
    api = api_as(participant)
    client_id = str(uuid.uuid4())
    api.post(f"/threads/{thread.pk}/messages", {"body": "First try", "client_id": client_id})
    response = api.post(
        f"/threads/{thread.pk}/messages", {"body": "Something else", "client_id": client_id}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "client_id_reused"
    assert "First try" not in response.content.decode()
    assert Message.objects.count() == 1


def test_reused_client_id_never_returns_a_message_from_a_space_no_longer_seen(
    api_as: ApiFor, participant: User, thread: Thread, other_group_space: Space
) -> None:
    # A message under this id sits in a space the person cannot see now.
    client_id = uuid.uuid4()
    elsewhere = Thread.objects.create(space=other_group_space, title="Old group")
    Message.objects.create(
        space=other_group_space,
        thread=elsewhere,
        author=participant,
        client_id=client_id,
        body="Said in the old group",
    )
    response = api_as(participant).post(
        f"/threads/{thread.pk}/messages",
        {"body": "Said in the old group", "client_id": str(client_id)},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "client_id_reused"
    assert "old group" not in response.content.decode()


def test_reply_to_a_hidden_message_is_refused(
    api_as: ApiFor, participant: User, groupmate: User, thread: Thread
) -> None:
    parent = say(thread, groupmate, "hidden later")
    Message.objects.filter(pk=parent.pk).update(hidden_at=timezone.now())
    response = api_as(participant).post(
        f"/threads/{thread.pk}/messages",
        {"body": "reply", "client_id": str(uuid.uuid4()), "parent_id": parent.pk},
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "parent_id"
    assert Message.objects.count() == 1


def test_edit_delete_and_who_may(
    api_as: ApiFor, participant: User, groupmate: User, thread: Thread
) -> None:
    message = say(thread, participant, "First")
    refused = api_as(groupmate).patch(f"/messages/{message.pk}", {"body": "Hijack"})
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "not_author"
    edited = api_as(participant).patch(f"/messages/{message.pk}", {"body": "Second"})
    assert edited.status_code == 200
    assert edited.json()["body"] == "Second"
    assert edited.json()["edited_at"] is not None
    assert api_as(groupmate).delete(f"/messages/{message.pk}").status_code == 422
    assert api_as(participant).delete(f"/messages/{message.pk}").status_code == 204
    (shown,) = api_as(groupmate).get(f"/threads/{thread.pk}/messages").json()["items"]
    assert shown["deleted"] is True
    assert shown["body"] == ""
    assert shown["html"] == ""


def test_reactions_toggle(
    api_as: ApiFor, participant: User, groupmate: User, thread: Thread
) -> None:
    message = say(thread, participant, "Ninety days")
    api = api_as(groupmate)
    on = api.post(f"/messages/{message.pk}/reactions", {"kind": "clap"}).json()
    assert on == {"message_id": message.pk, "counts": {"clap": 1}, "my_reactions": ["clap"]}
    off = api.post(f"/messages/{message.pk}/reactions", {"kind": "clap"}).json()
    assert off == {"message_id": message.pk, "counts": {}, "my_reactions": []}
    bad = api.post(f"/messages/{message.pk}/reactions", {"kind": "poop"})
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "kind"


def test_events_resume_after_a_position(
    api_as: ApiFor, participant: User, groupmate: User, thread: Thread
) -> None:
    first = say(thread, participant, "one")
    say(thread, participant, "two")
    api = api_as(groupmate)
    body = api.get(f"/spaces/{thread.space_id}/events?after=1").json()
    assert body["stream"] == f"space.{thread.space_id}"
    assert body["more"] is False
    assert [(e["position"], e["kind"]) for e in body["events"]] == [(2, "message.new")]
    assert body["events"][0]["payload"]["html"] == "<p>two</p>\n"
    assert "email" not in str(body)
    assert api.get(f"/spaces/{thread.space_id}/events?after=2").json()["events"] == []
    detail = api.get(f"/spaces/{thread.space_id}").json()
    assert detail["position"] == 2
    assert detail["moderator"] is False
    assert first.pk


def test_events_position_must_not_be_negative(
    api_as: ApiFor, participant: User, thread: Thread
) -> None:
    response = api_as(participant).get(f"/spaces/{thread.space_id}/events?after=-1")
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "after"
