"""The program admin's screens: settings, tracks, groups."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from commonroom.accounts.models import User
from commonroom.care import access as care_access
from commonroom.care.actions import (
    do_create_group,
    do_create_track,
    do_update_group,
    do_update_program,
)
from commonroom.care.forms import (
    GroupForm,
    ProgramSettingsForm,
    TrackForm,
    format_crisis_resources,
)
from commonroom.care.views.common import errors_into_form


def _dashboard(request: HttpRequest, program_id: int, **forms: object) -> HttpResponse:
    program = care_access.access_program(request.user, program_id)
    open_members = Count("memberships", filter=Q(memberships__left_at__isnull=True))
    context = {
        "program": program,
        "settings_form": ProgramSettingsForm(
            initial={
                "name": program.name,
                "time_zone": program.time_zone,
                "default_group_size": program.default_group_size,
                "languages_offered": program.languages_offered,
                "crisis_resources": format_crisis_resources(program.crisis_resources),
            }
        ),
        "track_form": TrackForm(),
        "tracks": program.tracks.order_by("name"),
        "groups": program.groups.annotate(member_count=open_members)
        .select_related("track")
        .prefetch_related("facilitators")
        .order_by("name"),
        **forms,
    }
    has_errors = any(getattr(f, "errors", None) for f in forms.values())
    return render(request, "care/program.html", context, status=422 if has_errors else 200)


@login_required
def program_dashboard(request: HttpRequest, program_id: int) -> HttpResponse:
    return _dashboard(request, program_id)


@login_required
@require_POST
def program_settings(request: HttpRequest, program_id: int) -> HttpResponse:
    program = care_access.access_program(request.user, program_id, for_write=True)
    form = ProgramSettingsForm(request.POST)
    if form.is_valid():
        assert isinstance(request.user, User)
        try:
            do_update_program(program=program, changed_by=request.user, changes=form.cleaned_data)
        except ValidationError as exc:
            errors_into_form(form, exc)
        else:
            messages.success(request, _("Program settings saved."))
            return redirect("program", program_id=program.pk)
    return _dashboard(request, program_id, settings_form=form)


@login_required
@require_POST
def create_track(request: HttpRequest, program_id: int) -> HttpResponse:
    program = care_access.access_program(request.user, program_id, for_write=True)
    form = TrackForm(request.POST)
    if form.is_valid():
        assert isinstance(request.user, User)
        try:
            do_create_track(program=program, created_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_into_form(form, exc)
        else:
            messages.success(request, _("Track added."))
            return redirect("program", program_id=program.pk)
    return _dashboard(request, program_id, track_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def create_group(request: HttpRequest, program_id: int) -> HttpResponse:
    program = care_access.access_program(
        request.user, program_id, for_write=request.method == "POST"
    )
    form = GroupForm(request.POST or None, program=program, initial={"enrollment_open": True})
    if request.method == "POST" and form.is_valid():
        assert isinstance(request.user, User)
        data = dict(form.cleaned_data)
        facilitators = [u.pk for u in data.pop("facilitators")]
        try:
            group = do_create_group(
                program=program, created_by=request.user, facilitator_ids=facilitators, **data
            )
        except ValidationError as exc:
            errors_into_form(form, exc)
        else:
            messages.success(request, _("Group created."))
            return redirect("group", group_id=group.pk)
    return render(
        request,
        "care/group_form.html",
        {"program": program, "form": form, "group": None},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_group(request: HttpRequest, group_id: int) -> HttpResponse:
    group = care_access.access_group(request.user, group_id, for_write=True)
    initial = {
        "name": group.name,
        "kind": group.kind,
        "capacity": group.capacity,
        "track": group.track,
        "enrollment_open": group.enrollment_open,
        "session_pattern": group.session_pattern,
        "session_start": group.session_start,
        "session_minutes": group.session_minutes,
        "facilitators": list(group.facilitators.all()),
    }
    form = GroupForm(request.POST or None, program=group.program, initial=initial)
    if request.method == "POST" and form.is_valid():
        assert isinstance(request.user, User)
        data = dict(form.cleaned_data)
        facilitators = [u.pk for u in data.pop("facilitators")]
        if data.get("capacity") is None:
            data["capacity"] = group.program.default_group_size
        try:
            do_update_group(
                group=group, changed_by=request.user, changes=data, facilitator_ids=facilitators
            )
        except ValidationError as exc:
            errors_into_form(form, exc)
        else:
            messages.success(request, _("Group saved."))
            return redirect("group", group_id=group.pk)
    return render(
        request,
        "care/group_form.html",
        {"program": group.program, "form": form, "group": group},
        status=422 if form.errors else 200,
    )
