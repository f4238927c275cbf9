"""The peer space pages: who sees what, posting, refusals that leave nothing
written, alias authors, edits and reactions, and the thread page's query count."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commonroom.accounts.models import User
from commonroom.care.actions import do_change_phase, do_publish_agreement
from commonroom.care.models import Program
from commonroom.spaces import actions
from commonroom.spaces.models import (
    MESSAGE_MAX_CHARS,
    Event,
    Message,
    MessageRevision,
    Reaction,
    Space,
    Thread,
)

pytestmark = pytest.mark.django_db

DENIED = ["outsider", "other_facilitator", "alumnus"]


def post(client: Client, thread: Thread, body: str, *, client_id: Any = None, **extra: Any) -> Any:
    data = {"body": body, "client_id": str(client_id or uuid.uuid4()), **extra}
    return client.post(f"/threads/{thread.pk}/messages/", data)


def say(thread: Thread, author: User, body: str, **extra: Any) -> Message:
    message, _created = actions.do_post_message(
        space=thread.space,
        author=author,
        body=body,
        client_id=uuid.uuid4(),
        thread=thread,
        **extra,
    )
    return message


def nothing_written() -> None:
    assert Message.objects.count() == 0
    assert Event.objects.filter(kind="message.new").count() == 0


# --- who sees what --------------------------------------------------------------------


def test_participant_sees_their_spaces_with_unread_and_mention_badges(
    participant_client: Client,
    groupmate: User,
    thread: Thread,
    program_space: Space,
    other_group_space: Space,
) -> None:
    say(thread, groupmate, "Thinking of you @Sam")
    say(thread, groupmate, "And everyone else")
    html = participant_client.get("/spaces/").content.decode()
    assert "Group A · General" in html
    assert "Whole program" in html
    assert "Group B · General" not in html
    assert 'data-unread="2"' in html
    assert 'data-mentions="1"' in html


def test_visiting_a_thread_marks_the_space_read(
    participant_client: Client, groupmate: User, thread: Thread
) -> None:
    say(thread, groupmate, "Hello")
    assert 'data-unread="1"' in participant_client.get("/spaces/").content.decode()
    assert participant_client.get(f"/threads/{thread.pk}/").status_code == 200
    assert "data-unread" not in participant_client.get("/spaces/").content.decode()


@pytest.mark.parametrize("viewer", ["participant", "groupmate", "facilitator", "admin"])
def test_members_and_staff_read_the_group_thread(
    request: pytest.FixtureRequest, viewer: str, thread: Thread, participant: User
) -> None:
    say(thread, participant, "A good week")
    client: Client = request.getfixturevalue(f"{viewer}_client")
    assert client.get(f"/spaces/{thread.space_id}/").status_code == 200
    response = client.get(f"/threads/{thread.pk}/")
    assert response.status_code == 200
    assert "A good week" in response.content.decode()


@pytest.mark.parametrize("viewer", DENIED)
def test_others_cannot_read_post_or_react_in_a_group_space(
    request: pytest.FixtureRequest, viewer: str, thread: Thread, participant: User
) -> None:
    message = say(thread, participant, "Only for group A")
    client: Client = request.getfixturevalue(f"{viewer}_client")
    for url in (
        f"/spaces/{thread.space_id}/",
        f"/threads/{thread.pk}/",
        f"/threads/{thread.pk}/live/",
        f"/messages/{message.pk}/edit/",
        f"/messages/{message.pk}/history/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Only for group A" not in response.content.decode()
    assert "Group A" not in client.get("/spaces/").content.decode()
    assert post(client, thread, "let me in").status_code == 404
    assert client.post(f"/spaces/{thread.space_id}/threads/", {"title": "x"}).status_code == 404
    react = client.post(f"/messages/{message.pk}/reactions/", {"kind": "heart"})
    assert react.status_code == 404
    assert client.post(f"/messages/{message.pk}/delete/").status_code == 404
    assert Message.objects.count() == 1
    assert Thread.objects.count() == 1
    assert not Reaction.objects.exists()
    assert Message.objects.get().deleted_at is None


def test_anonymous_is_sent_to_sign_in(anonymous_client: Client, thread: Thread) -> None:
    for url in ("/spaces/", f"/spaces/{thread.space_id}/", f"/threads/{thread.pk}/"):
        response = anonymous_client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    response = post(anonymous_client, thread, "hello")
    assert response.status_code == 302
    assert not Message.objects.exists()


def test_alumnus_loses_the_group_space_on_completion(
    participant: User, participant_client: Client, admin: User, thread: Thread
) -> None:
    assert participant_client.get(f"/threads/{thread.pk}/").status_code == 200
    do_change_phase(
        enrollment_id=participant.enrollments.get().pk,
        to_phase="completed",
        reason="Finished the program",
        changed_by=admin,
    )
    assert participant_client.get(f"/threads/{thread.pk}/").status_code == 404
    assert post(participant_client, thread, "still here?").status_code == 404
    assert not Message.objects.exists()


def test_alumnus_keeps_the_alumni_space(alumnus_client: Client, alumni_space: Space) -> None:
    assert alumnus_client.get(f"/spaces/{alumni_space.pk}/").status_code == 200


def test_participant_without_the_agreement_is_sent_to_it(
    participant_client: Client, program: Program, admin: User, thread: Thread
) -> None:
    do_publish_agreement(
        program=program, body="We keep what is shared here private.", published_by=admin
    )
    response = participant_client.get(f"/threads/{thread.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/programs/{program.pk}/agreement/?next=/threads/{thread.pk}/"
    assert post(participant_client, thread, "hi").status_code == 302
    assert not Message.objects.exists()


# --- posting -------------------------------------------------------------------------


def test_participant_posts_and_the_groupmate_reads_it(
    participant_client: Client, groupmate_client: Client, thread: Thread
) -> None:
    response = post(participant_client, thread, "Day **12**, feeling steady")
    message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/threads/{thread.pk}/#message-{message.pk}"
    html = groupmate_client.get(f"/threads/{thread.pk}/").content.decode()
    assert "Day <strong>12</strong>, feeling steady" in html


def test_thread_page_carries_stream_position_and_a_fresh_client_id(
    participant_client: Client, participant: User, thread: Thread
) -> None:
    say(thread, participant, "one")
    html = participant_client.get(f"/threads/{thread.pk}/").content.decode()
    assert f'data-stream="space.{thread.space_id}"' in html
    assert 'data-position="1"' in html
    assert 'name="client_id" value="' in html
    assert 'src="/static/commonroom/spaces.js"' in html


def test_retried_post_with_the_same_client_id_is_stored_once(
    participant_client: Client, thread: Thread
) -> None:
    client_id = uuid.uuid4()
    first = post(participant_client, thread, "Only once", client_id=client_id)
    second = post(participant_client, thread, "Only once", client_id=client_id)
    assert first["Location"] == second["Location"]
    assert Message.objects.count() == 1
    assert Event.objects.filter(kind="message.new").count() == 1


def test_htmx_post_returns_a_fresh_form_and_the_messages(
    participant_client: Client, thread: Thread
) -> None:
    client_id = uuid.uuid4()
    response = participant_client.post(
        f"/threads/{thread.pk}/messages/",
        {"body": "Via htmx", "client_id": str(client_id)},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="post-form"' in html
    assert str(client_id) not in html.split('id="thread-messages"')[0]
    assert 'hx-swap-oob="true"' in html
    assert "Via htmx" in html
    assert "X-Commonroom-Refused" not in response


def test_oversize_message_is_refused_clearly_and_nothing_is_written(
    participant_client: Client, thread: Thread
) -> None:
    body = "x" * (MESSAGE_MAX_CHARS + 1)
    response = post(participant_client, thread, body)
    assert response.status_code == 422
    html = response.content.decode()
    assert f"A message can be at most {MESSAGE_MAX_CHARS} characters" in html
    assert body in html  # what they wrote is kept in the form
    nothing_written()


def test_refused_htmx_post_keeps_the_text_and_says_so(
    participant_client: Client, thread: Thread
) -> None:
    response = participant_client.post(
        f"/threads/{thread.pk}/messages/",
        {"body": "x" * (MESSAGE_MAX_CHARS + 1), "client_id": str(uuid.uuid4())},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response["X-Commonroom-Refused"] == "1"
    assert "A message can be at most" in response.content.decode()
    nothing_written()


def test_script_markup_is_rendered_safely(
    participant_client: Client, groupmate_client: Client, thread: Thread
) -> None:
    post(participant_client, thread, '<script>alert("x")</script> [link](javascript:alert(1)) *ok*')
    html = groupmate_client.get(f"/threads/{thread.pk}/").content.decode()
    assert '<script>alert("x")' not in html
    assert 'href="javascript' not in html
    assert "&lt;script&gt;" in html
    assert "<em>ok</em>" in html


def test_mention_of_someone_outside_the_space_is_refused(
    participant_client: Client, outsider: User, thread: Thread
) -> None:
    response = post(participant_client, thread, "Hey @Riley, come see")
    assert response.status_code == 422
    assert "Nobody called @riley is in this space." in response.content.decode()
    nothing_written()


def test_post_to_a_locked_thread_is_refused(participant_client: Client, thread: Thread) -> None:
    Thread.objects.filter(pk=thread.pk).update(locked_at=timezone.now())
    response = post(participant_client, thread, "Anyone?")
    assert response.status_code == 422
    assert "This thread is locked" in response.content.decode()
    nothing_written()


def test_post_without_a_client_id_is_refused(participant_client: Client, thread: Thread) -> None:
    response = participant_client.post(f"/threads/{thread.pk}/messages/", {"body": "hi"})
    assert response.status_code == 422
    assert "reload the page" in response.content.decode()
    nothing_written()


def test_reply_to_a_message_of_another_thread_is_refused(
    participant_client: Client, participant: User, thread: Thread, group_space: Space
) -> None:
    elsewhere = Thread.objects.create(space=group_space, title="Other")
    parent = say(elsewhere, participant, "over there")
    response = post(participant_client, thread, "reply", parent=str(parent.pk))
    assert response.status_code == 422
    assert Message.objects.count() == 1


def test_new_thread_with_an_oversize_first_message_leaves_no_thread(
    participant_client: Client, group_space: Space
) -> None:
    response = participant_client.post(
        f"/spaces/{group_space.pk}/threads/",
        {
            "title": "Week two",
            "body": "y" * (MESSAGE_MAX_CHARS + 1),
            "client_id": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 422
    assert "A message can be at most" in response.content.decode()
    assert not Thread.objects.exists()
    nothing_written()


def test_new_thread_with_a_first_message(participant_client: Client, group_space: Space) -> None:
    response = participant_client.post(
        f"/spaces/{group_space.pk}/threads/",
        {"title": "Week two", "body": "Starting strong", "client_id": str(uuid.uuid4())},
    )
    thread = Thread.objects.get()
    assert response["Location"] == f"/threads/{thread.pk}/"
    assert thread.messages.get().body == "Starting strong"


def test_resent_new_thread_form_makes_one_thread(
    participant_client: Client, group_space: Space
) -> None:
    data = {"title": "Week two", "body": "Starting strong", "client_id": str(uuid.uuid4())}
    first = participant_client.post(f"/spaces/{group_space.pk}/threads/", data)
    second = participant_client.post(f"/spaces/{group_space.pk}/threads/", data)
    thread = Thread.objects.get()
    assert first["Location"] == second["Location"] == f"/threads/{thread.pk}/"
    assert thread.messages.count() == 1


def test_reply_to_a_hidden_message_is_refused(
    participant_client: Client, groupmate: User, thread: Thread
) -> None:
    parent = say(thread, groupmate, "hidden later")
    Message.objects.filter(pk=parent.pk).update(hidden_at=timezone.now())
    response = post(participant_client, thread, "reply", parent=str(parent.pk))
    assert response.status_code == 422
    assert "The message you replied to is not in this thread." in response.content.decode()
    assert Message.objects.count() == 1


# --- aliases, edits, deletes, reactions -------------------------------------------------


def test_staff_see_alias_authors_and_peers_do_not(
    participant: User,
    groupmate_client: Client,
    facilitator_client: Client,
    thread: Thread,
) -> None:
    message = say(thread, participant, "Hard day", as_alias=True)
    alias = actions.alias_for(thread.space, participant.pk)
    peer_html = groupmate_client.get(f"/threads/{thread.pk}/").content.decode()
    assert alias in peer_html
    assert "posted by" not in peer_html
    assert ">Sam<" not in peer_html
    staff_html = facilitator_client.get(f"/threads/{thread.pk}/").content.decode()
    assert alias in staff_html
    assert "posted by Sam" in staff_html
    assert message.pk


def test_alias_post_in_the_page(
    participant_client: Client, participant: User, thread: Thread
) -> None:
    post(participant_client, thread, "Quietly", as_alias="on")
    assert Message.objects.get().as_alias is True


def test_author_edits_and_moderators_see_the_history(
    participant: User,
    participant_client: Client,
    groupmate_client: Client,
    facilitator_client: Client,
    thread: Thread,
) -> None:
    message = say(thread, participant, "First words")
    assert participant_client.get(f"/messages/{message.pk}/edit/").status_code == 200
    response = participant_client.post(f"/messages/{message.pk}/edit/", {"body": "Better words"})
    assert response.status_code == 302
    assert MessageRevision.objects.get().body == "First words"
    history_link = f"/messages/{message.pk}/history/"
    assert history_link in facilitator_client.get(f"/threads/{thread.pk}/").content.decode()
    peer_html = groupmate_client.get(f"/threads/{thread.pk}/").content.decode()
    assert history_link not in peer_html
    assert "Better words" in peer_html
    assert groupmate_client.get(history_link).status_code == 404
    staff_history = facilitator_client.get(history_link).content.decode()
    assert "First words" in staff_history


def test_oversize_edit_is_refused_and_the_text_stays(
    participant: User, participant_client: Client, thread: Thread
) -> None:
    message = say(thread, participant, "Keep me")
    response = participant_client.post(
        f"/messages/{message.pk}/edit/", {"body": "z" * (MESSAGE_MAX_CHARS + 1)}
    )
    assert response.status_code == 422
    assert "A message can be at most" in response.content.decode()
    message.refresh_from_db()
    assert message.body == "Keep me"
    assert not MessageRevision.objects.exists()


def test_peer_cannot_edit_or_delete_anothers_message(
    participant: User, groupmate_client: Client, thread: Thread
) -> None:
    message = say(thread, participant, "Mine")
    assert groupmate_client.get(f"/messages/{message.pk}/edit/").status_code == 404
    assert groupmate_client.post(f"/messages/{message.pk}/edit/", {"body": "x"}).status_code == 404
    assert groupmate_client.post(f"/messages/{message.pk}/delete/").status_code == 404
    message.refresh_from_db()
    assert message.body == "Mine"
    assert message.deleted_at is None


def test_author_deletes_their_message(
    participant: User, participant_client: Client, groupmate_client: Client, thread: Thread
) -> None:
    message = say(thread, participant, "Oops")
    assert participant_client.post(f"/messages/{message.pk}/delete/").status_code == 302
    html = groupmate_client.get(f"/threads/{thread.pk}/").content.decode()
    assert "Oops" not in html
    assert "This message was deleted." in html


def test_reaction_toggles_with_counts(
    participant: User, groupmate_client: Client, thread: Thread
) -> None:
    message = say(thread, participant, "Thirty days")
    url = f"/messages/{message.pk}/reactions/"
    response = groupmate_client.post(url, {"kind": "clap"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert f'id="reactions-{message.pk}"' in html
    assert 'data-kind="clap" aria-pressed="true"' in html
    assert '<span class="count">1</span>' in html
    groupmate_client.post(url, {"kind": "clap"})
    assert not Reaction.objects.exists()


def test_unknown_reaction_is_refused(
    participant: User, groupmate_client: Client, thread: Thread
) -> None:
    message = say(thread, participant, "Hi")
    response = groupmate_client.post(
        f"/messages/{message.pk}/reactions/", {"kind": "poop"}, headers={"HX-Request": "true"}
    )
    assert "That reaction is not one we offer." in response.content.decode()
    assert not Reaction.objects.exists()


# --- polling fallback and query count ----------------------------------------------------


def test_live_partial_answers_204_when_nothing_is_new(
    participant: User, groupmate_client: Client, thread: Thread
) -> None:
    say(thread, participant, "One")
    url = f"/threads/{thread.pk}/live/"
    assert groupmate_client.get(url, {"after": "1"}).status_code == 204
    say(thread, participant, "Two")
    response = groupmate_client.get(url, {"after": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Two" in html
    assert 'data-position="2"' in html


def _thread_page_queries(client: Client, thread: Thread) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/threads/{thread.pk}/")
    assert response.status_code == 200
    return len(captured)


def test_thread_page_query_count_stays_constant_as_messages_grow(
    django_assert_num_queries: Any,
    participant: User,
    groupmate: User,
    groupmate_client: Client,
    thread: Thread,
) -> None:
    def grow_to(total: int) -> None:
        while thread.messages.count() < total:
            parent = thread.messages.last()
            message = say(
                thread, participant, "note @Lucia", as_alias=total % 2 == 0, parent=parent
            )
            actions.do_toggle_reaction(message=message, user=groupmate, kind="heart")

    grow_to(10)
    _thread_page_queries(groupmate_client, thread)  # warm the session and read mark
    with_ten = _thread_page_queries(groupmate_client, thread)
    grow_to(50)
    _thread_page_queries(groupmate_client, thread)
    with django_assert_num_queries(with_ten):
        groupmate_client.get(f"/threads/{thread.pk}/")


def _space_page_queries(client: Client, space_id: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/spaces/{space_id}/")
    assert response.status_code == 200
    return len(captured)


def test_space_page_query_count_stays_constant_as_messages_and_threads_grow(
    django_assert_num_queries: Any,
    participant: User,
    groupmate: User,
    groupmate_client: Client,
    thread: Thread,
) -> None:
    """The space page lists threads with their latest activity and unread
    counts: more messages and more threads must not mean more queries."""

    def grow_to(threads: int, messages: int) -> None:
        while Thread.objects.filter(space=thread.space).count() < threads:
            Thread.objects.create(space=thread.space, title="Another week", created_by=participant)
        for each in Thread.objects.filter(space=thread.space):
            while each.messages.count() < messages:
                message = say(each, participant, "note @Lucia", as_alias=messages % 2 == 0)
                actions.do_toggle_reaction(message=message, user=groupmate, kind="heart")

    grow_to(threads=2, messages=3)
    _space_page_queries(groupmate_client, thread.space_id)  # warm the session and read marks
    with_few = _space_page_queries(groupmate_client, thread.space_id)
    grow_to(threads=6, messages=12)
    _space_page_queries(groupmate_client, thread.space_id)
    with django_assert_num_queries(with_few):
        groupmate_client.get(f"/spaces/{thread.space_id}/")
