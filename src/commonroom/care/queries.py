"""Reads of the care app that span relations."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch

from commonroom.accounts.models import User
from commonroom.care.models import (
    DoNotPair,
    Enrollment,
    GroupMembership,
    Program,
    ProgramRole,
    Role,
    TherapyGroup,
)
from commonroom.core.audit import AuditAction, audited_read


@dataclass(frozen=True, slots=True)
class RosterLine:
    person: User
    joined_at: object
    phase: str | None
    phase_label: str
    enrollment_id: int | None


def roster(group: TherapyGroup) -> list[RosterLine]:
    """The group's current members with their phase, in two queries."""
    memberships = list(
        GroupMembership.objects.filter(group=group, left_at__isnull=True)
        .select_related("user")
        .order_by("user__display_name")
    )
    enrollments = {
        e.user_id: e
        for e in Enrollment.objects.filter(
            program_id=group.program_id, user_id__in=[m.user_id for m in memberships]
        )
    }
    lines = []
    for membership in memberships:
        enrollment = enrollments.get(membership.user_id)
        lines.append(
            RosterLine(
                person=membership.user,
                joined_at=membership.joined_at,
                phase=enrollment.phase if enrollment else None,
                phase_label=str(enrollment.get_phase_display()) if enrollment else "",
                enrollment_id=enrollment.pk if enrollment else None,
            )
        )
    return lines


def program_enrollments(program_id: int) -> list[Enrollment]:
    open_memberships = GroupMembership.objects.filter(left_at__isnull=True).select_related("group")
    return list(
        Enrollment.objects.filter(program_id=program_id)
        .select_related("user", "track")
        .prefetch_related(
            Prefetch(
                "user__group_memberships", queryset=open_memberships, to_attr="open_memberships"
            )
        )
        .order_by("user__display_name")
    )


def peer_mentor_ids(user_ids: Iterable[int] | None = None) -> set[int]:
    """Everyone who holds the peer-mentor role (of ``user_ids`` if given), in
    one query. The role is held exactly while a mentor is active
    (peers/mentors), and whoever holds it carries the "Peer mentor, not a
    licensed therapist" badge wherever their name is shown."""
    roles = ProgramRole.objects.filter(role=Role.PEER_MENTOR)
    if user_ids is not None:
        roles = roles.filter(user_id__in=list(user_ids))
    return set(roles.values_list("user_id", flat=True))


def do_not_pair_entries(*, program: Program, reader: User) -> list[DoNotPair]:
    """The program's do-not-pair entries with their reasons, for a reader who
    passed ``access.access_program``. Reading the reasons is a read of
    protected data, so it is audited; the page and the API both read here."""
    entries = list(program.do_not_pair.select_related("person_a", "person_b").order_by("pk"))
    record_do_not_pair_read(program=program, reader=reader, shown=entries)
    return entries


def record_do_not_pair_read(*, program: Program, reader: User, shown: list[DoNotPair]) -> None:
    if shown:
        audited_read(
            reader, action=AuditAction.DO_NOT_PAIR_LIST, obj=program, detail={"count": len(shown)}
        )
