"""Who may see and do what with mentor profiles, requests and mentorships.

- A mentor profile: the person themselves and the program's admins (who run
  the mentor programme: training, agreement, activation, matching).
- A mentorship: its mentee while it is current; its mentor while it is
  current and they are an active mentor; the mentee's facilitators (groups in
  the program they are in now) and the program's admins, always.
- A mentor sees nothing else of their mentee: display name and pronouns on
  the mentorship page, and the mentorship space (what the mentee shares
  there). No check-ins, profile fields, flags or scores.

The mentorship's space follows the same rule; ``register_mentorship_scope``
tells spaces so (called from ``MentorsConfig.ready``).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from commonroom.accounts.models import User
from commonroom.care.models import COHORT_PHASES, Enrollment, GroupMembership, Phase, Program
from commonroom.core import access as core_access
from commonroom.peers.mentors.models import (
    MentorProfile,
    MentorProgramSettings,
    MentorRequest,
    Mentorship,
    MentorState,
)
from commonroom.spaces.models import Space, SpaceScope

# --- programs and profiles ------------------------------------------------------------


def administered_programs(viewer: User | AnonymousUser) -> QuerySet[Program]:
    return Program.objects.filter(pk__in=core_access.administered_program_ids(viewer))


def access_program_as_mentor_staff(viewer: User | AnonymousUser, program_id: int) -> Program:
    """The program, for its admins (who run mentoring), else 404."""
    program = administered_programs(viewer).filter(pk=program_id).first()
    if program is None:
        raise Http404
    return program


def profiles_visible_to(viewer: User | AnonymousUser) -> QuerySet[MentorProfile]:
    if not core_access.is_signed_in(viewer):
        return MentorProfile.objects.none()
    return MentorProfile.objects.filter(
        Q(user_id=core_access.viewer_id(viewer))
        | Q(program_id__in=core_access.administered_program_ids(viewer))
    )


def access_profile(
    viewer: User | AnonymousUser, profile_id: int, *, as_staff: bool = False
) -> MentorProfile:
    """Reading: the mentor and the program's admins. ``as_staff``: admins
    only, and never on one's own profile (nobody approves themselves)."""
    profile = (
        profiles_visible_to(viewer)
        .select_related("user", "program", "agreement")
        .filter(pk=profile_id)
        .first()
    )
    if profile is None:
        raise Http404
    if as_staff and (
        profile.program_id not in core_access.administered_program_ids(viewer)
        or (profile.user_id == viewer.pk and not core_access.is_superuser(viewer))
    ):
        raise Http404
    return profile


def eligible_programs(viewer: User | AnonymousUser) -> QuerySet[Program]:
    """Programs this person may apply to mentor in: those they completed, and
    those where they are in step-down if the program allows it."""
    if not core_access.is_signed_in(viewer):
        return Program.objects.none()
    uid = core_access.viewer_id(viewer)
    step_down_ok = MentorProgramSettings.objects.filter(
        program_id=OuterRef("program_id"), step_down_may_apply=True
    )
    enrollments = Enrollment.objects.filter(user_id=uid).filter(
        Q(phase=Phase.COMPLETED) | Q(phase=Phase.STEP_DOWN) & Exists(step_down_ok)
    )
    return Program.objects.filter(pk__in=enrollments.values("program_id")).order_by("name")


def my_profiles(viewer: User | AnonymousUser) -> QuerySet[MentorProfile]:
    if not core_access.is_signed_in(viewer):
        return MentorProfile.objects.none()
    return MentorProfile.objects.filter(user_id=core_access.viewer_id(viewer)).select_related(
        "program", "agreement"
    )


def is_mentee_in_cohort(user_id: int, program_id: int) -> bool:
    return Enrollment.objects.filter(
        user_id=user_id, program_id=program_id, phase__in=COHORT_PHASES
    ).exists()


def cohort_programs(viewer: User | AnonymousUser) -> QuerySet[Program]:
    """Programs in which this person may ask for a mentor."""
    if not core_access.is_signed_in(viewer):
        return Program.objects.none()
    return Program.objects.filter(
        enrollments__user_id=core_access.viewer_id(viewer),
        enrollments__phase__in=COHORT_PHASES,
    ).order_by("name")


# --- mentorships ---------------------------------------------------------------------------


def _as_peer(uid: int) -> Q:
    """Mentorships this user takes part in now as mentee or active mentor."""
    return Q(ended_at__isnull=True) & (
        Q(mentee_id=uid) | Q(mentor_id=uid, mentor_profile__state=MentorState.ACTIVE)
    )


def _facilitates_mentee(uid: int) -> Exists:
    return Exists(
        GroupMembership.objects.filter(
            user_id=OuterRef("mentee_id"),
            left_at__isnull=True,
            group__program_id=OuterRef("program_id"),
            group__facilitators__pk=uid,
        )
    )


def mentorships_visible_to(viewer: User | AnonymousUser) -> QuerySet[Mentorship]:
    if not core_access.is_signed_in(viewer):
        return Mentorship.objects.none()
    uid = core_access.viewer_id(viewer)
    if viewer.is_superuser:
        return Mentorship.objects.all()
    return Mentorship.objects.filter(
        _as_peer(uid)
        | Q(program_id__in=core_access.administered_program_ids(viewer))
        | Q(_facilitates_mentee(uid))
    )


def is_mentorship_staff(viewer: User | AnonymousUser, mentorship: Mentorship) -> bool:
    if not core_access.is_signed_in(viewer):
        return False
    if viewer.is_superuser or mentorship.program_id in core_access.administered_program_ids(viewer):
        return True
    uid = core_access.viewer_id(viewer)
    return Mentorship.objects.filter(pk=mentorship.pk).filter(_facilitates_mentee(uid)).exists()


def access_mentorship(viewer: User | AnonymousUser, mentorship_id: int) -> Mentorship:
    mentorship = (
        mentorships_visible_to(viewer)
        .select_related("mentor", "mentee", "space", "program", "mentor_profile")
        .filter(pk=mentorship_id)
        .first()
    )
    if mentorship is None:
        raise Http404
    return mentorship


def access_mentorship_as_mentor(viewer: User | AnonymousUser, mentorship_id: int) -> Mentorship:
    """Only the current, active mentor (raising a concern)."""
    mentorship = access_mentorship(viewer, mentorship_id)
    if (
        mentorship.mentor_id != viewer.pk
        or mentorship.ended_at is not None
        or mentorship.mentor_profile.state != MentorState.ACTIVE
    ):
        raise Http404
    return mentorship


# --- the mentorship space's rule -------------------------------------------------------


def _space_members(uid: int) -> Q:
    return Q(Exists(Mentorship.objects.filter(_as_peer(uid), space_id=OuterRef("pk"))))


def _space_staff(uid: int) -> Q:
    return Q(
        Exists(Mentorship.objects.filter(space_id=OuterRef("pk")).filter(_facilitates_mentee(uid)))
    )


def _space_member_ids(space: Space) -> set[int]:
    mentorship = (
        Mentorship.objects.filter(space_id=space.pk).select_related("mentor_profile").first()
    )
    if mentorship is None:
        return set()
    ids: set[int] = set(
        GroupMembership.objects.filter(
            user_id=mentorship.mentee_id,
            left_at__isnull=True,
            group__program_id=mentorship.program_id,
        ).values_list("group__facilitators", flat=True)
    )
    ids.discard(None)
    if mentorship.ended_at is None:
        ids.add(mentorship.mentee_id)
        if mentorship.mentor_profile.state == MentorState.ACTIVE:
            ids.add(mentorship.mentor_id)
    return ids


def register_mentorship_scope() -> None:
    from commonroom.spaces.access import ScopeRule, register_scope

    register_scope(
        SpaceScope.MENTORSHIP,
        ScopeRule(members=_space_members, staff=_space_staff, member_ids=_space_member_ids),
    )


def access_profile_for_transition(
    viewer: User | AnonymousUser, profile_id: int, to: str
) -> MentorProfile:
    """Staff start training, approve its end and may do anything else; the
    mentor may pause, resume from a pause, and retire (or withdraw)."""
    profile = access_profile(viewer, profile_id)
    own = profile.user_id == viewer.pk
    staff = profile.program_id in core_access.administered_program_ids(viewer) and (
        not own or core_access.is_superuser(viewer)
    )
    if staff:
        return profile
    self_allowed = to in (MentorState.PAUSED, MentorState.RETIRED) or (
        to == MentorState.ACTIVE and profile.state == MentorState.PAUSED
    )
    if own and self_allowed:
        return profile
    raise Http404


def access_request(viewer: User | AnonymousUser, request_id: int) -> MentorRequest:
    """A mentor request: its mentee and the program's admins."""
    if not core_access.is_signed_in(viewer):
        raise Http404
    request = (
        MentorRequest.objects.filter(pk=request_id)
        .filter(
            Q(mentee_id=core_access.viewer_id(viewer))
            | Q(program_id__in=core_access.administered_program_ids(viewer))
        )
        .select_related("mentee", "program")
        .first()
    )
    if request is None:
        raise Http404
    return request


def current_mentorship_space(user: User, program: Program) -> Space | None:
    """Where a check-in shared with "my mentor" goes: the person's current
    mentorship space in the program, while the mentor is active."""
    mentorship = (
        Mentorship.objects.current()
        .filter(mentee=user, program=program, mentor_profile__state=MentorState.ACTIVE)
        .select_related("space")
        .first()
    )
    return mentorship.space if mentorship is not None else None


def register_mentor_checkins() -> None:
    from commonroom.spaces.checkins import register_checkin_space
    from commonroom.spaces.models import CheckInAudience

    register_checkin_space(CheckInAudience.MENTOR, current_mentorship_space)
