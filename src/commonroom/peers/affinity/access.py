"""Who may see an affinity group, ask to join it, see who belongs, and decide.

Membership is sensitive: who belongs to an affinity group is shown only to
the group's members (its active cohort) and its staff (the facilitators who
lead it and the program's admins). Everyone else who may see the catalogue
learns what a group is for and their own standing, never a name or a count.

Who may ask to join: people enrolled in the program in a cohort phase
(intake, active, step-down). Alumni and discharged people do not: group
membership and the spaces that come with it belong to the active cohort
(care's ``cohort_memberships``), and alumni have their own lounge.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from commonroom.accounts.models import User
from commonroom.care.models import COHORT_PHASES, Enrollment, TherapyGroup
from commonroom.core import access as core_access
from commonroom.peers.affinity.models import AffinityGroup, JoinRequest


def cohort_program_ids(viewer: User | AnonymousUser) -> set[int]:
    if not core_access.is_signed_in(viewer):
        return set()
    return set(
        Enrollment.objects.filter(
            user_id=core_access.viewer_id(viewer), phase__in=COHORT_PHASES
        ).values_list("program_id", flat=True)
    )


def _staff_program_ids(viewer: User | AnonymousUser) -> set[int]:
    """Programs whose catalogue this person sees as staff: admins, and the
    facilitators of any of its groups."""
    facilitated = core_access.facilitated_group_ids(viewer)
    return core_access.administered_program_ids(viewer) | set(
        TherapyGroup.objects.filter(pk__in=facilitated).values_list("program_id", flat=True)
    )


def affinity_groups_visible_to(viewer: User | AnonymousUser) -> QuerySet[AffinityGroup]:
    """The catalogue: running entries of the programs a person is in the
    cohort of; every current entry of the programs they are staff in."""
    if not core_access.is_signed_in(viewer):
        return AffinityGroup.objects.none()
    return (
        AffinityGroup.objects.current()
        .filter(
            Q(program_id__in=_staff_program_ids(viewer))
            | Q(
                program_id__in=cohort_program_ids(viewer),
                group__isnull=False,
                group__archived_at__isnull=True,
            )
        )
        .select_related("program", "group")
    )


def access_affinity_group(
    viewer: User | AnonymousUser, affinity_id: int, *, for_write: bool = False
) -> AffinityGroup:
    """Reading the entry: see ``affinity_groups_visible_to``. Changing the
    catalogue entry (name, description, leads, archiving): program admins."""
    if for_write:
        affinity = (
            AffinityGroup.objects.filter(
                pk=affinity_id, program_id__in=core_access.administered_program_ids(viewer)
            )
            .select_related("program", "group")
            .first()
        )
    else:
        affinity = affinity_groups_visible_to(viewer).filter(pk=affinity_id).first()
    if affinity is None:
        raise Http404
    return affinity


def is_affinity_staff(viewer: User | AnonymousUser, affinity: AffinityGroup) -> bool:
    """The group's lead facilitators and the program's admins."""
    if affinity.program_id in core_access.administered_program_ids(viewer):
        return True
    return affinity.group_id is not None and affinity.group_id in core_access.facilitated_group_ids(
        viewer
    )


def is_affinity_member(viewer: User | AnonymousUser, affinity: AffinityGroup) -> bool:
    return affinity.group_id is not None and affinity.group_id in core_access.cohort_group_ids(
        viewer
    )


def may_see_members(viewer: User | AnonymousUser, affinity: AffinityGroup) -> bool:
    return is_affinity_staff(viewer, affinity) or is_affinity_member(viewer, affinity)


def access_members_of(viewer: User | AnonymousUser, affinity_id: int) -> AffinityGroup:
    """The entry, for someone who may see who belongs; 404 for anyone else."""
    affinity = access_affinity_group(viewer, affinity_id)
    if not may_see_members(viewer, affinity):
        raise Http404
    return affinity


def may_ask_to_join(viewer: User | AnonymousUser, affinity: AffinityGroup) -> bool:
    return affinity.program_id in cohort_program_ids(viewer)


def decidable_requests(viewer: User | AnonymousUser) -> QuerySet[JoinRequest]:
    """Requests this person may decide: those for groups they lead, and all
    of their programs' when they are an admin."""
    if not core_access.is_signed_in(viewer):
        return JoinRequest.objects.none()
    return JoinRequest.objects.filter(
        Q(affinity__program_id__in=core_access.administered_program_ids(viewer))
        | Q(affinity__group_id__in=core_access.facilitated_group_ids(viewer))
    ).select_related("affinity", "affinity__group", "affinity__program", "person")


def access_join_request(
    viewer: User | AnonymousUser, request_id: int, *, to_decide: bool = False
) -> JoinRequest:
    """The person who asked may read and withdraw it; the group's staff may
    read and decide it. Anyone else gets a 404."""
    if not core_access.is_signed_in(viewer):
        raise Http404
    if to_decide:
        found = decidable_requests(viewer).filter(pk=request_id).first()
    else:
        found = (
            JoinRequest.objects.filter(pk=request_id, person_id=core_access.viewer_id(viewer))
            .select_related("affinity", "affinity__group", "affinity__program", "person")
            .first()
        )
    if found is None:
        raise Http404
    return found
