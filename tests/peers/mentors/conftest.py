"""Mentor fixtures: the ``mentor`` persona as an active mentor (trained,
agreement signed) and a current mentorship with the participant."""

from __future__ import annotations

import datetime as dt

import pytest

from commonroom.accounts.models import User
from commonroom.care.models import Program
from commonroom.peers.mentors import actions
from commonroom.peers.mentors import pool as mentor_pool
from commonroom.peers.mentors.models import MentorProfile, Mentorship, TrainingTopic


def make_active_mentor(
    user: User, program: Program, admin: User, **details: object
) -> MentorProfile:
    """Through the same actions staff and mentors use."""
    profile = actions.do_apply_to_mentor(
        user=user,
        program=program,
        motivation="I want to give back.",
        details={"languages": ["en"], "max_mentees": 2, **details},
    )
    actions.do_start_training(profile=profile, by=admin)
    for topic in TrainingTopic.values:
        actions.do_record_training(
            profile=profile, topic=topic, completed_on=dt.date(2026, 1, 5), recorded_by=user
        )
        actions.do_confirm_training(profile=profile, topic=topic, confirmed_by=admin)
    agreement = mentor_pool.current_agreement(program.pk)
    assert agreement is not None
    actions.do_sign_boundaries(profile=profile, user=user, version=agreement.version)
    actions.do_activate_mentor(profile=profile, by=admin)
    profile.refresh_from_db()
    return profile


def match_all(program: Program, admin: User) -> list[Mentorship]:
    fingerprint = mentor_pool.build_pool(program).fingerprint
    return actions.do_confirm_matching(program=program, fingerprint=fingerprint, by=admin)


@pytest.fixture
def mentor_profile(mentor: User, program: Program, admin: User) -> MentorProfile:
    return make_active_mentor(mentor, program, admin)


@pytest.fixture
def mentorship(
    mentor_profile: MentorProfile, participant: User, program: Program, admin: User
) -> Mentorship:
    actions.do_request_mentor(mentee=participant, program=program, lived_experience_wanted=[])
    created = match_all(program, admin)
    assert len(created) == 1
    return created[0]
