"""A check-in shared with "my mentor" is posted in the mentorship space: the
mentor reads it there and nowhere else, and the group never sees it."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from commonroom.accounts.models import User
from commonroom.care.models import Program, TherapyGroup
from commonroom.peers.mentors import actions
from commonroom.peers.mentors.models import MentorProfile, Mentorship
from commonroom.spaces.checkins import do_check_in
from commonroom.spaces.models import Message

pytestmark = pytest.mark.django_db


def _check_in(user: User, program: Program, note: str = "Hard day, held on") -> Any:
    checkin, _created = do_check_in(
        user=user,
        program=program,
        mood=3,
        craving=7,
        sleep_hours=Decimal("4.5"),
        note=note,
        audience="mentor",
        client_id=uuid.uuid4(),
    )
    return checkin


def test_a_mentor_checkin_lands_in_the_mentorship_space(
    participant: User,
    program: Program,
    group: TherapyGroup,
    mentorship: Mentorship,
    mentor_client: Client,
    groupmate_client: Client,
) -> None:
    checkin = _check_in(participant, program)
    message = Message.objects.get(pk=checkin.message_id)
    assert message.space_id == mentorship.space_id
    assert not Message.objects.filter(space__group=group).exists()
    html = mentor_client.get(f"/threads/{message.thread_id}/").content.decode()
    assert "Hard day, held on" in html
    assert "mood 3/10" in html
    assert groupmate_client.get(f"/threads/{message.thread_id}/").status_code == 404


def test_without_a_mentor_the_audience_is_refused_and_nothing_is_stored(
    participant: User, program: Program
) -> None:
    with pytest.raises(ValidationError) as refused:
        _check_in(participant, program)
    (error,) = refused.value.error_dict["audience"]
    assert error.code == "no_mentor"
    assert not participant.checkins.exists()


def test_a_paused_mentor_gets_no_checkins(
    participant: User,
    program: Program,
    mentorship: Mentorship,
    mentor_profile: MentorProfile,
    mentor: User,
) -> None:
    actions.do_pause_mentor(profile=mentor_profile, by=mentor)
    with pytest.raises(ValidationError):
        _check_in(participant, program)


def test_the_form_offers_my_mentor_only_to_people_with_one(
    participant_client: Client, groupmate_client: Client, mentorship: Mentorship
) -> None:
    assert 'value="mentor"' in participant_client.get("/checkins/").content.decode()
    assert 'value="mentor"' not in groupmate_client.get("/checkins/").content.decode()


def test_the_api_takes_the_mentor_audience(
    participant: User, program: Program, mentorship: Mentorship, api_as: Any
) -> None:
    response = api_as(participant).post(
        "/checkins",
        {
            "mood": 6,
            "craving": 2,
            "sleep_hours": 7,
            "audience": "mentor",
            "client_id": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 201, response.json()
    assert Message.objects.filter(space_id=mentorship.space_id).count() == 1
