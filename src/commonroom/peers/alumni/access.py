"""Who belongs to a program's alumni network, and who may see and answer its
volunteer opportunities.

An alumnus is someone whose enrollment completed. They stay in the network
for the program's ``alumni_access_months`` after completion (0: for as long
as the program keeps the network). Staff of the program (facilitators and
program admins) see everything and create; program admins set the policy.
Anyone else gets 404.

The same rule governs the program's alumni spaces (scope ALUMNI): this app
registers it with spaces/access.py, so the space list, the one-space check
and the event recipients of an open socket all end with the period.
"""

from __future__ import annotations

from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import AnonymousUser
from django.db.models import OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from commonroom.accounts.models import User
from commonroom.care.models import (
    Enrollment,
    Phase,
    Program,
)
from commonroom.core import access as core_access
from commonroom.peers.alumni.models import (
    AlumniNetworkSettings,
    VolunteerOpportunity,
    VolunteerSignup,
)
from commonroom.spaces.models import Space, SpaceScope


def access_months(program_id: int) -> int:
    row = AlumniNetworkSettings.objects.filter(program_id=program_id).first()
    return row.alumni_access_months if row is not None else 0


def access_ends_at(completed_at: datetime, months: int) -> datetime | None:
    """When an alumnus who completed at ``completed_at`` leaves the network;
    None for as long as the program keeps it."""
    return None if months == 0 else completed_at + relativedelta(months=months)


def in_network(completed_at: datetime, months: int, now: datetime) -> bool:
    """The one rule: still in the network ``now`` after completing then."""
    ends = access_ends_at(completed_at, months)
    return ends is None or now < ends


def alumni_user_ids(program_id: int, *, now: datetime | None = None) -> set[int]:
    """Everyone in this program's alumni network today."""
    now = now or timezone.now()
    months = access_months(program_id)
    completed = Enrollment.objects.filter(program_id=program_id, phase=Phase.COMPLETED)
    return {
        user_id
        for user_id, completed_at in completed.values_list("user_id", "phase_changed_at")
        if in_network(completed_at, months, now)
    }


def alumni_program_ids(viewer: User | AnonymousUser, *, now: datetime | None = None) -> set[int]:
    """The programs whose alumni network this person is in today."""
    if not core_access.is_signed_in(viewer):
        return set()
    return _alumni_program_ids_of(core_access.viewer_id(viewer), now=now)


def _alumni_program_ids_of(user_id: int, *, now: datetime | None = None) -> set[int]:
    """One query: each completed enrollment with its program's period."""
    now = now or timezone.now()
    completed = Enrollment.objects.filter(user_id=user_id, phase=Phase.COMPLETED).values_list(
        "program_id", "phase_changed_at", "program__alumni_settings__alumni_access_months"
    )
    return {
        program_id
        for program_id, completed_at, months in completed
        if in_network(completed_at, months or 0, now)
    }


# --- the program's alumni spaces ------------------------------------------------------


def _space_members(user_id: int) -> Q:
    return Q(program_id__in=_alumni_program_ids_of(user_id))


def _space_staff(user_id: int) -> Q:
    """The program's staff, as for its program-wide spaces."""
    return Q(core_access.is_program_staff(user_id, OuterRef("program_id")))


def _space_member_ids(space: Space) -> set[int]:
    return core_access.program_staff_ids(space.program_id) | alumni_user_ids(space.program_id)


def register_alumni_spaces() -> None:
    from commonroom.spaces.access import ScopeRule, register_scope

    register_scope(
        SpaceScope.ALUMNI,
        ScopeRule(members=_space_members, staff=_space_staff, member_ids=_space_member_ids),
    )


def staff_program_ids(viewer: User | AnonymousUser) -> set[int]:
    """Programs where this person is a facilitator or program admin."""
    return core_access.staff_program_ids(viewer)


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
