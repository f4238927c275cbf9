"""Shared primitives of the access policy: who is in which program, group and
phase, and who is staff for whom. Each app's ``access.py`` builds its rules on
these and nothing else, so a rule is written once.

Every function takes the viewer first and answers from the database, never
from anything the client sent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.expressions import Combinable

from commonroom.care.models import (
    COHORT_PHASES,
    STAFF_ROLES,
    Enrollment,
    GroupMembership,
    Program,
    ProgramRole,
    Role,
    TherapyGroup,
)

if TYPE_CHECKING:
    from commonroom.accounts.models import User


def is_signed_in(viewer: User | AnonymousUser) -> bool:
    return bool(viewer.is_authenticated and viewer.is_active)


def viewer_id(viewer: User | AnonymousUser) -> int:
    """The signed-in viewer's id; callers check is_signed_in first."""
    pk = viewer.pk
    if pk is None:
        raise ValueError("an anonymous viewer has no id")
    return int(pk)


def is_superuser(viewer: User | AnonymousUser) -> bool:
    return is_signed_in(viewer) and bool(viewer.is_superuser)


def roles_of(viewer: User | AnonymousUser) -> QuerySet[ProgramRole]:
    if not is_signed_in(viewer):
        return ProgramRole.objects.none()
    return ProgramRole.objects.filter(user_id=viewer_id(viewer)).select_related("program")


def is_staff_member(viewer: User | AnonymousUser) -> bool:
    """Holds a staff role somewhere (facilitator, program admin) or runs the site.
    Staff must use MFA."""
    if not is_signed_in(viewer):
        return False
    if viewer.is_superuser:
        return True
    return ProgramRole.objects.filter(user_id=viewer_id(viewer), role__in=STAFF_ROLES).exists()


def administered_program_ids(viewer: User | AnonymousUser) -> set[int]:
    if not is_signed_in(viewer):
        return set()
    if viewer.is_superuser:
        return set(Program.objects.values_list("pk", flat=True))
    return set(
        ProgramRole.objects.filter(user_id=viewer_id(viewer), role=Role.PROGRAM_ADMIN).values_list(
            "program_id", flat=True
        )
    )


def staff_program_ids(viewer: User | AnonymousUser) -> set[int]:
    """The programs this person is staff of: a facilitator or program-admin
    role there, or every program for a site superuser. This is the one
    answer to "staff of a program" (the agreement gate, program-wide and
    alumni spaces, alumni opportunities ask it)."""
    if not is_signed_in(viewer):
        return set()
    if viewer.is_superuser:
        return set(Program.objects.values_list("pk", flat=True))
    return set(
        ProgramRole.objects.filter(user_id=viewer_id(viewer), role__in=STAFF_ROLES).values_list(
            "program_id", flat=True
        )
    )


def program_staff_ids(program_id: int) -> set[int]:
    """Everyone who is staff of this program (``staff_program_ids`` seen from
    the program; site superusers are not listed)."""
    return set(
        ProgramRole.objects.filter(program_id=program_id, role__in=STAFF_ROLES).values_list(
            "user_id", flat=True
        )
    )


def is_program_staff(user_id: int | Combinable, program_id: int | Combinable) -> Exists:
    """``staff_program_ids`` as a condition, for a query correlated on the
    program or the person (``OuterRef("program_id")``): one rule, usable
    inside one SQL statement."""
    return Exists(
        ProgramRole.objects.filter(user_id=user_id, program_id=program_id, role__in=STAFF_ROLES)
    )


def facilitated_group_ids(viewer: User | AnonymousUser) -> set[int]:
    if not is_signed_in(viewer):
        return set()
    return set(
        TherapyGroup.objects.filter(facilitators__pk=viewer_id(viewer)).values_list("pk", flat=True)
    )


def cohort_memberships() -> QuerySet[GroupMembership]:
    """Open memberships whose person is in a cohort phase of the group's program:
    a completed (alumni) or discharged enrollment stops counting at once."""
    in_cohort = Enrollment.objects.filter(
        user_id=OuterRef("user_id"),
        program_id=OuterRef("group__program_id"),
        phase__in=COHORT_PHASES,
    )
    return GroupMembership.objects.filter(left_at__isnull=True).filter(Exists(in_cohort))


def cohort_group_ids(viewer: User | AnonymousUser) -> set[int]:
    if not is_signed_in(viewer):
        return set()
    return set(
        cohort_memberships().filter(user_id=viewer_id(viewer)).values_list("group_id", flat=True)
    )


def are_peers(viewer: User | AnonymousUser, person_id: int) -> bool:
    """Both are in the active cohort of at least one common therapy group."""
    groups = cohort_group_ids(viewer)
    if not groups:
        return False
    return cohort_memberships().filter(user_id=person_id, group_id__in=groups).exists()


def is_staff_for(viewer: User | AnonymousUser, person_id: int) -> bool:
    """Program admins see the people of their programs; facilitators see the
    people of their own groups and no one else's."""
    if not is_signed_in(viewer):
        return False
    if viewer.is_superuser:
        return True
    programs = administered_program_ids(viewer)
    if programs and (
        Enrollment.objects.filter(user_id=person_id, program_id__in=programs).exists()
        or ProgramRole.objects.filter(user_id=person_id, program_id__in=programs).exists()
    ):
        return True
    groups = facilitated_group_ids(viewer)
    return (
        bool(groups)
        and GroupMembership.objects.filter(
            user_id=person_id, group_id__in=groups, left_at__isnull=True
        ).exists()
    )


def program_admin_ids(program_id: int) -> set[int]:
    return set(
        ProgramRole.objects.filter(program_id=program_id, role=Role.PROGRAM_ADMIN).values_list(
            "user_id", flat=True
        )
    )
