"""Alumni network pages: the home (alumni spaces, upcoming gatherings,
volunteer opportunities, the program's access policy), opportunities with
sign-up, and the staff's pages. Every fetch goes through peers/alumni/access.py
(404 when denied), every write through peers/alumni/actions.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commonroom.accounts.models import User
from commonroom.care.models import Enrollment, Phase, Program
from commonroom.core import access as core_access
from commonroom.core.http import signed_in_user
from commonroom.core.validation import field_errors
from commonroom.gatherings import queries as gathering_queries
from commonroom.peers.alumni import access, actions, queries
from commonroom.peers.alumni.models import (
    VolunteerKind,
    VolunteerOpportunity,
    VolunteerSignup,
)
from commonroom.spaces import access as spaces_access
from commonroom.spaces.models import SpaceScope


def open_opportunities(
    viewer: User, program_ids: set[int], *, now: datetime
) -> list[dict[str, Any]]:
    """Open opportunities with the spots left and the viewer's own status."""
    found = list(
        queries.with_holding_counts(
            access.opportunities_visible_to(viewer).filter(
                program_id__in=program_ids, closed_at__isnull=True
            )
        ).exclude(when__lte=now)
    )
    mine = dict(
        VolunteerSignup.objects.filter(
            user=viewer, opportunity__in=[o.pk for o in found]
        ).values_list("opportunity_id", "status")
    )
    return [
        {
            "opportunity": o,
            "spots_left": queries.spots_left(o),
            "my_status": mine.get(o.pk),
        }
        for o in found
    ]


def access_ends_for(viewer: User, program: Program) -> datetime | None:
    completed_at = (
        Enrollment.objects.filter(user=viewer, program=program, phase=Phase.COMPLETED)
        .values_list("phase_changed_at", flat=True)
        .first()
    )
    if completed_at is None:
        return None
    return access.access_ends_at(completed_at, access.access_months(program.pk))


def program_section(viewer: User, program: Program, *, now: datetime) -> dict[str, Any]:
    return {
        "program": program,
        "is_staff": access.is_network_staff(viewer, program.pk),
        "is_admin": program.pk in core_access.administered_program_ids(viewer),
        "is_alumnus": program.pk in access.alumni_program_ids(viewer),
        "months": access.access_months(program.pk),
        "access_ends_at": access_ends_for(viewer, program),
        "spaces": list(
            spaces_access.spaces_visible_to(viewer).filter(program=program, scope=SpaceScope.ALUMNI)
        ),
        "gatherings": gathering_queries.upcoming_for(
            viewer,
            now=now,
            program_ids={program.pk},
            audiences=gathering_queries.alumni_audiences(),
            limit=10,
        ),
        "opportunities": open_opportunities(viewer, {program.pk}, now=now),
    }


@login_required
@require_GET
def alumni_home(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    programs = list(access.network_programs(user))
    if not programs:
        raise Http404
    now = timezone.now()
    sections = [program_section(user, p, now=now) for p in programs]
    return render(request, "alumni/home.html", {"sections": sections})


@login_required
@require_http_methods(["GET", "POST"])
def alumni_settings(request: HttpRequest, program_id: int) -> HttpResponse:
    """Program admins set how long alumni stay in the network."""
    user = signed_in_user(request)
    program = access.access_network_program(user, program_id, for_settings=True)
    months = access.access_months(program.pk)
    if request.method == "POST":
        try:
            actions.do_set_alumni_access(
                program=program,
                months=request.POST.get("alumni_access_months", ""),
                updated_by=user,
            )
        except ValidationError as exc:
            context = {
                "program": program,
                "months": request.POST.get("alumni_access_months", ""),
                "errors": field_errors(exc),
            }
            return render(request, "alumni/settings.html", context, status=422)
        messages.success(request, _("Saved."))
        return redirect("alumni_home")
    return render(
        request, "alumni/settings.html", {"program": program, "months": months, "errors": {}}
    )


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    programs = list(Program.objects.filter(pk__in=access.staff_program_ids(user)).order_by("name"))
    if not programs:
        raise Http404
    context: dict[str, Any] = {"programs": programs, "kinds": VolunteerKind.choices, "errors": {}}
    if request.method == "GET":
        return render(request, "alumni/opportunity_form.html", context | {"sent": {"spots": 1}})
    program = next((p for p in programs if str(p.pk) == request.POST.get("program_id")), None)
    try:
        if program is None:
            raise ValidationError({"program_id": _("Choose one of your programs.")})
        opportunity = actions.do_create_opportunity(
            program=program, created_by=user, fields=request.POST
        )
    except ValidationError as exc:
        context |= {"sent": request.POST, "errors": field_errors(exc)}
        return render(request, "alumni/opportunity_form.html", context, status=422)
    messages.success(request, _("The opportunity is posted for alumni."))
    return redirect("opportunity", opportunity_id=opportunity.pk)


def _opportunity_context(
    user: User, opportunity: VolunteerOpportunity, errors: dict[str, str] | None = None
) -> dict[str, Any]:
    is_staff = access.is_network_staff(user, opportunity.program_id)
    signups = (
        list(opportunity.signups.select_related("user").order_by("created_at")) if is_staff else []
    )
    mine = VolunteerSignup.objects.filter(opportunity=opportunity, user=user).first()
    return {
        "opportunity": opportunity,
        "is_staff": is_staff,
        "can_sign_up": opportunity.program_id in access.alumni_program_ids(user),
        "signups": signups,
        "mine": mine,
        "spots_left": queries.spots_left(opportunity),
        "errors": errors or {},
    }


@login_required
@require_GET
def opportunity_detail(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    user = signed_in_user(request)
    opportunity = access.access_opportunity(user, opportunity_id)
    return render(request, "alumni/opportunity.html", _opportunity_context(user, opportunity))


@login_required
@require_POST
def opportunity_signup(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    user = signed_in_user(request)
    opportunity = access.access_opportunity(user, opportunity_id, for_signup=True)
    try:
        actions.do_sign_up(opportunity=opportunity, user=user)
    except ValidationError as exc:
        context = _opportunity_context(user, opportunity, field_errors(exc))
        return render(request, "alumni/opportunity.html", context, status=422)
    messages.success(request, _("Thank you for signing up. Staff will confirm with you."))
    return redirect("opportunity", opportunity_id=opportunity.pk)


@login_required
@require_POST
def opportunity_withdraw(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    user = signed_in_user(request)
    opportunity = access.access_opportunity(user, opportunity_id, for_signup=True)
    try:
        actions.do_withdraw(opportunity=opportunity, user=user)
    except ValidationError as exc:
        context = _opportunity_context(user, opportunity, field_errors(exc))
        return render(request, "alumni/opportunity.html", context, status=422)
    messages.success(request, _("You have withdrawn. Thank you for letting us know."))
    return redirect("opportunity", opportunity_id=opportunity.pk)


@login_required
@require_POST
def signup_confirm(request: HttpRequest, signup_id: int) -> HttpResponse:
    user = signed_in_user(request)
    signup = access.access_signup(user, signup_id)
    try:
        actions.do_confirm_signup(signup=signup, confirmed_by=user)
    except ValidationError as exc:
        context = _opportunity_context(user, signup.opportunity, field_errors(exc))
        return render(request, "alumni/opportunity.html", context, status=422)
    messages.success(request, _("Confirmed."))
    return redirect("opportunity", opportunity_id=signup.opportunity_id)


@login_required
@require_POST
def opportunity_close(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    user = signed_in_user(request)
    opportunity = access.access_opportunity(user, opportunity_id, for_staff=True)
    actions.do_close_opportunity(opportunity=opportunity, closed_by=user)
    messages.success(request, _("Closed: no more sign-ups."))
    return redirect("opportunity", opportunity_id=opportunity.pk)
