"""The mentor API: the same access helpers and actions as the pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext
from ninja import Router

from commonroom.accounts.models import User
from commonroom.api.pagination import paged
from commonroom.care.models import Program
from commonroom.core.validation import refuse
from commonroom.matching.mentors import MENTOR_FACTOR_LABELS
from commonroom.peers.mentors import access, actions, queries
from commonroom.peers.mentors import pool as mentor_pool
from commonroom.peers.mentors.badge import BADGE_TEXT, peer_mentor_ids
from commonroom.peers.mentors.models import (
    MentorProfile,
    MentorProgramSettings,
    MentorRequest,
    Mentorship,
    MentorState,
)
from commonroom.peers.mentors.schemas import (
    ApplyIn,
    ConcernIn,
    ConcernOut,
    MentorProfilePatch,
    MentorRosterLineOut,
    MentorSettingsIn,
    MentorSettingsOut,
    MentorshipConfirmIn,
    MentorshipOut,
    MentorshipPreviewOut,
    MentorshipRequestOut,
    ProfileOut,
    RequestIn,
    SignIn,
    StateIn,
    TopicIn,
    TrainingIn,
)

router = Router(tags=["mentors"])


def _viewer(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _person(user: User, mentors: set[int]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": user.pk,
        "display_name": user.display_name,
        "pronouns": user.pronouns,
    }
    if user.pk in mentors:
        out["badge"] = str(BADGE_TEXT)
    return out


def _reasons(explanation: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"factor": key, "label": gettext(MENTOR_FACTOR_LABELS.get(key, key)), "points": points}
        for key, points in sorted(explanation.items(), key=lambda kv: -float(kv[1]))
    ]


def _profile(profile: MentorProfile) -> dict[str, Any]:
    current = mentor_pool.current_agreement(profile.program_id)
    return {
        "id": profile.pk,
        "program_id": profile.program_id,
        "user_id": profile.user_id,
        "display_name": profile.user.display_name,
        "state": profile.state,
        "max_mentees": profile.max_mentees,
        "current_mentees": actions.current_mentee_count(profile),
        "languages": profile.languages,
        "gender": profile.gender,
        "faith": profile.faith,
        "faith_tradition": profile.faith_tradition,
        "lived_experience": profile.lived_experience,
        "training": [
            {
                "topic": item.topic,
                "completed_on": item.completed_on,
                "confirmed": item.confirmed_at is not None,
            }
            for item in profile.training.all()
        ],
        "agreement_version_signed": profile.agreement.version if profile.agreement else None,
        "agreement_current_version": current.version if current else None,
        "missing_for_activation": actions.missing_for_activation(profile),
    }


@router.get("/mentors/me", response=list[ProfileOut], summary="The caller's mentor profiles")
@paged
def my_profiles(request: HttpRequest) -> list[dict[str, Any]]:
    return [_profile(p) for p in access.my_profiles(_viewer(request))]


@router.post("/mentors/apply", response={201: ProfileOut}, summary="Apply to be a peer mentor")
def apply(request: HttpRequest, payload: ApplyIn) -> tuple[int, dict[str, Any]]:
    user = _viewer(request)
    program = access.eligible_programs(user).filter(pk=payload.program_id).first()
    if program is None:
        program = Program(pk=payload.program_id)  # the action refuses it, naming why
    details = payload.dict(exclude={"program_id", "motivation"})
    profile = actions.do_apply_to_mentor(
        user=user, program=program, motivation=payload.motivation, details=details
    )
    return 201, _profile(profile)


@router.get("/mentors/profiles/{profile_id}", response=ProfileOut)
def get_profile(request: HttpRequest, profile_id: int) -> dict[str, Any]:
    return _profile(access.access_profile(_viewer(request), profile_id))


@router.patch("/mentors/profiles/{profile_id}", response=ProfileOut)
def update_profile(
    request: HttpRequest, profile_id: int, payload: MentorProfilePatch
) -> dict[str, Any]:
    user = _viewer(request)
    profile = access.access_profile(user, profile_id)
    if profile.user_id != user.pk:
        raise Http404
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return _profile(
        actions.do_update_mentor_profile(profile=profile, changed_by=user, changes=changes)
    )


@router.post("/mentors/profiles/{profile_id}/training", response=ProfileOut)
def record_training(request: HttpRequest, profile_id: int, payload: TrainingIn) -> dict[str, Any]:
    user = _viewer(request)
    profile = access.access_profile(user, profile_id)
    actions.do_record_training(
        profile=profile, topic=payload.topic, completed_on=payload.completed_on, recorded_by=user
    )
    return _profile(profile)


@router.post("/mentors/profiles/{profile_id}/training/confirm", response=ProfileOut)
def confirm_training(request: HttpRequest, profile_id: int, payload: TopicIn) -> dict[str, Any]:
    user = _viewer(request)
    profile = access.access_profile(user, profile_id, as_staff=True)
    actions.do_confirm_training(profile=profile, topic=payload.topic, confirmed_by=user)
    return _profile(profile)


@router.post("/mentors/profiles/{profile_id}/sign", response=ProfileOut)
def sign(request: HttpRequest, profile_id: int, payload: SignIn) -> dict[str, Any]:
    user = _viewer(request)
    profile = access.access_profile(user, profile_id)
    return _profile(actions.do_sign_boundaries(profile=profile, user=user, version=payload.version))


@router.post("/mentors/profiles/{profile_id}/state", response=ProfileOut)
def change_state(request: HttpRequest, profile_id: int, payload: StateIn) -> dict[str, Any]:
    user = _viewer(request)
    if payload.to not in actions.TRANSITION_ACTIONS:
        access.access_profile(user, profile_id)
        raise refuse("to", gettext("Choose in_training, active, paused or retired."), "invalid")
    profile = access.access_profile_for_transition(user, profile_id, payload.to)
    actions.TRANSITION_ACTIONS[MentorState(payload.to)](profile=profile, by=user)
    profile.refresh_from_db()
    return _profile(profile)


@router.get("/mentors/programs/{program_id}/roster", response=list[MentorRosterLineOut])
@paged
def roster(request: HttpRequest, program_id: int) -> list[dict[str, Any]]:
    program = access.access_program_as_mentor_staff(_viewer(request), program_id)
    mentors = peer_mentor_ids()
    return [
        {
            "profile_id": line.profile.pk,
            "mentor": _person(line.profile.user, mentors),
            "state": line.profile.state,
            "training_confirmed": line.training_done,
            "training_total": line.training_total,
            "agreement_current": line.agreement_current,
            "max_mentees": line.profile.max_mentees,
            "mentees": [_person(p, mentors) for p in line.mentees],
        }
        for line in queries.roster(program)
    ]


@router.put("/mentors/programs/{program_id}/settings", response=MentorSettingsOut)
def put_settings(
    request: HttpRequest, program_id: int, payload: MentorSettingsIn
) -> MentorProgramSettings:
    user = _viewer(request)
    program = access.access_program_as_mentor_staff(user, program_id)
    return actions.do_set_mentor_settings(
        program=program, step_down_may_apply=payload.step_down_may_apply, changed_by=user
    )


@router.get("/mentors/programs/{program_id}/matching", response=MentorshipPreviewOut)
def preview(request: HttpRequest, program_id: int) -> dict[str, Any]:
    program = access.access_program_as_mentor_staff(_viewer(request), program_id)
    result = queries.preview(program)
    mentors = peer_mentor_ids()
    return {
        "fingerprint": result.fingerprint,
        "matches": [
            {
                "mentor": _person(line.mentor, mentors),
                "mentee": _person(line.mentee, mentors),
                "reasons": _reasons(line.explanation),
                "total": line.total,
            }
            for line in result.lines
        ],
        "unassigned": [_person(p, mentors) for p in result.unassigned],
    }


@router.post("/mentors/programs/{program_id}/matching", response={201: list[MentorshipOut]})
def confirm(
    request: HttpRequest, program_id: int, payload: MentorshipConfirmIn
) -> tuple[int, list[Any]]:
    user = _viewer(request)
    program = access.access_program_as_mentor_staff(user, program_id)
    created = actions.do_confirm_matching(
        program=program,
        fingerprint=payload.fingerprint,
        by=user,
        only=[tuple(p) for p in payload.pairs] if payload.pairs is not None else None,  # type: ignore[misc]
    )
    return 201, [_mentorship(m, user) for m in created]


def _mentorship(mentorship: Mentorship, viewer: User) -> dict[str, Any]:
    mentors = peer_mentor_ids([mentorship.mentor_id])
    return {
        "id": mentorship.pk,
        "program_id": mentorship.program_id,
        "mentor": _person(mentorship.mentor, mentors),
        "mentee": _person(mentorship.mentee, mentors),
        "space_id": mentorship.space_id if mentorship.ended_at is None else None,
        "started_at": mentorship.started_at,
        "ended_at": mentorship.ended_at,
        # Not for the mentor: the reasons rest on what the mentee told staff.
        "reasons": None if mentorship.mentor_id == viewer.pk else _reasons(mentorship.explanation),
    }


@router.get("/mentors/mentorships", response=list[MentorshipOut], summary="The caller's own")
@paged
def my_mentorships(request: HttpRequest) -> list[dict[str, Any]]:
    user = _viewer(request)
    items = queries.my_mentorships_as_mentor(user) + queries.my_mentorship_as_mentee(user)
    return [_mentorship(m, user) for m in items]


@router.get("/mentors/mentorships/{mentorship_id}", response=MentorshipOut)
def get_mentorship(request: HttpRequest, mentorship_id: int) -> dict[str, Any]:
    user = _viewer(request)
    return _mentorship(access.access_mentorship(user, mentorship_id), user)


@router.post("/mentors/mentorships/{mentorship_id}/end", response=MentorshipOut)
def end(request: HttpRequest, mentorship_id: int) -> dict[str, Any]:
    user = _viewer(request)
    item = access.access_mentorship(user, mentorship_id)
    return _mentorship(actions.do_end_mentorship(mentorship=item, by=user), user)


@router.post(
    "/mentors/mentorships/{mentorship_id}/concern",
    response={201: ConcernOut},
    summary="Raise a concern about the mentee with their facilitators",
)
def concern(
    request: HttpRequest, mentorship_id: int, payload: ConcernIn
) -> tuple[int, dict[str, bool]]:
    user = _viewer(request)
    item = access.access_mentorship_as_mentor(user, mentorship_id)
    actions.do_raise_concern(mentorship=item, kind=payload.kind, note=payload.note, by=user)
    # The mentor learns only that it was raised: no id, no status.
    return 201, {"raised": True}


@router.get(
    "/mentors/requests", response=list[MentorshipRequestOut], summary="The caller's requests"
)
@paged
def my_requests(request: HttpRequest) -> list[MentorRequest]:
    return list(MentorRequest.objects.filter(mentee=_viewer(request)).order_by("-created_at"))


@router.post("/mentors/requests", response={201: MentorshipRequestOut}, summary="Ask for a mentor")
def ask(request: HttpRequest, payload: RequestIn) -> tuple[int, MentorRequest]:
    user = _viewer(request)
    program = access.cohort_programs(user).filter(pk=payload.program_id).first()
    if program is None:
        program = Program(pk=payload.program_id)  # the action refuses it, naming why
    return 201, actions.do_request_mentor(
        mentee=user, program=program, lived_experience_wanted=payload.lived_experience_wanted
    )


@router.post("/mentors/requests/{request_id}/withdraw", response=MentorshipRequestOut)
def withdraw(request: HttpRequest, request_id: int) -> MentorRequest:
    user = _viewer(request)
    return actions.do_withdraw_request(request=access.access_request(user, request_id), by=user)
