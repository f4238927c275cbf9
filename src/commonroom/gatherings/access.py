"""Who may see a gathering, answer it, edit it and run it.

- Alumni gatherings: the program's alumni (within the program's alumni
  access period, peers/alumni/access.py) and its staff.
- Whole-program gatherings: its current participants, its alumni, its staff.
- Current-participant gatherings: its active cohort and its staff.
- Staff (facilitators and program admins of the program) create, edit and
  cancel; a gathering's host may edit it.
Anyone else gets 404, so ids leak nothing.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from commonroom.accounts.models import User
from commonroom.care.models import COHORT_PHASES, Enrollment, Program
from commonroom.core import access as core_access
from commonroom.gatherings.models import Audience, Gathering, Rsvp
from commonroom.peers.alumni.access import alumni_program_ids, staff_program_ids


def cohort_program_ids(viewer: User | AnonymousUser) -> set[int]:
    if not core_access.is_signed_in(viewer):
        return set()
    return set(
        Enrollment.objects.filter(
            user_id=core_access.viewer_id(viewer), phase__in=COHORT_PHASES
        ).values_list("program_id", flat=True)
    )


def audience_filter(viewer: User | AnonymousUser) -> Q:
    """The gatherings this person is part of the audience of (not as staff)."""
    alumni = alumni_program_ids(viewer)
    cohort = cohort_program_ids(viewer)
    return (
        Q(audience=Audience.ALUMNI, program_id__in=alumni)
        | Q(audience=Audience.PROGRAM, program_id__in=alumni | cohort)
        | Q(audience=Audience.COHORT, program_id__in=cohort)
    )


def gatherings_visible_to(viewer: User | AnonymousUser) -> QuerySet[Gathering]:
    if not core_access.is_signed_in(viewer):
        return Gathering.objects.none()
    return Gathering.objects.filter(
        audience_filter(viewer)
        | Q(program_id__in=staff_program_ids(viewer))
        | Q(host_id=core_access.viewer_id(viewer))
    ).select_related("program", "host")


def is_gathering_staff(viewer: User | AnonymousUser, gathering: Gathering) -> bool:
    return gathering.program_id in staff_program_ids(viewer)


def can_edit(viewer: User | AnonymousUser, gathering: Gathering) -> bool:
    if not core_access.is_signed_in(viewer):
        return False
    return is_gathering_staff(viewer, gathering) or (
        gathering.host_id is not None and gathering.host_id == viewer.pk
    )


def access_gathering(
    viewer: User | AnonymousUser,
    gathering_id: int,
    *,
    for_edit: bool = False,
    for_staff: bool = False,
) -> Gathering:
    gathering = gatherings_visible_to(viewer).filter(pk=gathering_id).first()
    if gathering is None:
        raise Http404
    if for_staff and not is_gathering_staff(viewer, gathering):
        raise Http404
    if for_edit and not can_edit(viewer, gathering):
        raise Http404
    return gathering


def access_rsvp(viewer: User | AnonymousUser, rsvp_id: int) -> Rsvp:
    """One's own RSVP only: someone else's id is not found."""
    if not core_access.is_signed_in(viewer):
        raise Http404
    rsvp = (
        Rsvp.objects.filter(pk=rsvp_id, user_id=core_access.viewer_id(viewer))
        .select_related("gathering", "gathering__program")
        .first()
    )
    if rsvp is None or not gatherings_visible_to(viewer).filter(pk=rsvp.gathering_id).exists():
        raise Http404
    return rsvp


def programs_for_creating(viewer: User | AnonymousUser) -> QuerySet[Program]:
    return Program.objects.filter(pk__in=staff_program_ids(viewer)).order_by("name")


def may_host(user_id: int, program_id: int) -> bool:
    """A host is a staff member of the program or one of its alumni."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    return program_id in staff_program_ids(user) | alumni_program_ids(user)
