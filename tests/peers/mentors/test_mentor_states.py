"""The mentor's life: who may apply, training and agreement, and the only
transitions allowed (applicant -> in training -> active <-> paused -> retired)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from commonroom.accounts.models import User
from commonroom.care.models import Phase, Program, ProgramRole, Role
from commonroom.core.models import AuditEntry
from commonroom.peers.mentors import actions
from commonroom.peers.mentors.models import (
    MentorProfile,
    MentorState,
    MentorStateChange,
    TrainingTopic,
)
from tests import factories
from tests.peers.mentors.conftest import make_active_mentor

pytestmark = pytest.mark.django_db


def _apply(user: User, program: Program) -> MentorProfile:
    return actions.do_apply_to_mentor(
        user=user, program=program, motivation="", details={"languages": ["en"]}
    )


def _code(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    error = exc.value
    if hasattr(error, "error_dict"):
        return str(next(iter(error.error_dict.values()))[0].code)
    return str(error.code)


def test_an_alumnus_may_apply(alumnus: User, program: Program) -> None:
    profile = _apply(alumnus, program)
    assert profile.state == MentorState.APPLICANT
    assert MentorStateChange.objects.filter(profile=profile, to_state="applicant").exists()
    assert AuditEntry.objects.filter(action="mentor.apply", subject_id=alumnus.pk).exists()


def test_an_active_participant_may_not_apply(participant: User, program: Program) -> None:
    with pytest.raises(ValidationError) as exc:
        _apply(participant, program)
    assert _code(exc) == "not_eligible"
    assert not MentorProfile.objects.exists()


def test_step_down_may_apply_only_where_the_program_allows(
    participant: User, program: Program, admin: User
) -> None:
    participant.enrollments.update(phase=Phase.STEP_DOWN)
    with pytest.raises(ValidationError):
        _apply(participant, program)
    actions.do_set_mentor_settings(program=program, step_down_may_apply=True, changed_by=admin)
    assert _apply(participant, program).state == MentorState.APPLICANT


def test_max_mentees_must_be_one_to_five(alumnus: User, program: Program) -> None:
    with pytest.raises(ValidationError) as exc:
        actions.do_apply_to_mentor(
            user=alumnus, program=program, motivation="", details={"max_mentees": 6}
        )
    assert "max_mentees" in exc.value.error_dict


def test_activation_needs_confirmed_training_and_the_signed_agreement(
    alumnus: User, program: Program, admin: User
) -> None:
    profile = _apply(alumnus, program)
    actions.do_start_training(profile=profile, by=admin)
    assert profile.training.count() == len(TrainingTopic.values)
    with pytest.raises(ValidationError) as exc:
        actions.do_activate_mentor(profile=profile, by=admin)
    assert _code(exc) == "not_ready"
    for topic in TrainingTopic.values:
        actions.do_record_training(
            profile=profile, topic=topic, completed_on=dt.date(2026, 1, 5), recorded_by=alumnus
        )
        actions.do_confirm_training(profile=profile, topic=topic, confirmed_by=admin)
    with pytest.raises(ValidationError):
        actions.do_activate_mentor(profile=profile, by=admin)  # agreement not signed
    actions.do_sign_boundaries(profile=profile, user=alumnus, version=1)
    actions.do_activate_mentor(profile=profile, by=admin)
    profile.refresh_from_db()
    assert profile.state == MentorState.ACTIVE
    assert ProgramRole.objects.filter(user=alumnus, program=program, role=Role.PEER_MENTOR).exists()


def test_training_cannot_be_confirmed_before_a_date_is_recorded(
    alumnus: User, program: Program, admin: User
) -> None:
    profile = _apply(alumnus, program)
    actions.do_start_training(profile=profile, by=admin)
    with pytest.raises(ValidationError) as exc:
        actions.do_confirm_training(profile=profile, topic="boundaries", confirmed_by=admin)
    assert _code(exc) == "not_completed"


def test_a_future_training_date_is_refused(alumnus: User, program: Program, admin: User) -> None:
    profile = _apply(alumnus, program)
    actions.do_start_training(profile=profile, by=admin)
    with pytest.raises(ValidationError) as exc:
        actions.do_record_training(
            profile=profile,
            topic="self_care",
            completed_on=timezone.localdate() + dt.timedelta(days=3),
            recorded_by=alumnus,
        )
    assert "completed_on" in exc.value.error_dict


def test_a_mentor_cannot_approve_their_own_training(
    alumnus: User, program: Program, admin: User
) -> None:
    profile = _apply(alumnus, program)
    actions.do_start_training(profile=profile, by=admin)
    with pytest.raises(ValidationError) as exc:
        actions.do_activate_mentor(profile=profile, by=alumnus)
    assert _code(exc) == "staff_only"


def test_signing_a_superseded_agreement_is_refused(
    alumnus: User, program: Program, admin: User
) -> None:
    profile = _apply(alumnus, program)
    actions.do_start_training(profile=profile, by=admin)
    actions.do_publish_boundaries(
        program=program, body="A newer agreement with different words in it.", published_by=admin
    )
    with pytest.raises(ValidationError) as exc:
        actions.do_sign_boundaries(profile=profile, user=alumnus, version=1)
    assert _code(exc) == "stale_agreement"
    profile = actions.do_sign_boundaries(profile=profile, user=alumnus, version=2)
    assert profile.agreement is not None
    assert profile.agreement.version == 2


def test_only_allowed_transitions(alumnus: User, program: Program, admin: User) -> None:
    profile = _apply(alumnus, program)
    with pytest.raises(ValidationError) as exc:
        actions.do_pause_mentor(profile=profile, by=admin)  # applicant -> paused
    assert _code(exc) == "invalid_transition"
    actions.do_retire_mentor(profile=profile, by=admin)
    with pytest.raises(ValidationError):
        actions.do_start_training(profile=profile, by=admin)  # retired is final


def test_pausing_takes_the_role_away_and_resuming_gives_it_back(
    mentor: User, program: Program, admin: User
) -> None:
    profile = make_active_mentor(mentor, program, admin)
    actions.do_pause_mentor(profile=profile, by=mentor)  # a mentor may pause themselves
    assert not ProgramRole.objects.filter(user=mentor, role=Role.PEER_MENTOR).exists()
    actions.do_activate_mentor(profile=profile, by=mentor)  # and resume
    assert ProgramRole.objects.filter(user=mentor, role=Role.PEER_MENTOR).exists()
    states = list(profile.history.values_list("to_state", flat=True))
    assert states == ["applicant", "in_training", "active", "paused", "active"]


def test_retiring_ends_every_current_mentorship(
    mentorship: object, mentor_profile: MentorProfile, mentor: User
) -> None:
    actions.do_retire_mentor(profile=mentor_profile, by=mentor)
    assert not mentor_profile.mentorships.filter(ended_at__isnull=True).exists()


def test_max_mentees_cannot_drop_below_current_mentees(
    mentorship: object,
    mentor_profile: MentorProfile,
    mentor: User,
    groupmate: User,
    program: Program,
    admin: User,
) -> None:
    from tests.peers.mentors.conftest import match_all

    actions.do_request_mentor(mentee=groupmate, program=program, lived_experience_wanted=[])
    assert len(match_all(program, admin)) == 1
    with pytest.raises(ValidationError) as exc:
        actions.do_update_mentor_profile(
            profile=mentor_profile, changed_by=mentor, changes={"max_mentees": 1}
        )
    assert _code(exc) == "below_current"


def test_a_retired_mentor_may_apply_again(alumnus: User, program: Program, admin: User) -> None:
    profile = _apply(alumnus, program)
    actions.do_retire_mentor(profile=profile, by=alumnus)
    again = _apply(alumnus, program)
    assert again.pk == profile.pk
    assert again.state == MentorState.APPLICANT


def test_a_second_program_participant_cannot_apply_elsewhere(alumnus: User) -> None:
    other = factories.ProgramFactory()
    with pytest.raises(ValidationError):
        _apply(alumnus, other)


def test_the_whole_path_over_html(
    alumnus: User, alumnus_client: Any, admin_client: Any, program: Program
) -> None:
    """Apply, accept, record and confirm training, sign, approve, pause,
    resume: every step through the pages."""
    alumnus_client.post(
        "/mentoring/", {"program": program.pk, "max_mentees": "3", "languages": ["en", "es"]}
    )
    profile = alumnus.mentor_profiles.get()
    base = f"/mentoring/profiles/{profile.pk}"
    assert admin_client.post(f"{base}/state/", {"to": "in_training"}).status_code == 302
    page = alumnus_client.get(f"{base}/").content.decode()
    assert "I have read this and I sign it" in page
    for topic in TrainingTopic.values:
        alumnus_client.post(f"{base}/training/", {"topic": topic, "completed_on": "2026-02-01"})
    assert "Confirm" in admin_client.get(f"{base}/").content.decode()
    for topic in TrainingTopic.values:
        admin_client.post(f"{base}/training/confirm/", {"topic": topic})
    alumnus_client.post(f"{base}/sign/", {"version": "1"})
    assert admin_client.post(f"{base}/state/", {"to": "active"}).status_code == 302
    profile.refresh_from_db()
    assert profile.state == MentorState.ACTIVE
    assert profile.training.filter(completed_on=dt.date(2026, 2, 1)).count() == 5
    alumnus_client.post(f"{base}/state/", {"to": "paused"})
    assert "Resume mentoring" in alumnus_client.get(f"{base}/").content.decode()
    alumnus_client.post(f"{base}/state/", {"to": "active"})
    alumnus_client.post(f"{base}/details/", {"max_mentees": "4", "languages": ["en"]})
    profile.refresh_from_db()
    assert (profile.state, profile.max_mentees, profile.languages) == ("active", 4, ["en"])
    roster = admin_client.get(f"/programs/{program.pk}/mentors/").content.decode()
    assert "5 of 5 confirmed" in roster
    assert "Peer mentor, not a licensed therapist" in roster
