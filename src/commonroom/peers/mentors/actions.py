"""Every change to mentors, requests and mentorships: keyword-only,
transactional, audited. States move only along ``STATE_TRANSITIONS``; the
PEER_MENTOR program role follows the active state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from commonroom.accounts.models import User
from commonroom.care.models import Program, ProgramRole, Role
from commonroom.care.preferences import LANGUAGE_CHOICES
from commonroom.core import access as core_access
from commonroom.core.audit import AuditAction, record
from commonroom.core.tasks import enqueue_with_change
from commonroom.core.validation import refuse
from commonroom.peers.mentors import pool as mentor_pool
from commonroom.peers.mentors.access import eligible_programs, is_mentee_in_cohort
from commonroom.peers.mentors.catalogue import DEFAULT_BOUNDARIES_AGREEMENT, LIVED_EXPERIENCE
from commonroom.peers.mentors.models import (
    MAX_MENTEES,
    MOTIVATION_MAX_CHARS,
    STATE_TRANSITIONS,
    BoundariesAgreement,
    MentorFaith,
    MentorGender,
    MentorProfile,
    MentorProgramSettings,
    MentorRequest,
    Mentorship,
    MentorState,
    MentorStateChange,
    RequestStatus,
    TrainingItem,
    TrainingTopic,
)
from commonroom.peers.mentors.tasks import notify_mentorship_started
from commonroom.realtime.actions import close_user_sockets
from commonroom.safety.actions import do_raise_flag
from commonroom.safety.models import Flag, FlagSource
from commonroom.spaces.models import Space, SpaceKind, SpaceScope

PROFILE_FIELDS = frozenset(
    {"max_mentees", "languages", "gender", "faith", "faith_tradition", "lived_experience"}
)


# --- validation ------------------------------------------------------------------------


def _choices(field: str, value: Any, allowed: Collection[str]) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise refuse(field, _("Give a list."), "invalid")
    unknown = [v for v in value if v not in allowed]
    if unknown:
        raise refuse(
            field, _("Not an option: %(values)s.") % {"values": ", ".join(unknown)}, "invalid"
        )
    return sorted(set(value))


def _clean_profile(changes: dict[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - PROFILE_FIELDS
    if unknown:
        raise refuse(sorted(unknown)[0], _("This field cannot be changed here."), "invalid")
    cleaned = dict(changes)
    if "max_mentees" in cleaned:
        value = cleaned["max_mentees"]
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_MENTEES:
            raise refuse(
                "max_mentees",
                _("Choose from 1 to %(max)d mentees.") % {"max": MAX_MENTEES},
                "out_of_range",
            )
    if "languages" in cleaned:
        cleaned["languages"] = _choices("languages", cleaned["languages"], LANGUAGE_CHOICES)
    if "lived_experience" in cleaned:
        cleaned["lived_experience"] = _choices(
            "lived_experience", cleaned["lived_experience"], LIVED_EXPERIENCE
        )
    if cleaned.get("gender", "") not in MentorGender.values:
        raise refuse("gender", _("Choose one of the listed options."), "invalid")
    if cleaned.get("faith", "") not in MentorFaith.values:
        raise refuse("faith", _("Choose one of the listed options."), "invalid")
    if "faith_tradition" in cleaned:
        cleaned["faith_tradition"] = str(cleaned["faith_tradition"] or "").strip()[:80]
    return cleaned


def _check_tradition(profile: MentorProfile) -> None:
    if profile.faith != MentorFaith.TRADITION:
        profile.faith_tradition = ""


# --- applying and the profile -------------------------------------------------------------


def do_apply_to_mentor(
    *, user: User, program: Program, motivation: str, details: dict[str, Any]
) -> MentorProfile:
    """An alumnus (or, where the program allows, a participant in step-down)
    applies. A retired mentor may apply again: their profile starts over."""
    if not eligible_programs(user).filter(pk=program.pk).exists():
        raise refuse(
            None,
            _(
                "Alumni of this program can apply to mentor; this program does not take "
                "applications from you right now."
            ),
            "not_eligible",
        )
    motivation = motivation.strip()
    if len(motivation) > MOTIVATION_MAX_CHARS:
        raise refuse(
            "motivation",
            _("Keep it under %(max)d characters.") % {"max": MOTIVATION_MAX_CHARS},
            "too_long",
        )
    cleaned = _clean_profile(details)
    with transaction.atomic():
        profile = (
            MentorProfile.objects.select_for_update().filter(user=user, program=program).first()
        )
        if profile is not None and profile.state != MentorState.RETIRED:
            raise refuse(None, _("You have already applied."), "already_applied")
        previous = profile.state if profile is not None else ""
        if profile is None:
            profile = MentorProfile(user=user, program=program)
        now = timezone.now()
        profile.state = MentorState.APPLICANT
        profile.state_changed_at = now
        profile.applied_at = now
        profile.motivation = motivation
        profile.agreement = None
        profile.agreement_signed_at = None
        for name, value in cleaned.items():
            setattr(profile, name, value)
        _check_tradition(profile)
        profile.save()
        profile.training.all().delete()
        MentorStateChange.objects.create(
            profile=profile, from_state=previous, to_state=MentorState.APPLICANT, changed_by=user
        )
        record(actor=user, action=AuditAction.MENTOR_APPLY, target=profile, subject=user)
    return profile


def do_update_mentor_profile(
    *, profile: MentorProfile, changed_by: User, changes: dict[str, Any]
) -> MentorProfile:
    cleaned = _clean_profile(changes)
    with transaction.atomic():
        profile = MentorProfile.objects.select_for_update().get(pk=profile.pk)
        if "max_mentees" in cleaned:
            current = profile.mentorships.filter(ended_at__isnull=True).count()
            if cleaned["max_mentees"] < current:
                raise refuse(
                    "max_mentees",
                    _("You mentor %(count)d people now; end a mentorship first.")
                    % {"count": current},
                    "below_current",
                )
        for name, value in cleaned.items():
            setattr(profile, name, value)
        _check_tradition(profile)
        profile.save()
        record(
            actor=changed_by,
            action=AuditAction.MENTOR_PROFILE_UPDATE,
            target=profile,
            subject=profile.user,
            detail={"fields": sorted(cleaned)},
        )
    return profile


def do_set_mentor_settings(
    *, program: Program, step_down_may_apply: bool, changed_by: User
) -> MentorProgramSettings:
    with transaction.atomic():
        settings, _created = MentorProgramSettings.objects.select_for_update().get_or_create(
            program=program
        )
        settings.step_down_may_apply = bool(step_down_may_apply)
        settings.save()
        record(
            actor=changed_by,
            action=AuditAction.MENTOR_SETTINGS,
            target=settings,
            detail={"step_down_may_apply": settings.step_down_may_apply},
        )
    return settings


# --- the boundaries agreement ------------------------------------------------------------


def ensure_boundaries_agreement(program: Program) -> BoundariesAgreement:
    """The current version; a program that never published one gets the
    default text as version 1."""
    current = mentor_pool.current_agreement(program.pk)
    if current is not None:
        return current
    agreement, _created = BoundariesAgreement.objects.get_or_create(
        program=program, version=1, defaults={"body": DEFAULT_BOUNDARIES_AGREEMENT}
    )
    return agreement


def do_publish_boundaries(
    *, program: Program, body: str, published_by: User
) -> BoundariesAgreement:
    body = body.strip()
    if len(body) < 20:
        raise refuse("body", _("Write out the agreement mentors will sign."), "too_short")
    with transaction.atomic():
        Program.objects.select_for_update().filter(pk=program.pk).first()
        latest = program.mentor_agreements.aggregate(v=Max("version"))["v"] or 0
        agreement = BoundariesAgreement.objects.create(
            program=program, version=latest + 1, body=body, published_by=published_by
        )
        record(
            actor=published_by,
            action=AuditAction.MENTOR_AGREEMENT_PUBLISH,
            target=agreement,
            detail={"version": agreement.version},
        )
    return agreement


def do_sign_boundaries(*, profile: MentorProfile, user: User, version: int) -> MentorProfile:
    """Signing names the version read: a newer one published meanwhile is
    refused, so nobody signs text they did not see."""
    if profile.user_id != user.pk:
        raise refuse(None, _("Only the mentor signs their agreement."), "not_yours")
    with transaction.atomic():
        profile = MentorProfile.objects.select_for_update().get(pk=profile.pk)
        if profile.state == MentorState.RETIRED:
            raise refuse(None, _("A retired mentor has nothing to sign."), "retired")
        current = ensure_boundaries_agreement(profile.program)
        if version != current.version:
            raise refuse(
                "version",
                _("Version %(new)s is now current. Please read it and sign that one.")
                % {"new": current.version},
                "stale_agreement",
            )
        if profile.agreement_id == current.pk:
            return profile
        profile.agreement = current
        profile.agreement_signed_at = timezone.now()
        profile.save(update_fields=["agreement", "agreement_signed_at"])
        record(
            actor=user,
            action=AuditAction.MENTOR_AGREEMENT_SIGN,
            target=profile,
            subject=user,
            detail={"version": current.version},
        )
    return profile


# --- training ---------------------------------------------------------------------------------


def do_record_training(
    *, profile: MentorProfile, topic: str, completed_on: dt.date, recorded_by: User
) -> TrainingItem:
    """The mentor (or staff) records when a topic was completed. A changed
    date needs confirming again."""
    if topic not in TrainingTopic.values:
        raise refuse("topic", _("Choose one of the training topics."), "invalid")
    if completed_on > timezone.localdate():
        raise refuse("completed_on", _("The date cannot be in the future."), "future")
    with transaction.atomic():
        profile = MentorProfile.objects.select_for_update().get(pk=profile.pk)
        if profile.state != MentorState.IN_TRAINING:
            raise refuse(None, _("Training is recorded while in training."), "not_in_training")
        item = TrainingItem.objects.get(profile=profile, topic=topic)
        if item.completed_on != completed_on:
            item.completed_on = completed_on
            item.confirmed_at = None
            item.confirmed_by = None
            item.save()
            record(
                actor=recorded_by,
                action=AuditAction.MENTOR_TRAINING_RECORD,
                target=profile,
                subject=profile.user,
                detail={"topic": topic},
            )
    return item


def do_confirm_training(*, profile: MentorProfile, topic: str, confirmed_by: User) -> TrainingItem:
    with transaction.atomic():
        profile = MentorProfile.objects.select_for_update().get(pk=profile.pk)
        item = TrainingItem.objects.filter(profile=profile, topic=topic).first()
        if item is None or profile.state != MentorState.IN_TRAINING:
            raise refuse("topic", _("There is no training to confirm here."), "invalid")
        if item.completed_on is None:
            raise refuse("topic", _("Record the completion date first."), "not_completed")
        if item.confirmed_at is None:
            item.confirmed_at = timezone.now()
            item.confirmed_by = confirmed_by
            item.save()
            record(
                actor=confirmed_by,
                action=AuditAction.MENTOR_TRAINING_CONFIRM,
                target=profile,
                subject=profile.user,
                detail={"topic": topic},
            )
    return item


# --- state transitions -------------------------------------------------------------------


def _transition(profile: MentorProfile, to: str, *, by: User) -> MentorProfile:
    """Inside the caller's transaction, on a locked profile."""
    if to not in STATE_TRANSITIONS[profile.state]:
        raise refuse(
            "state",
            _("A mentor who is %(current)s cannot become %(new)s.")
            % {"current": profile.get_state_display(), "new": MentorState(to).label},
            "invalid_transition",
        )
    previous = profile.state
    profile.state = to
    profile.state_changed_at = timezone.now()
    profile.save(update_fields=["state", "state_changed_at"])
    MentorStateChange.objects.create(
        profile=profile, from_state=previous, to_state=to, changed_by=by
    )
    role = ProgramRole.objects.filter(
        user_id=profile.user_id, program_id=profile.program_id, role=Role.PEER_MENTOR
    )
    if to == MentorState.ACTIVE:
        ProgramRole.objects.get_or_create(
            user_id=profile.user_id, program_id=profile.program_id, role=Role.PEER_MENTOR
        )
    else:
        role.delete()
    if to == MentorState.RETIRED:
        for mentorship in profile.mentorships.filter(ended_at__isnull=True):
            _end(mentorship, by=by)
    if previous == MentorState.ACTIVE:
        # Open pages of the mentorship spaces re-check access when their
        # socket reconnects; closing it makes the pause reach them now.
        user_id = profile.user_id
        transaction.on_commit(lambda: close_user_sockets(user_id))
    record(
        actor=by,
        action=AuditAction.MENTOR_STATE,
        target=profile,
        subject=profile.user,
        detail={"from": previous, "to": to},
    )
    return profile


def _locked(profile: MentorProfile) -> MentorProfile:
    return (
        MentorProfile.objects.select_for_update()
        .select_related("user", "program")
        .get(pk=profile.pk)
    )


def do_start_training(*, profile: MentorProfile, by: User) -> MentorProfile:
    """Staff accept an application: the checklist starts, every topic open."""
    with transaction.atomic():
        profile = _transition(_locked(profile), MentorState.IN_TRAINING, by=by)
        for topic in TrainingTopic.values:
            TrainingItem.objects.get_or_create(profile=profile, topic=topic)
        ensure_boundaries_agreement(profile.program)
    return profile


def missing_for_activation(profile: MentorProfile) -> list[str]:
    """What still stands between this mentor and being active, as sentences."""
    missing = []
    unconfirmed = [
        str(TrainingTopic(item.topic).label)
        for item in profile.training.all()
        if item.confirmed_at is None
    ]
    if profile.state == MentorState.IN_TRAINING and (
        unconfirmed or profile.training.count() < len(TrainingTopic.values)
    ):
        missing.append(
            _("Training not confirmed yet: %(topics)s.") % {"topics": ", ".join(unconfirmed)}
        )
    current = mentor_pool.current_agreement(profile.program_id)
    if current is None or profile.agreement_id != current.pk:
        missing.append(_("The current boundaries agreement is not signed."))
    return missing


def do_activate_mentor(*, profile: MentorProfile, by: User) -> MentorProfile:
    """Staff approve a mentor whose training is confirmed and who signed the
    current agreement; a paused mentor resumes (they or staff)."""
    with transaction.atomic():
        profile = _locked(profile)
        if profile.state == MentorState.IN_TRAINING and profile.user_id == by.pk:
            raise refuse("state", _("Staff approve the end of training."), "staff_only")
        if profile.state in (MentorState.IN_TRAINING, MentorState.PAUSED):
            missing = missing_for_activation(profile)
            if missing:
                raise refuse("state", " ".join(missing), "not_ready")
        return _transition(profile, MentorState.ACTIVE, by=by)


def do_pause_mentor(*, profile: MentorProfile, by: User) -> MentorProfile:
    """A mentor may pause themselves; staff may too. Their mentees keep their
    spaces; the mentor stops seeing them until they resume."""
    with transaction.atomic():
        return _transition(_locked(profile), MentorState.PAUSED, by=by)


def do_retire_mentor(*, profile: MentorProfile, by: User) -> MentorProfile:
    """Ends every current mentorship; also how an application is declined."""
    with transaction.atomic():
        return _transition(_locked(profile), MentorState.RETIRED, by=by)


# --- requests and mentorships ---------------------------------------------------------------


def do_request_mentor(
    *, mentee: User, program: Program, lived_experience_wanted: list[str]
) -> MentorRequest:
    wanted = _choices("lived_experience_wanted", lived_experience_wanted, LIVED_EXPERIENCE)
    if not is_mentee_in_cohort(mentee.pk, program.pk):
        raise refuse(
            None, _("You can ask for a mentor while you take part in the program."), "not_enrolled"
        )
    with transaction.atomic():
        if Mentorship.objects.current().filter(program=program, mentee=mentee).exists():
            raise refuse(None, _("You already have a mentor."), "has_mentor")
        if MentorRequest.objects.filter(
            program=program, mentee=mentee, status=RequestStatus.OPEN
        ).exists():
            raise refuse(
                None, _("You have already asked; staff will match you soon."), "already_requested"
            )
        request = MentorRequest.objects.create(
            program=program, mentee=mentee, lived_experience_wanted=wanted
        )
        record(actor=mentee, action=AuditAction.MENTOR_REQUEST, target=request, subject=mentee)
    return request


def do_withdraw_request(*, request: MentorRequest, by: User) -> MentorRequest:
    with transaction.atomic():
        request = MentorRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != RequestStatus.OPEN:
            raise refuse(None, _("This request is no longer open."), "not_open")
        request.status = RequestStatus.WITHDRAWN
        request.closed_at = timezone.now()
        request.save(update_fields=["status", "closed_at"])
        record(
            actor=by,
            action=AuditAction.MENTOR_REQUEST_WITHDRAW,
            target=request,
            subject=request.mentee,
        )
    return request


def _create_mentorship(
    *,
    program: Program,
    profile: MentorProfile,
    request: MentorRequest,
    explanation: dict[str, Any],
    by: User,
) -> Mentorship:
    space = Space.objects.create(
        program=program,
        scope=SpaceScope.MENTORSHIP,
        kind=SpaceKind.GENERAL,
        name=_("%(mentor)s & %(mentee)s")
        % {"mentor": profile.user.display_name, "mentee": request.mentee.display_name},
    )
    mentorship = Mentorship.objects.create(
        program=program,
        mentor_profile=profile,
        mentor=profile.user,
        mentee=request.mentee,
        space=space,
        request=request,
        explanation=explanation,
        started_by=by,
    )
    request.status = RequestStatus.MATCHED
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "closed_at"])
    enqueue_with_change(notify_mentorship_started, mentorship.pk)
    record(
        actor=by,
        action=AuditAction.MENTORSHIP_START,
        target=mentorship,
        subject=request.mentee,
        detail={"mentor_id": profile.user_id},
    )
    return mentorship


def do_confirm_matching(
    *,
    program: Program,
    fingerprint: str,
    by: User,
    only: Iterable[tuple[int, int]] | None = None,
) -> list[Mentorship]:
    """Creates the mentorships of the preview whose ``fingerprint`` staff saw
    (all of them, or the (mentor id, mentee id) pairs in ``only``). The pool
    is rebuilt under locks on the program's mentor profiles: if anything
    changed since the preview it is refused, and capacity is checked again
    per mentor, so it can never be exceeded."""
    with transaction.atomic():
        list(
            MentorProfile.objects.select_for_update()
            .filter(program=program, state=MentorState.ACTIVE)
            .order_by("pk")
        )
        pool = mentor_pool.build_pool(program)
        if pool.fingerprint != fingerprint:
            raise refuse(
                "fingerprint",
                _(
                    "Something changed since this preview (a request, a mentor or their "
                    "capacity). Run the matching again."
                ),
                "stale_preview",
            )
        result = mentor_pool.run(pool)
        wanted = set(only) if only is not None else None
        profiles = {slot.profile.user_id: slot for slot in pool.mentors}
        requests = {r.mentee_id: r for r in pool.requests}
        created = []
        for match in result.matches:
            if wanted is not None and (match.mentor_id, match.mentee_id) not in wanted:
                continue
            slot = profiles[match.mentor_id]
            current = slot.profile.mentorships.filter(ended_at__isnull=True).count()
            if current >= slot.profile.max_mentees:  # never exceed, whatever the preview said
                raise refuse(
                    "fingerprint", _("A mentor is full. Run the matching again."), "capacity"
                )
            created.append(
                _create_mentorship(
                    program=program,
                    profile=slot.profile,
                    request=requests[match.mentee_id],
                    explanation=match.explanation.as_dict(),
                    by=by,
                )
            )
        record(
            actor=by,
            action=AuditAction.MENTOR_MATCHING_CONFIRM,
            detail={"created": len(created)},
            target=program,
        )
    return created


def _end(mentorship: Mentorship, *, by: User) -> None:
    mentorship.ended_at = timezone.now()
    mentorship.ended_by = by
    mentorship.save(update_fields=["ended_at", "ended_by"])
    record(
        actor=by, action=AuditAction.MENTORSHIP_END, target=mentorship, subject=mentorship.mentee
    )
    mentor_id, mentee_id = mentorship.mentor_id, mentorship.mentee_id
    transaction.on_commit(lambda: close_user_sockets(mentor_id))
    transaction.on_commit(lambda: close_user_sockets(mentee_id))


def do_end_mentorship(*, mentorship: Mentorship, by: User) -> Mentorship:
    """Either side or staff; no reason asked. Access to the space ends at once
    (the space rule reads ``ended_at``)."""
    with transaction.atomic():
        mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
        if mentorship.ended_at is not None:
            return mentorship
        _end(mentorship, by=by)
    return mentorship


def do_raise_concern(*, mentorship: Mentorship, kind: str, note: str, by: User) -> Flag:
    """A mentor's concern becomes a flag for the mentee's facilitators."""
    if mentorship.mentor_id != by.pk or mentorship.ended_at is not None:
        raise refuse(None, _("Only the current mentor can raise a concern here."), "not_mentor")
    return do_raise_flag(
        program=mentorship.program,
        subject=mentorship.mentee,
        kind=kind,
        source=FlagSource.MENTOR_CONCERN,
        raised_by=by,
        note=note,
    )


def current_mentee_count(profile: MentorProfile) -> int:
    return profile.mentorships.filter(ended_at__isnull=True).count()


def is_program_admin(user: User, program_id: int) -> bool:
    return program_id in core_access.administered_program_ids(user)


#: The action that moves a mentor to each state (pages and API dispatch here).
TRANSITION_ACTIONS: dict[str, Callable[..., MentorProfile]] = {
    MentorState.IN_TRAINING: do_start_training,
    MentorState.ACTIVE: do_activate_mentor,
    MentorState.PAUSED: do_pause_mentor,
    MentorState.RETIRED: do_retire_mentor,
}
