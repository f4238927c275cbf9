"""Reads for the home page that span apps."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q

from commonroom.accounts.models import User
from commonroom.care.models import Enrollment, ProgramRole, TherapyGroup
from commonroom.core import access as core_access


@dataclass
class Home:
    roles: list[ProgramRole] = field(default_factory=list)
    enrollments: list[Enrollment] = field(default_factory=list)
    my_groups: list[TherapyGroup] = field(default_factory=list)
    facilitated: list[TherapyGroup] = field(default_factory=list)
    administered: list[int] = field(default_factory=list)


def home_for(viewer: User | AnonymousUser) -> Home:
    if not core_access.is_signed_in(viewer):
        return Home()
    open_members = Count("memberships", filter=Q(memberships__left_at__isnull=True))
    return Home(
        roles=list(core_access.roles_of(viewer).order_by("program__name", "role")),
        enrollments=list(
            Enrollment.objects.filter(user_id=core_access.viewer_id(viewer)).select_related(
                "program"
            )
        ),
        my_groups=list(
            TherapyGroup.objects.filter(pk__in=core_access.cohort_group_ids(viewer))
            .select_related("program")
            .order_by("name")
        ),
        facilitated=list(
            TherapyGroup.objects.filter(pk__in=core_access.facilitated_group_ids(viewer))
            .annotate(member_count=open_members)
            .select_related("program")
            .order_by("name")
        ),
        administered=sorted(core_access.administered_program_ids(viewer)),
    )
