"""Access to programs and invitations."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from commonroom.accounts.models import User
from commonroom.care.models import (
    AgreementVersion,
    CoupleLink,
    DoNotPair,
    Enrollment,
    GroupKind,
    GroupMembership,
    Invitation,
    Program,
    ProgramRole,
    TherapyGroup,
)
from commonroom.core import access as core_access

SESSION_KEY = "commonroom_invitation_id"


class InvitationUnavailable(Exception):
    """An invitation link that cannot be used, with the reason people are told."""

    MESSAGES = {
        "unknown": _("This invitation link is not valid. Check that you copied all of it."),
        "expired": _("This invitation has expired. Ask your program for a new one."),
        "used": _("This invitation has already been used. Sign in instead."),
        "revoked": _("This invitation was withdrawn. Ask your program for a new one."),
        "missing": _("Sign-up needs an invitation from your program."),
    }

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    @property
    def message(self) -> str:
        return str(self.MESSAGES[self.reason])


def programs_administered_by(viewer: User | AnonymousUser) -> QuerySet[Program]:
    return Program.objects.filter(pk__in=core_access.administered_program_ids(viewer))


def access_program(
    viewer: User | AnonymousUser, program_id: int, *, for_write: bool = False
) -> Program:
    """Program admins (and site superusers) may see and manage a program."""
    program = programs_administered_by(viewer).filter(pk=program_id).first()
    if program is None:
        raise Http404
    return program


def invitation_from_token(raw: str) -> Invitation:
    """The invitation a link names, or InvitationUnavailable saying why not."""
    from commonroom.care.tokens import invitation_token, parse_invitation_token

    invitation_id = parse_invitation_token(raw)
    invitation = Invitation.objects.filter(pk=invitation_id).first() if invitation_id else None
    if invitation is None or not constant_time_compare(invitation_token(invitation), raw):
        raise InvitationUnavailable("unknown")
    return check_open(invitation)


def check_open(invitation: Invitation) -> Invitation:
    if invitation.accepted_at is not None:
        raise InvitationUnavailable("used")
    if invitation.revoked_at is not None:
        raise InvitationUnavailable("revoked")
    if invitation.expires_at <= timezone.now():
        raise InvitationUnavailable("expired")
    return invitation


def invitation_in_session(request: HttpRequest | None) -> Invitation | None:
    if request is None or not hasattr(request, "session"):
        return None
    invitation_id = request.session.get(SESSION_KEY)
    if not invitation_id:
        return None
    invitation = Invitation.objects.filter(pk=invitation_id).first()
    if invitation is None:
        return None
    try:
        return check_open(invitation)
    except InvitationUnavailable:
        return None


def remember_invitation(request: HttpRequest, invitation: Invitation) -> None:
    request.session[SESSION_KEY] = invitation.pk


def forget_invitation(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


# --- groups, enrollments, couples, do-not-pair, agreements -------------------


def groups_visible_to(viewer: User | AnonymousUser) -> QuerySet[TherapyGroup]:
    """Admins see their programs' groups, facilitators their own, members the
    groups they are in the active cohort of."""
    if not core_access.is_signed_in(viewer):
        return TherapyGroup.objects.none()
    ids = core_access.facilitated_group_ids(viewer) | core_access.cohort_group_ids(viewer)
    return TherapyGroup.objects.filter(
        Q(pk__in=ids) | Q(program_id__in=core_access.administered_program_ids(viewer))
    ).distinct()


def is_group_staff(viewer: User | AnonymousUser, group: TherapyGroup) -> bool:
    return group.program_id in core_access.administered_program_ids(viewer) or group.pk in (
        core_access.facilitated_group_ids(viewer)
    )


def access_group(
    viewer: User | AnonymousUser, group_id: int, *, for_write: bool = False
) -> TherapyGroup:
    """Reading: the group's staff and cohort members (who have accepted the
    current agreement: ``AgreementRequired`` otherwise). Changing the group
    or its membership: program admins."""
    group = groups_visible_to(viewer).select_related("program").filter(pk=group_id).first()
    if group is None:
        raise Http404
    if for_write and group.program_id not in core_access.administered_program_ids(viewer):
        raise Http404
    require_current_agreement(viewer, group.program_id)
    return group


def hidden_memberships(viewer: User | AnonymousUser) -> Q:
    """Matches the memberships of affinity groups this viewer may not know
    the members of: affinity membership is shown only to the group's own
    cohort, its facilitators and the program's admins. Exclude it wherever a
    person's groups are listed to someone else (the person's own are never
    hidden from them: they are in its cohort)."""
    if not core_access.is_signed_in(viewer):
        return Q(group__kind=GroupKind.AFFINITY)
    visible = core_access.cohort_group_ids(viewer) | core_access.facilitated_group_ids(viewer)
    return (
        Q(group__kind=GroupKind.AFFINITY)
        & ~Q(group_id__in=visible)
        & ~Q(group__program_id__in=core_access.administered_program_ids(viewer))
        & ~Q(user_id=viewer.pk)
    )


def enrollments_visible_to(viewer: User | AnonymousUser) -> QuerySet[Enrollment]:
    if not core_access.is_signed_in(viewer):
        return Enrollment.objects.none()
    facilitated_people = GroupMembership.objects.filter(
        group_id__in=core_access.facilitated_group_ids(viewer), left_at__isnull=True
    ).values("user_id")
    return Enrollment.objects.filter(
        Q(user_id=viewer.pk)
        | Q(program_id__in=core_access.administered_program_ids(viewer))
        | Q(user_id__in=facilitated_people)
    )


def access_enrollment(
    viewer: User | AnonymousUser, enrollment_id: int, *, for_write: bool = False
) -> Enrollment:
    """Reading (with phase history): the person, their facilitators, their
    program's admins. Changing phase: their facilitators and program admins."""
    enrollment = (
        enrollments_visible_to(viewer)
        .select_related("program", "user", "track")
        .filter(pk=enrollment_id)
        .first()
    )
    if enrollment is None:
        raise Http404
    if for_write and not core_access.is_staff_for(viewer, enrollment.user_id):
        raise Http404
    if for_write and enrollment.user_id == viewer.pk and not core_access.is_superuser(viewer):
        # Nobody changes their own care record.
        raise Http404
    return enrollment


def couples_visible_to(viewer: User | AnonymousUser) -> QuerySet[CoupleLink]:
    """The two partners and staff for either of them."""
    if not core_access.is_signed_in(viewer):
        return CoupleLink.objects.none()
    people = _people_staffed_by(viewer)
    return CoupleLink.objects.filter(
        Q(person_a_id=viewer.pk)
        | Q(person_b_id=viewer.pk)
        | Q(program_id__in=core_access.administered_program_ids(viewer))
        | Q(person_a_id__in=people)
        | Q(person_b_id__in=people)
    )


def access_couple(
    viewer: User | AnonymousUser, couple_id: int, *, for_write: bool = False
) -> CoupleLink:
    couple = couples_visible_to(viewer).filter(pk=couple_id).first()
    if couple is None or (
        for_write and couple.program_id not in core_access.administered_program_ids(viewer)
    ):
        raise Http404
    return couple


def do_not_pair_visible_to(viewer: User | AnonymousUser) -> QuerySet[DoNotPair]:
    """Program admins only. The two people never see the entry, and neither
    do facilitators: the reasons are the admins' record (the page and the
    API agree)."""
    if not core_access.is_signed_in(viewer):
        return DoNotPair.objects.none()
    return DoNotPair.objects.filter(program_id__in=core_access.administered_program_ids(viewer))


def access_do_not_pair(
    viewer: User | AnonymousUser, entry_id: int, *, for_write: bool = False
) -> DoNotPair:
    entry = do_not_pair_visible_to(viewer).filter(pk=entry_id).first()
    if entry is None or (
        for_write and entry.program_id not in core_access.administered_program_ids(viewer)
    ):
        raise Http404
    return entry


def _people_staffed_by(viewer: User | AnonymousUser) -> QuerySet[GroupMembership, Any]:
    return GroupMembership.objects.filter(
        group_id__in=core_access.facilitated_group_ids(viewer), left_at__isnull=True
    ).values("user_id")


def access_program_as_member(viewer: User | AnonymousUser, program_id: int) -> Program:
    """Anyone with a role in the program may read its agreement."""
    program = (
        Program.objects.filter(pk=program_id, roles__user_id=core_access.viewer_id(viewer))
        .distinct()
        .first()
        if core_access.is_signed_in(viewer)
        else None
    )
    if program is None and program_id in core_access.administered_program_ids(viewer):
        program = Program.objects.filter(pk=program_id).first()
    if program is None:
        raise Http404
    return program


def can_review_audit_of(viewer: User | AnonymousUser, person_id: int) -> bool:
    """The accounting of who accessed a record: program admins of a program
    the person belongs to, and site superusers."""
    if core_access.is_superuser(viewer):
        return True
    programs = core_access.administered_program_ids(viewer)
    return bool(programs) and (
        Enrollment.objects.filter(user_id=person_id, program_id__in=programs).exists()
        or ProgramRole.objects.filter(user_id=person_id, program_id__in=programs).exists()
    )


# --- the group agreement gate -----------------------------------------------


class AgreementRequired(Exception):
    """The person must accept the program's current agreement first. The one
    exception of the gate: pages answer it with a redirect to the agreement
    (care/middleware.py), the API with 403 ``agreement_required``
    (api/errors.py), and sockets are never subscribed (spaces/access.py)."""

    def __init__(self, agreement: AgreementVersion) -> None:
        super().__init__(f"agreement v{agreement.version} not accepted")
        self.agreement = agreement

    @property
    def program_id(self) -> int:
        return self.agreement.program_id


def current_agreement(program_id: int) -> AgreementVersion | None:
    return AgreementVersion.objects.filter(program_id=program_id).order_by("-version").first()


def _held_back(agreement: AgreementVersion, user_ids: Collection[int]) -> set[int]:
    """Of these people, those the gate stops: not staff of the program (nor
    site superusers), and not yet accepting this version."""
    accepted = agreement.acceptances.filter(user_id=OuterRef("pk"))
    return set(
        User.objects.filter(pk__in=list(user_ids), is_superuser=False)
        .exclude(core_access.is_program_staff(OuterRef("pk"), agreement.program_id))
        .exclude(Exists(accepted))
        .values_list("pk", flat=True)
    )


def needs_agreement(viewer: User | AnonymousUser, program_id: int) -> AgreementVersion | None:
    """The current agreement when this person (a participant, mentor or
    alumnus, not staff) has not accepted it yet."""
    if not core_access.is_signed_in(viewer):
        return None
    agreement = current_agreement(program_id)
    if agreement is None:
        return None
    uid = core_access.viewer_id(viewer)
    return agreement if uid in _held_back(agreement, {uid}) else None


def held_back_by_agreement(program_id: int, user_ids: Collection[int]) -> set[int]:
    """``needs_agreement`` for many people at once (who of a space's readers
    may not receive its live events), in two queries."""
    agreement = current_agreement(program_id)
    if agreement is None or not user_ids:
        return set()
    return _held_back(agreement, user_ids)


def require_current_agreement(viewer: User | AnonymousUser, program_id: int) -> None:
    """Call before showing any peer space, group or session of the program;
    staff of the program pass."""
    agreement = needs_agreement(viewer, program_id)
    if agreement is not None:
        raise AgreementRequired(agreement)
