"""Program administration over the API: invitations."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router

from commonroom.accounts.models import User
from commonroom.api.errors import ApiError
from commonroom.api.pagination import PageOf, page_of, paged, paged_by_hand
from commonroom.care import access as care_access
from commonroom.care import queries
from commonroom.care.actions import (
    do_accept_agreement,
    do_add_do_not_pair,
    do_change_phase,
    do_create_group,
    do_create_track,
    do_invite_person,
    do_link_couple,
    do_move_between_groups,
    do_place_in_group,
    do_publish_agreement,
    do_remove_do_not_pair,
    do_remove_from_group,
    do_revoke_invitation,
    do_set_couple_policy,
    do_unlink_couple,
    do_update_group,
    do_update_preferences,
    do_update_program,
)
from commonroom.care.models import (
    CoupleLink,
    DoNotPair,
    Enrollment,
    GroupMembership,
    IntakePreferences,
    Invitation,
    PhaseChange,
    Program,
    TherapyGroup,
    Track,
)
from commonroom.care.schemas import (
    AcceptIn,
    AgreementIn,
    AgreementOut,
    AuditEntryOut,
    CoupleIn,
    CoupleOut,
    CouplePatch,
    DoNotPairIn,
    DoNotPairOut,
    EnrollmentOut,
    GroupIn,
    GroupMoveIn,
    GroupOut,
    GroupPatch,
    InvitationIn,
    InvitationOut,
    PhaseChangeOut,
    PhaseIn,
    PlacementIn,
    PreferencesOut,
    PreferencesPatch,
    ProgramDetailOut,
    ProgramOut,
    ProgramPatch,
    RosterLineOut,
    TrackIn,
    TrackOut,
)
from commonroom.core import access as core_access
from commonroom.core.audit import AuditAction, audited_read
from commonroom.core.models import AuditEntry

router = Router(tags=["programs"])


@router.get("/programs/administered", response=list[ProgramOut], summary="Programs the caller runs")
@paged
def administered_programs(request: HttpRequest) -> list[Program]:
    return list(care_access.programs_administered_by(request.user).order_by("name"))


@router.get("/programs/{program_id}/invitations", response=list[InvitationOut])
@paged
def list_invitations(request: HttpRequest, program_id: int) -> QuerySet[Invitation]:
    program = care_access.access_program(request.user, program_id)
    return program.invitations.order_by("-created_at")


@router.post("/programs/{program_id}/invitations", response={201: InvitationOut})
def create_invitation(
    request: HttpRequest, program_id: int, payload: InvitationIn
) -> tuple[int, Invitation]:
    program = care_access.access_program(request.user, program_id, for_write=True)
    assert isinstance(request.user, User)
    invitation = do_invite_person(
        program=program,
        email=str(payload.email),
        role=payload.role,
        language=payload.language,
        invited_by=request.user,
        base_url=request.build_absolute_uri("/"),
    )
    return 201, invitation


@router.delete("/programs/{program_id}/invitations/{invitation_id}", response={204: None})
def revoke_invitation(request: HttpRequest, program_id: int, invitation_id: int) -> HttpResponse:
    program = care_access.access_program(request.user, program_id, for_write=True)
    invitation = program.invitations.filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404
    assert isinstance(request.user, User)
    do_revoke_invitation(invitation=invitation, revoked_by=request.user)
    return HttpResponse(status=204)


# --- program structure ------------------------------------------------------


def _viewer(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@router.get(
    "/programs/{program_id}", response=ProgramDetailOut, summary="A program's settings (admins)"
)
def program_detail(request: HttpRequest, program_id: int) -> Program:
    return care_access.access_program(request.user, program_id)


@router.patch("/programs/{program_id}", response=ProgramDetailOut)
def update_program(request: HttpRequest, program_id: int, payload: ProgramPatch) -> Program:
    program = care_access.access_program(request.user, program_id, for_write=True)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return do_update_program(program=program, changed_by=_viewer(request), changes=changes)


@router.get("/programs/{program_id}/tracks", response=list[TrackOut])
@paged
def list_tracks(request: HttpRequest, program_id: int) -> list[Track]:
    program = care_access.access_program(request.user, program_id)
    return list(program.tracks.order_by("name"))


@router.post("/programs/{program_id}/tracks", response={201: TrackOut})
def create_track(request: HttpRequest, program_id: int, payload: TrackIn) -> tuple[int, Track]:
    program = care_access.access_program(request.user, program_id, for_write=True)
    return 201, do_create_track(program=program, created_by=_viewer(request), **payload.dict())


def _group_out(group: TherapyGroup) -> dict[str, Any]:
    return {
        "id": group.pk,
        "program_id": group.program_id,
        "name": group.name,
        "kind": group.kind,
        "capacity": group.capacity,
        "track_id": group.track_id,
        "enrollment_open": group.enrollment_open,
        "session_pattern": group.session_pattern,
        "session_start": group.session_start,
        "session_minutes": group.session_minutes,
        "facilitator_ids": sorted(group.facilitators.values_list("pk", flat=True)),
    }


def _track_of(program: Program, track_id: int | None) -> Track | None:
    if track_id is None:
        return None
    track = program.tracks.filter(pk=track_id).first()
    if track is None:
        raise ApiError(422, "invalid", "Choose one of this program's tracks.", "track_id")
    return track


@router.get(
    "/programs/{program_id}/groups", response=list[GroupOut], summary="Groups the caller may see"
)
@paged
def list_groups(request: HttpRequest, program_id: int) -> list[dict[str, Any]]:
    groups = (
        care_access.groups_visible_to(request.user).filter(program_id=program_id).order_by("name")
    )
    return [_group_out(g) for g in groups]


@router.post("/programs/{program_id}/groups", response={201: GroupOut})
def create_group(
    request: HttpRequest, program_id: int, payload: GroupIn
) -> tuple[int, dict[str, Any]]:
    program = care_access.access_program(request.user, program_id, for_write=True)
    data = payload.dict()
    group = do_create_group(
        program=program,
        created_by=_viewer(request),
        name=data["name"],
        kind=data["kind"],
        capacity=data["capacity"],
        track=_track_of(program, data["track_id"]),
        enrollment_open=data["enrollment_open"],
        session_pattern=data["session_pattern"],
        session_start=data["session_start"],
        session_minutes=data["session_minutes"],
        facilitator_ids=data["facilitator_ids"],
    )
    return 201, _group_out(group)


@router.get("/groups/{group_id}", response=GroupOut)
def group_detail(request: HttpRequest, group_id: int) -> dict[str, Any]:
    return _group_out(care_access.access_group(request.user, group_id))


@router.patch("/groups/{group_id}", response=GroupOut)
def update_group(request: HttpRequest, group_id: int, payload: GroupPatch) -> dict[str, Any]:
    group = care_access.access_group(request.user, group_id, for_write=True)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    facilitators = changes.pop("facilitator_ids", None)
    group = do_update_group(
        group=group, changed_by=_viewer(request), changes=changes, facilitator_ids=facilitators
    )
    return _group_out(group)


@router.get("/groups/{group_id}/roster", response=list[RosterLineOut], exclude_none=True)
@paged
def group_roster(request: HttpRequest, group_id: int) -> list[dict[str, Any]]:
    """Staff see phase and joining date; peers (who accepted the agreement)
    see display names and pronouns."""
    group = care_access.access_group(request.user, group_id)
    staff = care_access.is_group_staff(request.user, group)
    lines = []
    for line in queries.roster(group):
        item: dict[str, Any] = {
            "user_id": line.person.pk,
            "display_name": line.person.display_name,
            "pronouns": line.person.pronouns,
        }
        if staff:
            item.update(phase=line.phase, joined_at=line.joined_at)
        lines.append(item)
    return lines


@router.post("/groups/{group_id}/members", response={201: RosterLineOut})
def place_member(
    request: HttpRequest, group_id: int, payload: PlacementIn
) -> tuple[int, dict[str, Any]]:
    group = care_access.access_group(request.user, group_id, for_write=True)
    membership = do_place_in_group(
        group_id=group.pk,
        user_id=payload.user_id,
        placed_by=_viewer(request),
        override=payload.override,
    )
    person = membership.user
    return 201, {
        "user_id": person.pk,
        "display_name": person.display_name,
        "pronouns": person.pronouns,
        "joined_at": membership.joined_at,
    }


@router.delete("/groups/{group_id}/members/{user_id}", response={204: None})
def remove_member(request: HttpRequest, group_id: int, user_id: int) -> HttpResponse:
    group = care_access.access_group(request.user, group_id, for_write=True)
    do_remove_from_group(group_id=group.pk, user_id=user_id, removed_by=_viewer(request))
    return HttpResponse(status=204)


# --- enrollments ------------------------------------------------------------


def _enrollment_out(enrollment: Enrollment, viewer: User | AnonymousUser) -> dict[str, Any]:
    return {
        "id": enrollment.pk,
        "user_id": enrollment.user_id,
        "program_id": enrollment.program_id,
        "phase": enrollment.phase,
        "phase_changed_at": enrollment.phase_changed_at,
        "track_id": enrollment.track_id,
        "group_ids": sorted(
            GroupMembership.objects.filter(
                user_id=enrollment.user_id,
                group__program_id=enrollment.program_id,
                left_at__isnull=True,
            )
            .exclude(care_access.hidden_memberships(viewer))
            .values_list("group_id", flat=True)
        ),
    }


@router.get("/programs/{program_id}/enrollments", response=list[EnrollmentOut])
@paged
def list_enrollments(request: HttpRequest, program_id: int) -> list[dict[str, Any]]:
    program = care_access.access_program(request.user, program_id)
    return [_enrollment_out(e, request.user) for e in program.enrollments.order_by("pk")]


@router.get("/enrollments/{enrollment_id}", response=EnrollmentOut)
def enrollment_detail(request: HttpRequest, enrollment_id: int) -> dict[str, Any]:
    return _enrollment_out(care_access.access_enrollment(request.user, enrollment_id), request.user)


@router.get("/enrollments/{enrollment_id}/history", response=list[PhaseChangeOut])
@paged
def enrollment_history(request: HttpRequest, enrollment_id: int) -> list[PhaseChange]:
    enrollment = care_access.access_enrollment(request.user, enrollment_id)
    return list(enrollment.history.all())


@router.post("/enrollments/{enrollment_id}/phase", response=EnrollmentOut)
def change_phase(request: HttpRequest, enrollment_id: int, payload: PhaseIn) -> dict[str, Any]:
    enrollment = care_access.access_enrollment(request.user, enrollment_id, for_write=True)
    enrollment = do_change_phase(
        enrollment_id=enrollment.pk,
        to_phase=payload.phase,
        reason=payload.reason,
        changed_by=_viewer(request),
    )
    return _enrollment_out(enrollment, request.user)


@router.post("/enrollments/{enrollment_id}/move", response=EnrollmentOut)
def move_between_groups(
    request: HttpRequest, enrollment_id: int, payload: GroupMoveIn
) -> dict[str, Any]:
    enrollment = care_access.access_enrollment(request.user, enrollment_id)
    care_access.access_program(request.user, enrollment.program_id, for_write=True)
    for group_id in (payload.from_group_id, payload.to_group_id):
        if (
            care_access.access_group(request.user, group_id, for_write=True).program_id
            != enrollment.program_id
        ):
            raise Http404
    do_move_between_groups(
        user_id=enrollment.user_id,
        from_group_id=payload.from_group_id,
        to_group_id=payload.to_group_id,
        moved_by=_viewer(request),
        override=payload.override,
    )
    return _enrollment_out(enrollment, request.user)


# --- couples and do-not-pair --------------------------------------------------


@router.get("/programs/{program_id}/couples", response=list[CoupleOut])
@paged
def list_couples(request: HttpRequest, program_id: int) -> list[CoupleLink]:
    """Partners see their own link; staff see the links of their people."""
    return list(
        care_access.couples_visible_to(request.user).filter(program_id=program_id).order_by("pk")
    )


@router.post("/programs/{program_id}/couples", response={201: CoupleOut})
def link_couple(request: HttpRequest, program_id: int, payload: CoupleIn) -> tuple[int, CoupleLink]:
    program = care_access.access_program(request.user, program_id, for_write=True)
    return 201, do_link_couple(program=program, linked_by=_viewer(request), **payload.dict())


@router.patch("/couples/{couple_id}", response=CoupleOut)
def set_couple_policy(request: HttpRequest, couple_id: int, payload: CouplePatch) -> CoupleLink:
    couple = care_access.access_couple(request.user, couple_id, for_write=True)
    return do_set_couple_policy(couple=couple, policy=payload.policy, changed_by=_viewer(request))


@router.delete("/couples/{couple_id}", response={204: None})
def unlink_couple(request: HttpRequest, couple_id: int) -> HttpResponse:
    couple = care_access.access_couple(request.user, couple_id, for_write=True)
    do_unlink_couple(couple=couple, unlinked_by=_viewer(request))
    return HttpResponse(status=204)


@router.get("/programs/{program_id}/do-not-pair", response=list[DoNotPairOut])
@paged_by_hand
def list_do_not_pair(request: HttpRequest, program_id: int, **kwargs: Any) -> PageOf:
    """Program admins only, like the page: the reasons are for them."""
    program = care_access.access_program(request.user, program_id)
    entries = page_of(program.do_not_pair.order_by("pk"), kwargs["page"])
    queries.record_do_not_pair_read(program=program, reader=_viewer(request), shown=entries.items)
    return entries


@router.post("/programs/{program_id}/do-not-pair", response={201: DoNotPairOut})
def add_do_not_pair(
    request: HttpRequest, program_id: int, payload: DoNotPairIn
) -> tuple[int, DoNotPair]:
    program = care_access.access_program(request.user, program_id, for_write=True)
    return 201, do_add_do_not_pair(program=program, recorded_by=_viewer(request), **payload.dict())


@router.delete("/do-not-pair/{entry_id}", response={204: None})
def remove_do_not_pair(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = care_access.access_do_not_pair(request.user, entry_id, for_write=True)
    do_remove_do_not_pair(entry=entry, removed_by=_viewer(request))
    return HttpResponse(status=204)


# --- agreements -------------------------------------------------------------


@router.get("/programs/{program_id}/agreement", response=AgreementOut)
def current_agreement(request: HttpRequest, program_id: int) -> dict[str, Any]:
    program = care_access.access_program_as_member(request.user, program_id)
    agreement = care_access.current_agreement(program.pk)
    if agreement is None:
        raise ApiError(404, "no_agreement", "This program has not published a group agreement yet.")
    return {
        "program_id": program.pk,
        "version": agreement.version,
        "body": agreement.body,
        "published_at": agreement.published_at,
        "accepted": agreement.acceptances.filter(
            user_id=core_access.viewer_id(request.user)
        ).exists(),
    }


@router.post("/programs/{program_id}/agreement", response={201: AgreementOut})
def publish_agreement(
    request: HttpRequest, program_id: int, payload: AgreementIn
) -> tuple[int, dict[str, Any]]:
    program = care_access.access_program(request.user, program_id, for_write=True)
    agreement = do_publish_agreement(
        program=program, body=payload.body, published_by=_viewer(request)
    )
    return 201, {
        "program_id": program.pk,
        "version": agreement.version,
        "body": agreement.body,
        "published_at": agreement.published_at,
        "accepted": False,
    }


@router.post("/programs/{program_id}/agreement/accept", response=AgreementOut)
def accept_agreement(request: HttpRequest, program_id: int, payload: AcceptIn) -> dict[str, Any]:
    program = care_access.access_program_as_member(request.user, program_id)
    acceptance = do_accept_agreement(
        user=_viewer(request), program=program, version=payload.version
    )
    agreement = acceptance.agreement
    return {
        "program_id": program.pk,
        "version": agreement.version,
        "body": agreement.body,
        "published_at": agreement.published_at,
        "accepted": True,
    }


# --- preferences and the accounting of disclosures ---------------------------


def _preferences_out(prefs: IntakePreferences) -> dict[str, Any]:
    return {
        "languages": prefs.languages,
        "availability": prefs.availability,
        "affinity_interests": prefs.affinity_interests,
        "use_affinities_for_matching": prefs.use_affinities_for_matching,
        "mentor_gender_preference": prefs.mentor_gender_preference,
        "camera_comfort": prefs.camera_comfort,
        "visibility": dict(IntakePreferences.VISIBILITY),
    }


@router.get("/me/preferences", response=PreferencesOut)
def my_preferences(request: HttpRequest) -> dict[str, Any]:
    user = _viewer(request)
    prefs = IntakePreferences.objects.filter(user=user).first() or IntakePreferences(user=user)
    return _preferences_out(prefs)


@router.patch("/me/preferences", response=PreferencesOut)
def update_my_preferences(request: HttpRequest, payload: PreferencesPatch) -> dict[str, Any]:
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return _preferences_out(do_update_preferences(user=_viewer(request), changes=changes))


@router.get("/people/{person_id}/preferences", response=PreferencesOut)
def person_preferences(request: HttpRequest, person_id: int) -> dict[str, Any]:
    """The care team reads a person's preferences; the read is audited."""
    if not core_access.is_staff_for(request.user, person_id):
        raise Http404
    person = User.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404
    prefs = IntakePreferences.objects.filter(user=person).first() or IntakePreferences(user=person)
    audited_read(request.user, action=AuditAction.PREFERENCES_READ, subject=person, obj=person)
    return _preferences_out(prefs)


@router.get("/people/{person_id}/audit", response=list[AuditEntryOut])
@paged
def person_audit(request: HttpRequest, person_id: int) -> QuerySet[AuditEntry]:
    if not care_access.can_review_audit_of(request.user, person_id):
        raise Http404
    return AuditEntry.objects.filter(subject_id=person_id).order_by("-seq")
