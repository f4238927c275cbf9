"""Reads of the alumni network: who the program's alumni are today, who may
host a gathering, and an opportunity's sign-up counts."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from commonroom.accounts.models import User
from commonroom.care.models import STAFF_ROLES, Enrollment, Phase, Program, ProgramRole
from commonroom.peers.alumni.access import access_ends_at, access_months
from commonroom.peers.alumni.models import HOLDING, VolunteerOpportunity, VolunteerSignup


def current_alumni_ids(program: Program, *, now: datetime | None = None) -> set[int]:
    now = now or timezone.now()
    months = access_months(program.pk)
    rows = Enrollment.objects.filter(
        program=program, phase=Phase.COMPLETED, user__is_active=True
    ).values_list("user_id", "phase_changed_at")
    result = set()
    for user_id, completed_at in rows:
        ends = access_ends_at(completed_at, months)
        if ends is None or now < ends:
            result.add(user_id)
    return result


def possible_hosts(program: Program) -> QuerySet[User]:
    staff = ProgramRole.objects.filter(program=program, role__in=STAFF_ROLES).values("user_id")
    return User.objects.filter(
        Q(pk__in=staff) | Q(pk__in=current_alumni_ids(program)), is_active=True
    ).order_by("display_name")


def with_holding_counts(
    opportunities: QuerySet[VolunteerOpportunity],
) -> QuerySet[VolunteerOpportunity]:
    return opportunities.annotate(taken=Count("signups", filter=Q(signups__status__in=HOLDING)))


def taken_spots(opportunity: VolunteerOpportunity) -> int:
    """Spots held by sign-ups that still count (HOLDING): the number the
    sign-up action checks, and what every list shows as taken."""
    annotated = getattr(opportunity, "taken", None)
    if annotated is not None:
        return int(annotated)
    return VolunteerSignup.objects.filter(opportunity=opportunity, status__in=HOLDING).count()


def spots_left(opportunity: VolunteerOpportunity) -> int:
    """Never below zero: staff may lower the spots under those taken."""
    return max(opportunity.spots - taken_spots(opportunity), 0)
