"""Phases of an enrollment, and the group membership that follows them."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commonroom.accounts.models import User
from commonroom.care.models import (
    COHORT_PHASES,
    PHASE_TRANSITIONS,
    CoupleLink,
    CouplePolicy,
    DoNotPair,
    Enrollment,
    GroupMembership,
    Phase,
    PhaseChange,
    TherapyGroup,
)
from commonroom.core.audit import AuditAction, record
from commonroom.core.validation import refuse
from commonroom.realtime.actions import close_user_sockets

# Phases that end a person's place in the active cohort.
LEAVING_PHASES = frozenset({Phase.COMPLETED, Phase.DISCHARGED})


def _phase_label(phase: str) -> str:
    return str(Phase(phase).label)


def do_change_phase(
    *, enrollment_id: int, to_phase: str, reason: str, changed_by: User
) -> Enrollment:
    """Moves an enrollment along the allowed transitions, with a dated reason.
    Completing or discharging closes the person's group memberships and their
    open sockets at once, so an alumnus stops receiving the active cohort."""
    reason = reason.strip()
    if not reason:
        raise refuse(
            "reason", _("Say why the phase changes; it goes in the dated history."), "required"
        )
    if to_phase not in Phase.values:
        raise refuse("phase", _("Choose one of the listed phases."), "invalid")
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment_id)
        from_phase = enrollment.phase
        allowed = PHASE_TRANSITIONS[from_phase]
        if to_phase not in allowed:
            names = ", ".join(_phase_label(p) for p in sorted(allowed)) or _("none (final)")
            raise refuse(
                "phase",
                _("An enrollment in %(from)s cannot move to %(to)s. Allowed next: %(allowed)s.")
                % {
                    "from": _phase_label(from_phase),
                    "to": _phase_label(to_phase),
                    "allowed": names,
                },
                "illegal_transition",
            )
        now = timezone.now()
        enrollment.phase = to_phase
        enrollment.phase_changed_at = now
        enrollment.save(update_fields=["phase", "phase_changed_at", "updated_at"])
        PhaseChange.objects.create(
            enrollment=enrollment,
            from_phase=from_phase,
            to_phase=to_phase,
            changed_at=now,
            changed_by=changed_by,
            reason=reason,
        )
        if to_phase in LEAVING_PHASES:
            GroupMembership.objects.filter(
                user_id=enrollment.user_id,
                group__program_id=enrollment.program_id,
                left_at__isnull=True,
            ).update(left_at=now)
        record(
            actor=changed_by,
            action=AuditAction.ENROLLMENT_PHASE,
            target=enrollment,
            subject=enrollment.user,
            detail={"from": from_phase, "to": to_phase},
        )
        user_id = enrollment.user_id
        # Sockets re-check access when they reconnect; closing them is what
        # makes the change reach pages that are already open.
        transaction.on_commit(lambda: close_user_sockets(user_id))
    return enrollment


def _check_pairs_in_group(group: TherapyGroup, user_id: int) -> None:
    members = set(
        GroupMembership.objects.filter(group=group, left_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )
    if not members:
        return
    apart = CoupleLink.objects.filter(program_id=group.program_id, policy=CouplePolicy.APART)
    for couple in apart.filter(person_a_id=user_id) | apart.filter(person_b_id=user_id):
        partner = couple.person_b_id if couple.person_a_id == user_id else couple.person_a_id
        if partner in members:
            raise refuse(
                "group",
                _("This person's partner is in this group and their couple policy is 'apart'."),
                "couple_apart",
            )
    conflicts = DoNotPair.objects.filter(program_id=group.program_id)
    for entry in conflicts.filter(person_a_id=user_id) | conflicts.filter(person_b_id=user_id):
        other = entry.person_b_id if entry.person_a_id == user_id else entry.person_a_id
        if other in members:
            raise refuse(
                "group",
                _("Someone in this group is on this person's do-not-pair list."),
                "do_not_pair",
            )


def do_place_in_group(
    *, group_id: int, user_id: int, placed_by: User, override: bool = False
) -> GroupMembership:
    """Adds an enrolled person to a therapy group. Past capacity, into a
    closed group, or beside an 'apart' partner or a do-not-pair person, only
    with an admin's explicit override."""
    with transaction.atomic():
        # Locking the group row serialises placements: two admins cannot both
        # take the last seat.
        group = TherapyGroup.objects.select_for_update().select_related("program").get(pk=group_id)
        enrollment = Enrollment.objects.filter(user_id=user_id, program_id=group.program_id).first()
        if enrollment is None or enrollment.phase not in COHORT_PHASES:
            raise refuse(
                "user",
                _(
                    "Only people in intake, active or step-down in this program "
                    "can join its groups."
                ),
                "not_in_cohort",
            )
        if group.archived_at is not None:
            raise refuse("group", _("This group is archived."), "archived")
        if GroupMembership.objects.filter(
            group=group, user_id=user_id, left_at__isnull=True
        ).exists():
            raise refuse("user", _("This person is already in this group."), "already_member")
        if not override:
            if not group.enrollment_open:
                raise refuse(
                    "group",
                    _("%(group)s has closed enrollment. An admin can override.")
                    % {"group": group.name},
                    "group_closed",
                )
            count = GroupMembership.objects.filter(group=group, left_at__isnull=True).count()
            if count >= group.capacity:
                raise refuse(
                    "group",
                    _(
                        "%(group)s is full (%(count)s of %(capacity)s places). "
                        "Choose another group, or override as an admin."
                    )
                    % {"group": group.name, "count": count, "capacity": group.capacity},
                    "group_full",
                )
            _check_pairs_in_group(group, user_id)
        membership = GroupMembership.objects.create(group=group, user_id=user_id)
        record(
            actor=placed_by,
            action=AuditAction.GROUP_PLACE,
            target=membership,
            subject=enrollment.user,
            detail={"group": group.pk, "override": override},
        )
    return membership


def do_remove_from_group(*, group_id: int, user_id: int, removed_by: User) -> None:
    with transaction.atomic():
        updated = GroupMembership.objects.filter(
            group_id=group_id, user_id=user_id, left_at__isnull=True
        ).update(left_at=timezone.now())
        if not updated:
            raise refuse("user", _("This person is not in this group."), "not_member")
        record(
            actor=removed_by,
            action=AuditAction.GROUP_REMOVE,
            target=TherapyGroup.objects.get(pk=group_id),
            subject=User.objects.get(pk=user_id),
        )
        transaction.on_commit(lambda: close_user_sockets(user_id))


def do_move_between_groups(
    *, user_id: int, from_group_id: int, to_group_id: int, moved_by: User, override: bool = False
) -> GroupMembership:
    """Leaving one group and joining another happen together or not at all."""
    if from_group_id == to_group_id:
        raise refuse("to_group", _("Choose a different group."), "same_group")
    with transaction.atomic():
        do_remove_from_group(group_id=from_group_id, user_id=user_id, removed_by=moved_by)
        return do_place_in_group(
            group_id=to_group_id, user_id=user_id, placed_by=moved_by, override=override
        )
