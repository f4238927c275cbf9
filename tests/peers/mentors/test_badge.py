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
    html = participant_client.get(f"/threads/{thread.pk}/").content.decode()
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
