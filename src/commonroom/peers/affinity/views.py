"""Affinity group pages: the catalogue, a group's page, asking to join,
leaving, the facilitators' queue and the administrators' catalogue editor."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from commonroom.accounts.models import User
from commonroom.care import access as care_access
from commonroom.care.views.common import errors_into_form
from commonroom.peers.affinity import access, actions, queries
from commonroom.peers.affinity.forms import AskForm, DecisionForm, EditEntryForm, EntryForm
from commonroom.peers.affinity.models import AffinityGroup, RequestStatus
from commonroom.realtime import events


def _viewer(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _live(request: HttpRequest) -> dict[str, object]:
    """The person's own stream and how far it is, for affinity_live.js."""
    key = f"user.{request.user.pk}"
    return {"live_stream": key, "live_position": events.last_position(key)}


def _refusal(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    lines = queries.catalogue_for(request.user)
    return render(
        request,
        "affinity/catalogue.html",
        {
            "lines": lines,
            "queue_count": access.decidable_requests(request.user)
            .filter(status=RequestStatus.PENDING)
            .count(),
            "administered": care_access.programs_administered_by(request.user),
            **_live(request),
        },
    )


def _detail(
    request: HttpRequest, affinity: AffinityGroup, form: AskForm | None = None
) -> HttpResponse:
    viewer = request.user
    line = queries.line_for(viewer, affinity)
    may_see = access.may_see_members(viewer, affinity)
    return render(
        request,
        "affinity/detail.html",
        {
            "line": line,
            "affinity": affinity,
            "leads": queries.leads_of(line.affinity),
            "members": queries.members_of(affinity) if may_see else None,
            "spaces": queries.spaces_of(affinity) if may_see else [],
            "is_staff": access.is_affinity_staff(viewer, affinity),
            "form": form or AskForm(),
            **_live(request),
        },
        status=422 if form is not None and form.errors else 200,
    )


@login_required
def affinity_detail(request: HttpRequest, affinity_id: int) -> HttpResponse:
    return _detail(request, access.access_affinity_group(request.user, affinity_id))


@login_required
@require_POST
def ask_to_join(request: HttpRequest, affinity_id: int) -> HttpResponse:
    affinity = access.access_affinity_group(request.user, affinity_id)
    form = AskForm(request.POST)
    if form.is_valid():
        try:
            actions.do_ask_to_join(
                person=_viewer(request), affinity=affinity, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            errors_into_form(form, exc)
        else:
            messages.success(
                request, _("Your request is sent. Only the group's facilitators can see it.")
            )
            return redirect("affinity_group", affinity_id=affinity.pk)
    return _detail(request, affinity, form)


@login_required
@require_POST
def leave(request: HttpRequest, affinity_id: int) -> HttpResponse:
    affinity = access.access_affinity_group(request.user, affinity_id)
    try:
        actions.do_leave_affinity_group(affinity=affinity, person=_viewer(request))
    except ValidationError as exc:
        _refusal(request, exc)
    else:
        messages.success(request, _("You have left the group. Nobody else was told."))
    return redirect("affinity_group", affinity_id=affinity.pk)


@login_required
@require_POST
def withdraw(request: HttpRequest, request_id: int) -> HttpResponse:
    join_request = access.access_join_request(request.user, request_id)
    try:
        actions.do_withdraw_join_request(join_request=join_request, person=_viewer(request))
    except ValidationError as exc:
        _refusal(request, exc)
    else:
        messages.success(request, _("Your request is withdrawn."))
    return redirect("affinity_group", affinity_id=join_request.affinity_id)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Requests to the groups this person leads (all of them for admins)."""
    pending = list(access.decidable_requests(request.user).filter(status=RequestStatus.PENDING))
    recent = list(
        access.decidable_requests(request.user)
        .exclude(status=RequestStatus.PENDING)
        .order_by("-decided_at")[:20]
    )
    actions.record_queue_read(viewer=_viewer(request), requests=pending + recent)
    return render(
        request,
        "affinity/queue.html",
        {"pending": pending, "recent": recent, "form": DecisionForm(), **_live(request)},
    )


@login_required
@require_POST
def decide(request: HttpRequest, request_id: int) -> HttpResponse:
    join_request = access.access_join_request(request.user, request_id, to_decide=True)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}: {error}")
        return redirect("affinity_queue")
    try:
        actions.do_decide_join_request(
            join_request=join_request,
            decided_by=_viewer(request),
            approve=form.cleaned_data["decision"] == "approve",
            message=form.cleaned_data["message"],
        )
    except ValidationError as exc:
        _refusal(request, exc)
    else:
        messages.success(request, _("Decision saved; the person has been told."))
    return redirect("affinity_queue")


@login_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, program_id: int) -> HttpResponse:
    """A program's catalogue, for its admins: every entry and a new one."""
    program = care_access.access_program(
        request.user, program_id, for_write=request.method == "POST"
    )
    form = EntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            affinity = actions.do_create_affinity_group(
                program=program,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                created_by=_viewer(request),
            )
        except ValidationError as exc:
            errors_into_form(form, exc)
        else:
            messages.success(request, _("Added. Name who leads it to start the group."))
            return redirect("affinity_edit", affinity_id=affinity.pk)
    entries = program.affinity_groups.select_related("group").order_by(
        "archived_at", "position", "name"
    )
    return render(
        request,
        "affinity/manage.html",
        {"program": program, "entries": entries, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, affinity_id: int) -> HttpResponse:
    affinity = access.access_affinity_group(request.user, affinity_id, for_write=True)
    initial = {
        "name": affinity.name,
        "description": affinity.description,
        "accepting_requests": affinity.accepting_requests,
        "facilitators": list(affinity.group.facilitators.all()) if affinity.group else [],
    }
    form = EditEntryForm(request.POST or None, initial=initial, program=affinity.program)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        leads = [u.pk for u in data["facilitators"]]
        try:
            actions.do_update_affinity_group(
                affinity=affinity,
                changed_by=_viewer(request),
                changes={
                    "name": data["name"],
                    "description": data["description"],
                    "accepting_requests": data["accepting_requests"],
                },
                facilitator_ids=leads if (leads or affinity.group_id) else None,
            )
        except ValidationError as exc:
            errors_into_form(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("affinity_manage", program_id=affinity.program_id)
    return render(
        request,
        "affinity/edit.html",
        {"affinity": affinity, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def archive(request: HttpRequest, affinity_id: int) -> HttpResponse:
    affinity = access.access_affinity_group(request.user, affinity_id, for_write=True)
    try:
        actions.do_archive_affinity_group(affinity=affinity, archived_by=_viewer(request))
    except ValidationError as exc:
        _refusal(request, exc)
    else:
        messages.success(request, _("Archived. Pending requests were declined."))
    return redirect("affinity_manage", program_id=affinity.program_id)
