"""Enrollments: the list, a person's phase history, phase changes and placement."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commonroom.accounts.models import User
from commonroom.care import access as care_access
from commonroom.care import queries
from commonroom.care.actions import do_change_phase, do_place_in_group, do_remove_from_group
from commonroom.care.forms import PhaseChangeForm, PlacementForm
from commonroom.care.models import PHASE_TRANSITIONS, Enrollment, GroupMembership
from commonroom.care.views.common import errors_into_form
from commonroom.core import access as core_access


@login_required
def program_enrollments(request: HttpRequest, program_id: int) -> HttpResponse:
    program = care_access.access_program(request.user, program_id)
    return render(
        request,
        "care/enrollments.html",
        {"program": program, "enrollments": queries.program_enrollments(program.pk)},
    )


def _detail(request: HttpRequest, enrollment: Enrollment, **forms: object) -> HttpResponse:
    viewer = request.user
    can_change_phase = core_access.is_staff_for(viewer, enrollment.user_id) and (
        enrollment.user_id != viewer.pk
    )
    can_place = enrollment.program_id in core_access.administered_program_ids(viewer)
    allowed = sorted(PHASE_TRANSITIONS[enrollment.phase])
    context = {
        "enrollment": enrollment,
        "history": enrollment.history.select_related("changed_by"),
        "memberships": GroupMembership.objects.filter(
            user_id=enrollment.user_id, group__program_id=enrollment.program_id
        )
        .exclude(care_access.hidden_memberships(viewer))
        .select_related("group")
        .order_by("-joined_at"),
        "can_change_phase": can_change_phase and bool(allowed),
        "can_place": can_place,
        "phase_form": PhaseChangeForm(allowed=allowed),
        "placement_form": PlacementForm(program=enrollment.program),
        "is_self": enrollment.user_id == viewer.pk,
        "couple": care_access.couples_visible_to(viewer)
        .filter(program_id=enrollment.program_id)
        .filter(Q(person_a_id=enrollment.user_id) | Q(person_b_id=enrollment.user_id))
        .select_related("person_a", "person_b")
        .first(),
        **forms,
    }
    has_errors = any(getattr(f, "errors", None) for f in forms.values())
    return render(request, "care/enrollment.html", context, status=422 if has_errors else 200)


@login_required
def enrollment_detail(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    return _detail(request, care_access.access_enrollment(request.user, enrollment_id))


@login_required
@require_POST
def change_phase(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    enrollment = care_access.access_enrollment(request.user, enrollment_id, for_write=True)
    form = PhaseChangeForm(request.POST, allowed=sorted(PHASE_TRANSITIONS[enrollment.phase]))
    if form.is_valid():
        assert isinstance(request.user, User)
        try:
            do_change_phase(
                enrollment_id=enrollment.pk,
                to_phase=form.cleaned_data["phase"],
                reason=form.cleaned_data["reason"],
                changed_by=request.user,
            )
        except ValidationError as exc:
            errors_into_form(form, exc)
        else:
            messages.success(request, _("Phase changed."))
            return redirect("enrollment", enrollment_id=enrollment.pk)
    return _detail(request, enrollment, phase_form=form)


@login_required
@require_POST
def place_in_group(request: HttpRequest, enrollment_id: int) -> HttpResponse:
    enrollment = care_access.access_enrollment(request.user, enrollment_id)
    program = care_access.access_program(request.user, enrollment.program_id, for_write=True)
    form = PlacementForm(request.POST, program=program)
    if form.is_valid():
        assert isinstance(request.user, User)
        try:
            do_place_in_group(
                group_id=form.cleaned_data["group"].pk,
                user_id=enrollment.user_id,
                placed_by=request.user,
                override=form.cleaned_data["override"],
            )
        except ValidationError as exc:
            errors_into_form(form, exc)
        else:
            messages.success(request, _("Placed in the group."))
            return redirect("enrollment", enrollment_id=enrollment.pk)
    return _detail(request, enrollment, placement_form=form)


@login_required
@require_POST
def leave_group(request: HttpRequest, enrollment_id: int, group_id: int) -> HttpResponse:
    enrollment = care_access.access_enrollment(request.user, enrollment_id)
    care_access.access_program(request.user, enrollment.program_id, for_write=True)
    group = care_access.access_group(request.user, group_id, for_write=True)
    if group.program_id != enrollment.program_id:
        raise Http404
    assert isinstance(request.user, User)
    try:
        do_remove_from_group(group_id=group.pk, user_id=enrollment.user_id, removed_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Removed from the group."))
    return redirect("enrollment", enrollment_id=enrollment.pk)
