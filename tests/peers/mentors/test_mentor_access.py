"""Who may see and do what, from the outside, as every persona, over HTML
and the API. The done-when of issue 6 item 3: a mentor sees only what the
mentee shared (the mentorship space), nothing else of the mentee."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from commonroom.accounts.models import User
from commonroom.care.models import Program, TherapyGroup
from commonroom.peers.mentors import actions
from commonroom.peers.mentors.models import MentorProfile, Mentorship
from commonroom.spaces import access as space_access
from commonroom.spaces import actions as space_actions
from commonroom.spaces.checkins import do_check_in
from commonroom.spaces.models import Space, SpaceKind

pytestmark = pytest.mark.django_db

PERSONAS = [
    "participant",
    "groupmate",
    "outsider",
    "facilitator",
    "other_facilitator",
    "mentor",
    "alumnus",
    "admin",
]
# Who sees a current mentorship (and its space): the two of them, the
# mentee's facilitator and the program's admin.
SEES_MENTORSHIP = {"participant", "mentor", "facilitator", "admin"}
PROGRAM_ADMINS = {"admin"}


def _say(space: Space, author: User, text: str) -> None:
    thread = space_actions.do_create_thread(space=space, author=author, title="Hello")
    space_actions.do_post_message(
        space=space, author=author, body=text, client_id=uuid.uuid4(), thread=thread
    )


# --- the mentorship page and its space -------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_mentorship_page_over_html(
    request: pytest.FixtureRequest, persona: str, mentorship: Mentorship
) -> None:
    client: Client = request.getfixturevalue(f"{persona}_client")
    response = client.get(f"/mentorships/{mentorship.pk}/")
    assert response.status_code == (200 if persona in SEES_MENTORSHIP else 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_mentorship_over_api(
    request: pytest.FixtureRequest, api_as: Any, persona: str, mentorship: Mentorship
) -> None:
    api = api_as(request.getfixturevalue(persona))
    response = api.get(f"/mentors/mentorships/{mentorship.pk}")
    assert response.status_code == (200 if persona in SEES_MENTORSHIP else 404)
    if persona == "mentor":
        assert response.json()["reasons"] is None  # why they matched rests on the mentee's data
    if persona == "participant":
        assert response.json()["mentor"]["badge"] == "Peer mentor, not a licensed therapist"


@pytest.mark.parametrize("persona", PERSONAS)
def test_mentorship_space_is_seen_by_exactly_its_people(
    request: pytest.FixtureRequest, persona: str, mentorship: Mentorship
) -> None:
    viewer = request.getfixturevalue(persona)
    expected = persona in SEES_MENTORSHIP
    listed = set(space_access.spaces_visible_to(viewer).values_list("pk", flat=True))
    assert (mentorship.space_id in listed) is expected
    assert space_access.can_see(viewer, mentorship.space_id) is expected
    assert (viewer.pk in space_access.member_ids(mentorship.space)) is expected
    client: Client = request.getfixturevalue(f"{persona}_client")
    assert client.get(f"/spaces/{mentorship.space_id}/").status_code == (200 if expected else 404)


def test_the_mentorship_space_says_who_can_read_it(
    participant_client: Client, mentorship: Mentorship
) -> None:
    html = participant_client.get(f"/spaces/{mentorship.space_id}/").content.decode()
    assert "can read and moderate it" in html


def test_anonymous_is_refused_everywhere(anonymous_client: Client, mentorship: Mentorship) -> None:
    for path in (
        f"/mentorships/{mentorship.pk}/",
        "/mentoring/",
        "/my-mentor/",
        f"/mentoring/profiles/{mentorship.mentor_profile_id}/",
        f"/programs/{mentorship.program_id}/mentors/",
        f"/programs/{mentorship.program_id}/mentors/matching/",
        "/flags/",
    ):
        response = anonymous_client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/")
    for path in (
        f"/api/v1/mentors/mentorships/{mentorship.pk}",
        "/api/v1/mentors/me",
        "/api/v1/mentors/mentorships",
        "/api/v1/mentors/requests",
        f"/api/v1/mentors/programs/{mentorship.program_id}/roster",
        "/api/v1/flags",
    ):
        assert anonymous_client.get(path).status_code == 401, path


# --- the mentor sees only what the mentee shared -----------------------------------------


def test_mentor_reads_what_the_mentee_shared_in_their_space(
    mentor_client: Client, participant: User, mentorship: Mentorship, api_as: Any, mentor: User
) -> None:
    _say(mentorship.space, participant, "Rough evening, but I went to a meeting.")
    thread = mentorship.space.threads.get()
    html = mentor_client.get(f"/threads/{thread.pk}/").content.decode()
    assert "Rough evening, but I went to a meeting." in html
    messages = api_as(mentor).get(f"/threads/{thread.pk}/messages").json()["items"]
    assert "Rough evening" in str(messages)


def test_mentor_cannot_read_the_mentees_group_spaces_or_checkins(
    mentor_client: Client,
    mentor: User,
    participant: User,
    group: TherapyGroup,
    program: Program,
    mentorship: Mentorship,
    api_as: Any,
) -> None:
    checkin, _created = do_check_in(
        user=participant,
        program=program,
        mood=4,
        craving=6,
        sleep_hours=Decimal("5"),
        note="Shared with my group only",
        audience="group",
        client_id=uuid.uuid4(),
    )
    assert checkin.message_id is not None
    group_spaces = Space.objects.filter(group=group)
    assert group_spaces.exists()
    for space in group_spaces:
        assert mentor_client.get(f"/spaces/{space.pk}/").status_code == 404
        assert not space_access.can_see(mentor, space.pk)
    thread_id = checkin.message.thread_id  # type: ignore[union-attr]
    assert mentor_client.get(f"/threads/{thread_id}/").status_code == 404
    api = api_as(mentor)
    assert api.get(f"/threads/{thread_id}/messages").status_code == 404
    assert api.get(f"/groups/{group.pk}/checkins").status_code == 404
    assert "Shared with my group only" not in mentor_client.get("/search/?q=group").content.decode()


def test_mentor_sees_no_profile_fields_of_the_mentee_beyond_name_and_pronouns(
    mentor_client: Client, mentor: User, participant: User, mentorship: Mentorship, api_as: Any
) -> None:
    assert mentor_client.get(f"/people/{participant.pk}/").status_code == 404
    assert api_as(mentor).get(f"/people/{participant.pk}").status_code == 404
    html = mentor_client.get(f"/mentorships/{mentorship.pk}/").content.decode()
    assert "Sam" in html
    assert "he/him" in html
    for private in ("Samuel Private", "participant@example.org", "Captions please"):
        assert private not in html
    body = api_as(mentor).get(f"/mentors/mentorships/{mentorship.pk}").json()
    assert set(body["mentee"]) <= {"id", "display_name", "pronouns", "badge"}
    assert "Why you were matched" not in html


def test_mentor_sees_no_flags_even_the_one_they_raised(
    mentor_client: Client, mentor: User, mentorship: Mentorship, api_as: Any
) -> None:
    response = mentor_client.post(
        f"/mentorships/{mentorship.pk}/concern/", {"kind": "wellbeing", "note": "Sounded low"}
    )
    assert response.status_code == 302
    assert mentor_client.get("/flags/").status_code == 404
    api = api_as(mentor)
    assert api.get("/flags").status_code == 404
    from commonroom.safety.models import Flag

    flag = Flag.objects.get()
    assert api.get(f"/flags/{flag.pk}").status_code == 404
    assert "Sounded low" not in mentor_client.get(f"/mentorships/{mentorship.pk}/").content.decode()


def test_pausing_the_mentor_removes_their_access_at_once(
    mentor_client: Client,
    participant_client: Client,
    mentor: User,
    mentor_profile: MentorProfile,
    mentorship: Mentorship,
) -> None:
    actions.do_pause_mentor(profile=mentor_profile, by=mentor)
    assert not space_access.can_see(mentor, mentorship.space_id)
    assert mentor_client.get(f"/spaces/{mentorship.space_id}/").status_code == 404
    assert mentor_client.get(f"/mentorships/{mentorship.pk}/").status_code == 404
    # The mentee keeps what they wrote.
    assert participant_client.get(f"/spaces/{mentorship.space_id}/").status_code == 200


def test_ending_removes_both_peers_and_keeps_staff(
    participant_client: Client,
    mentor_client: Client,
    facilitator_client: Client,
    mentorship: Mentorship,
) -> None:
    response = participant_client.post(f"/mentorships/{mentorship.pk}/end/")
    assert response.status_code == 302
    assert mentor_client.get(f"/spaces/{mentorship.space_id}/").status_code == 404
    assert participant_client.get(f"/spaces/{mentorship.space_id}/").status_code == 404
    assert facilitator_client.get(f"/spaces/{mentorship.space_id}/").status_code == 200


# --- refusals of the writing routes ----------------------------------------------------------


@pytest.mark.parametrize("persona", ["groupmate", "outsider", "other_facilitator", "alumnus"])
def test_outsiders_cannot_end_a_mentorship(
    request: pytest.FixtureRequest, persona: str, mentorship: Mentorship, api_as: Any
) -> None:
    client: Client = request.getfixturevalue(f"{persona}_client")
    assert client.post(f"/mentorships/{mentorship.pk}/end/").status_code == 404
    api = api_as(request.getfixturevalue(persona))
    assert api.post(f"/mentors/mentorships/{mentorship.pk}/end").status_code == 404
    mentorship.refresh_from_db()
    assert mentorship.ended_at is None


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "mentor"])
def test_only_the_mentor_can_raise_a_concern(
    request: pytest.FixtureRequest, persona: str, mentorship: Mentorship, api_as: Any
) -> None:
    client: Client = request.getfixturevalue(f"{persona}_client")
    response = client.post(f"/mentorships/{mentorship.pk}/concern/", {"kind": "safety"})
    assert response.status_code == 404
    api = api_as(request.getfixturevalue(persona))
    response = api.post(f"/mentors/mentorships/{mentorship.pk}/concern", {"kind": "safety"})
    assert response.status_code == 404
    from commonroom.safety.models import Flag

    assert not Flag.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_staff_pages_are_for_program_admins_only(
    request: pytest.FixtureRequest,
    persona: str,
    program: Program,
    mentorship: Mentorship,
    api_as: Any,
) -> None:
    client: Client = request.getfixturevalue(f"{persona}_client")
    expected = 200 if persona in PROGRAM_ADMINS else 404
    assert client.get(f"/programs/{program.pk}/mentors/").status_code == expected
    assert client.get(f"/programs/{program.pk}/mentors/matching/").status_code == expected
    api = api_as(request.getfixturevalue(persona))
    assert api.get(f"/mentors/programs/{program.pk}/roster").status_code == expected
    assert api.get(f"/mentors/programs/{program.pk}/matching").status_code == expected
    if persona not in PROGRAM_ADMINS:
        assert client.post(f"/programs/{program.pk}/mentors/matching/", {}).status_code == 404
        assert (
            api.post(f"/mentors/programs/{program.pk}/matching", {"fingerprint": "x"}).status_code
            == 404
        )
        assert (
            api.call(
                "put", f"/mentors/programs/{program.pk}/settings", {"step_down_may_apply": True}
            ).status_code
            == 404
        )


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_mentor_profile_is_seen_by_the_mentor_and_admins(
    request: pytest.FixtureRequest, persona: str, mentor_profile: MentorProfile, api_as: Any
) -> None:
    expected = 200 if persona in {"mentor", "admin"} else 404
    client: Client = request.getfixturevalue(f"{persona}_client")
    assert client.get(f"/mentoring/profiles/{mentor_profile.pk}/").status_code == expected
    api = api_as(request.getfixturevalue(persona))
    assert api.get(f"/mentors/profiles/{mentor_profile.pk}").status_code == expected


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p not in {"mentor", "admin"}])
def test_others_cannot_change_a_mentor(
    request: pytest.FixtureRequest, persona: str, mentor_profile: MentorProfile, api_as: Any
) -> None:
    client: Client = request.getfixturevalue(f"{persona}_client")
    base = f"/mentoring/profiles/{mentor_profile.pk}"
    for path, data in (
        (f"{base}/state/", {"to": "paused"}),
        (f"{base}/sign/", {"version": "1"}),
        (f"{base}/training/", {"topic": "boundaries", "completed_on": "2026-01-01"}),
        (f"{base}/training/confirm/", {"topic": "boundaries"}),
        (f"{base}/details/", {"max_mentees": "3", "languages": ["en"]}),
    ):
        assert client.post(path, data).status_code == 404, path
    api = api_as(request.getfixturevalue(persona))
    api_base = f"/mentors/profiles/{mentor_profile.pk}"
    assert api.post(f"{api_base}/state", {"to": "paused"}).status_code == 404
    assert api.post(f"{api_base}/sign", {"version": 1}).status_code == 404
    assert api.patch(api_base, {"max_mentees": 3}).status_code == 404
    mentor_profile.refresh_from_db()
    assert mentor_profile.state == "active"


def test_a_mentor_cannot_start_their_own_training(
    alumnus: User, alumnus_client: Client, program: Program
) -> None:
    profile = actions.do_apply_to_mentor(
        user=alumnus, program=program, motivation="", details={"languages": ["en"]}
    )
    response = alumnus_client.post(
        f"/mentoring/profiles/{profile.pk}/state/", {"to": "in_training"}
    )
    assert response.status_code == 404
    profile.refresh_from_db()
    assert profile.state == "applicant"


def test_a_mentor_may_pause_themselves_over_the_api(
    mentor: User, mentor_profile: MentorProfile, api_as: Any
) -> None:
    response = api_as(mentor).post(f"/mentors/profiles/{mentor_profile.pk}/state", {"to": "paused"})
    assert response.status_code == 200
    assert response.json()["state"] == "paused"


def test_a_request_is_withdrawn_only_by_its_mentee(
    participant: User, groupmate_client: Client, participant_client: Client, program: Program
) -> None:
    request = actions.do_request_mentor(
        mentee=participant, program=program, lived_experience_wanted=["alcohol"]
    )
    url = f"/my-mentor/requests/{request.pk}/withdraw/"
    assert groupmate_client.post(url).status_code == 404
    assert participant_client.post(url).status_code == 302
    request.refresh_from_db()
    assert request.status == "withdrawn"


def test_every_signed_in_persona_can_open_their_own_mentor_pages(
    request: pytest.FixtureRequest,
) -> None:
    for persona in PERSONAS:
        client: Client = request.getfixturevalue(f"{persona}_client")
        assert client.get("/mentoring/").status_code == 200
        assert client.get("/my-mentor/").status_code == 200


def test_mentee_asks_for_a_mentor_over_html(
    participant_client: Client, participant: User, program: Program
) -> None:
    response = participant_client.post(
        "/my-mentor/", {"program": program.pk, "lived_experience_wanted": ["alcohol"]}
    )
    assert response.status_code == 302
    assert participant.mentor_requests.get().lived_experience_wanted == ["alcohol"]


def test_mentee_with_a_mentor_cannot_ask_again_over_api(
    participant: User, program: Program, mentorship: Mentorship, api_as: Any
) -> None:
    response = api_as(participant).post("/mentors/requests", {"program_id": program.pk})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "has_mentor"


def test_alumnus_applies_over_html_and_sees_training_status(
    alumnus_client: Client, alumnus: User, program: Program
) -> None:
    page = alumnus_client.get("/mentoring/").content.decode()
    assert "Apply to be a peer mentor" in page
    response = alumnus_client.post(
        "/mentoring/",
        {"program": program.pk, "motivation": "", "max_mentees": "2", "languages": ["en"]},
    )
    assert response.status_code == 302
    profile = alumnus.mentor_profiles.get()
    html = alumnus_client.get(f"/mentoring/profiles/{profile.pk}/").content.decode()
    assert "Training checklist" in html
    assert "Applicant" in html


def test_participant_cannot_apply_over_api(
    participant: User, program: Program, api_as: Any
) -> None:
    response = api_as(participant).post("/mentors/apply", {"program_id": program.pk})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "not_eligible"


def test_space_kind_is_general(mentorship: Mentorship) -> None:
    assert mentorship.space.kind == SpaceKind.GENERAL
    assert mentorship.space.scope == "mentorship"
