"""The badge "Peer mentor, not a licensed therapist" next to an active
mentor's name wherever others see it, and next to nobody else's."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client

from commonroom.accounts.models import User
from commonroom.care.models import Program, TherapyGroup
from commonroom.peers.mentors import actions
from commonroom.peers.mentors.models import MentorProfile, Mentorship
from commonroom.spaces import actions as space_actions

pytestmark = pytest.mark.django_db

BADGE = "Peer mentor, not a licensed therapist"


def _render(user_id: int) -> str:
    return Template("{% load mentors %}{% mentor_badge uid %}").render(Context({"uid": user_id}))


def test_the_tag_shows_for_an_active_mentor_only(
    mentor_profile: MentorProfile, mentor: User, participant: User, alumnus: User, admin: User
) -> None:
    assert BADGE in _render(mentor.pk)
    for person in (participant, alumnus, admin):
        assert BADGE not in _render(person.pk)


def test_the_badge_goes_when_the_mentor_pauses(mentor_profile: MentorProfile, mentor: User) -> None:
    actions.do_pause_mentor(profile=mentor_profile, by=mentor)
    assert BADGE not in _render(mentor.pk)


def test_badge_on_the_mentors_messages_and_not_on_the_mentees(
    participant_client: Client, participant: User, mentor: User, mentorship: Mentorship
) -> None:
    space = mentorship.space
    thread = space_actions.do_create_thread(space=space, author=mentor, title="Welcome")
    for author, text in ((mentor, "Hi, glad to meet you"), (participant, "Hi!")):
        space_actions.do_post_message(
            space=space, author=author, body=text, client_id=uuid.uuid4(), thread=thread
        )
    page = participant_client.get(f"/threads/{thread.pk}/").content.decode()
    # The page also carries the badge inside the template for live messages.
    html, live_template = page.split('<template id="message-template">')
    assert BADGE in live_template
    assert html.count(BADGE) == 1
    jo = html.index('<span class="message-author">Jo</span>')
    assert BADGE in html[jo : jo + 200]
    sam = html.index('<span class="message-author">Sam</span>')
    assert BADGE not in html[sam : sam + 200]


def test_badge_on_the_person_page_and_api(
    mentor_profile: MentorProfile,
    mentor: User,
    admin_client: Client,
    admin: User,
    api_as: Any,
    participant: User,
) -> None:
    assert BADGE in admin_client.get(f"/people/{mentor.pk}/").content.decode()
    assert api_as(admin).get(f"/people/{mentor.pk}").json()["badge"] == BADGE
    assert BADGE not in admin_client.get(f"/people/{participant.pk}/").content.decode()
    assert "badge" not in api_as(admin).get(f"/people/{participant.pk}").json()


def test_badge_on_the_group_roster(
    alumnus: User,
    participant: User,
    program: Program,
    group: TherapyGroup,
    admin: User,
    facilitator_client: Client,
) -> None:
    from tests.peers.mentors.conftest import make_active_mentor

    make_active_mentor(alumnus, program, admin)
    html = facilitator_client.get(f"/groups/{group.pk}/").content.decode()
    andre = html.index("Andre")
    assert BADGE in html[andre : andre + 200]
    sam = html.index("Sam")
    assert BADGE not in html[sam : sam + 120]


def test_badge_on_the_mentorship_and_my_mentor_pages(
    participant_client: Client, mentorship: Mentorship
) -> None:
    assert BADGE in participant_client.get(f"/mentorships/{mentorship.pk}/").content.decode()
    assert BADGE in participant_client.get("/my-mentor/").content.decode()


def test_thread_page_reads_the_mentor_set_once(
    participant_client: Client,
    participant: User,
    mentor: User,
    mentorship: Mentorship,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    space = mentorship.space
    thread = space_actions.do_create_thread(space=space, author=mentor, title="Welcome")
    for i in range(6):
        space_actions.do_post_message(
            space=space,
            author=mentor if i % 2 else participant,
            body=f"note {i}",
            client_id=uuid.uuid4(),
            thread=thread,
        )
    with CaptureQueriesContext(connection) as captured:
        participant_client.get(f"/threads/{thread.pk}/")
    role_reads = [q for q in captured.captured_queries if "peer_mentor" in q["sql"]]
    assert len(role_reads) == 1


def _post(space: Any, thread: Any, author: User, text: str, *, as_alias: bool = False) -> None:
    space_actions.do_post_message(
        space=space,
        author=author,
        body=text,
        client_id=uuid.uuid4(),
        thread=thread,
        as_alias=as_alias,
    )


def _authors(stream: str) -> list[dict[str, Any]]:
    from commonroom.realtime import events

    return [e.payload["author"] for e in events.since(stream, 0) if e.kind == "message.new"]


def test_live_messages_carry_the_badge_of_an_active_mentor_only(
    participant: User, mentor: User, mentorship: Mentorship, mentor_profile: MentorProfile
) -> None:
    space = mentorship.space
    thread = space_actions.do_create_thread(space=space, author=mentor, title="Welcome")
    _post(space, thread, mentor, "Hi, glad to meet you")
    _post(space, thread, participant, "Hi!")
    actions.do_pause_mentor(profile=mentor_profile, by=mentor)
    _post(space, thread, mentor, "Back next week")
    assert _authors(space.stream_key) == [
        {"name": "Jo", "alias": False, "peer_mentor": True},
        {"name": "Sam", "alias": False, "peer_mentor": False},
        {"name": "Jo", "alias": False, "peer_mentor": False},
    ]


def test_an_alias_post_never_carries_the_badge(
    api_as: Any, mentor: User, mentor_profile: MentorProfile, program: Program
) -> None:
    from commonroom.spaces.models import Space, SpaceScope

    space = Space.objects.filter(program=program, scope=SpaceScope.ALUMNI).first()
    assert space is not None
    Space.objects.filter(pk=space.pk).update(allow_alias=True)
    space.refresh_from_db()
    thread = space_actions.do_create_thread(space=space, author=mentor, title="Stories")
    _post(space, thread, mentor, "Under my own name")
    _post(space, thread, mentor, "Under an alias", as_alias=True)
    live = _authors(space.stream_key)
    assert [a["peer_mentor"] for a in live] == [True, False]
    assert [a["alias"] for a in live] == [False, True]
    listed = api_as(mentor).get(f"/threads/{thread.pk}/messages").json()["items"]
    assert [m["author"]["peer_mentor"] for m in listed] == [True, False]


def test_the_message_api_marks_the_mentors_messages(
    api_as: Any, participant: User, mentor: User, mentorship: Mentorship
) -> None:
    space = mentorship.space
    thread = space_actions.do_create_thread(space=space, author=mentor, title="Welcome")
    _post(space, thread, mentor, "Hi, glad to meet you")
    _post(space, thread, participant, "Hi!")
    listed = api_as(participant).get(f"/threads/{thread.pk}/messages").json()["items"]
    assert [(m["author"]["name"], m["author"]["peer_mentor"]) for m in listed] == [
        ("Jo", True),
        ("Sam", False),
    ]
    edited = api_as(mentor).patch(f"/messages/{listed[0]['id']}", {"body": "Hi, glad you're here"})
    assert edited.json()["author"]["peer_mentor"] is True


def test_badge_next_to_a_gathering_host_who_mentors(
    mentor: User, mentor_profile: MentorProfile, alumnus: User, admin: User, program: Program
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from commonroom.gatherings.actions import do_create_gathering
    from tests.conftest import signed_in_client

    gathering = do_create_gathering(
        program=program,
        created_by=admin,
        fields={
            "title": "Game night",
            "audience": "alumni",
            "kind": "social",
            "starts_at": timezone.now() + timedelta(days=3),
            "duration_minutes": 90,
            "host_id": mentor.pk,
        },
    )
    html = signed_in_client(alumnus).get(f"/gatherings/{gathering.pk}/").content.decode()
    host = html.index("<dd>Jo ")
    assert BADGE in html[host : host + 200]
