"""A therapy group's page: its roster for staff, its members for peers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from commonroom.care import access as care_access
from commonroom.care import queries


@login_required
def group_page(request: HttpRequest, group_id: int) -> HttpResponse:
    group = care_access.access_group(request.user, group_id)
    staff = care_access.is_group_staff(request.user, group)
    # Attendance lives in the meetings app, which builds on care; the roster
    # asks it for the numbers rather than duplicating the rule.
    from commonroom.meetings.queries import attendance_to_date

    return render(
        request,
        "care/group.html",
        {
            "group": group,
            "staff_view": staff,
            "can_edit": group.program_id
            in care_access.programs_administered_by(request.user).values_list("pk", flat=True),
            "roster": queries.roster(group),
            "attendance": attendance_to_date(group.pk, now=timezone.now()) if staff else {},
            "facilitators": group.facilitators.order_by("display_name"),
        },
    )
