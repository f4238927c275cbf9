"""Who belongs to a program's alumni network, and who may see and answer its
volunteer opportunities.

An alumnus is someone whose enrollment completed. They stay in the network
for the program's ``alumni_access_months`` after completion (0: for as long
as the program keeps the network). Staff of the program (facilitators and
program admins) see everything and create; program admins set the policy.
Anyone else gets 404.
"""

from __future__ import annotations

from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from commonroom.accounts.models import User
from commonroom.care.models import STAFF_ROLES, Enrollment, Phase, Program, ProgramRole
from commonroom.core import access as core_access
from commonroom.peers.alumni.models import (
    AlumniNetworkSettings,
    VolunteerOpportunity,
    VolunteerSignup,
)


def access_months(program_id: int) -> int:
    row = AlumniNetworkSettings.objects.filter(program_id=program_id).first()
    return row.alumni_access_months if row is not None else 0


def access_ends_at(completed_at: datetime, months: int) -> datetime | None:
    """When an alumnus who completed at ``completed_at`` leaves the network;
    None for as long as the program keeps it."""
    return None if months == 0 else completed_at + relativedelta(months=months)


def alumni_program_ids(viewer: User | AnonymousUser, *, now: datetime | None = None) -> set[int]:
    """The programs whose alumni network this person is in today."""
    if not core_access.is_signed_in(viewer):
        return set()
    now = now or timezone.now()
    completed = dict(
        Enrollment.objects.filter(
            user_id=core_access.viewer_id(viewer), phase=Phase.COMPLETED
        ).values_list("program_id", "phase_changed_at")
    )
    if not completed:
        return set()
    months = dict(
        AlumniNetworkSettings.objects.filter(program_id__in=completed).values_list(
            "program_id", "alumni_access_months"
        )
    )
    result = set()
    for program_id, completed_at in completed.items():
        ends = access_ends_at(completed_at, months.get(program_id, 0))
        if ends is None or now < ends:
            result.add(program_id)
    return result


def staff_program_ids(viewer: User | AnonymousUser) -> set[int]:
    """Programs where this person is a facilitator or program admin."""
    if not core_access.is_signed_in(viewer):
        return set()
    if viewer.is_superuser:
        return set(Program.objects.values_list("pk", flat=True))
    return set(
        ProgramRole.objects.filter(
            user_id=core_access.viewer_id(viewer), role__in=STAFF_ROLES
        ).values_list("program_id", flat=True)
    )


def network_program_ids(viewer: User | AnonymousUser) -> set[int]:
    return alumni_program_ids(viewer) | staff_program_ids(viewer)


def network_programs(viewer: User | AnonymousUser) -> QuerySet[Program]:
    return Program.objects.filter(pk__in=network_program_ids(viewer)).order_by("name")


def access_network_program(
    viewer: User | AnonymousUser, program_id: int, *, for_settings: bool = False
) -> Program:
    """The program, for its alumni and staff; its settings for its admins."""
    allowed = (
        core_access.administered_program_ids(viewer)
        if for_settings
        else network_program_ids(viewer)
    )
    if program_id not in allowed:
        raise Http404
    return Program.objects.get(pk=program_id)


def opportunities_visible_to(viewer: User | AnonymousUser) -> QuerySet[VolunteerOpportunity]:
    return VolunteerOpportunity.objects.filter(
        program_id__in=network_program_ids(viewer)
    ).select_related("program")


def access_opportunity(
    viewer: User | AnonymousUser,
    opportunity_id: int,
    *,
    for_staff: bool = False,
    for_signup: bool = False,
) -> VolunteerOpportunity:
    """Reading: the program's alumni and staff. Managing (sign-up list,
    confirming): its staff. Signing up: its alumni only."""
    opportunity = opportunities_visible_to(viewer).filter(pk=opportunity_id).first()
    if opportunity is None:
        raise Http404
    if for_staff and opportunity.program_id not in staff_program_ids(viewer):
        raise Http404
    if for_signup and opportunity.program_id not in alumni_program_ids(viewer):
        raise Http404
    return opportunity


def is_network_staff(viewer: User | AnonymousUser, program_id: int) -> bool:
    return program_id in staff_program_ids(viewer)


def access_signup(viewer: User | AnonymousUser, signup_id: int) -> VolunteerSignup:
    """A sign-up, for the staff of its opportunity's program (to confirm)."""
    signup = (
        VolunteerSignup.objects.filter(
            pk=signup_id, opportunity__program_id__in=staff_program_ids(viewer)
        )
        .select_related("opportunity", "user")
        .first()
    )
    if signup is None:
        raise Http404
    return signup
