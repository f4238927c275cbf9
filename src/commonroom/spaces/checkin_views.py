"""Check-in pages: the daily form with one's own history and streak, and the
staff pages listing the check-ins of the groups they run. Writes go through
spaces/checkins.py; staff reads are audited there."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from commonroom.core.http import signed_in_user
from commonroom.core.validation import field_errors
from commonroom.spaces import checkins
from commonroom.spaces.checkins import GRATEFUL_MAX_CHARS, NOTE_MAX_CHARS
from commonroom.spaces.models import CheckInAudience
from commonroom.spaces.space_views import REFUSED_HEADER, client_id_of

HISTORY_DAYS_SHOWN = 60
STAFF_ROWS_SHOWN = 200


def _has_mentor(request: HttpRequest) -> bool:
    user = signed_in_user(request)
    program = checkins.checkin_program(user)
    return program is not None and (
        checkins.relationship_space(CheckInAudience.MENTOR, user, program) is not None
    )


def _form(request: HttpRequest, *, errors: dict[str, str] | None = None) -> dict[str, Any]:
    """The form: fresh with a new client id, or as sent with its errors."""
    keep = errors is not None
    sent = request.POST if keep else {}
    # "My buddy" is offered only to someone with a current buddy.
    buddy = checkins.has_buddy(signed_in_user(request))
    return {
        "errors": errors or {},
        "sent": sent,
        "audience": sent.get("audience") or CheckInAudience.GROUP,
        "audiences": [
            (value, label)
            for value, label in CheckInAudience.choices
            if (buddy or value != CheckInAudience.BUDDY)
            and (value != CheckInAudience.MENTOR or _has_mentor(request))
        ],
        "has_buddy": buddy,
        "client_id": (sent.get("client_id") if keep else None) or uuid.uuid4(),
        "grateful_max": GRATEFUL_MAX_CHARS,
        "note_max": NOTE_MAX_CHARS,
    }


def _page(request: HttpRequest, **form: Any) -> dict[str, Any]:
    user = signed_in_user(request)
    return {
        "can_check_in": checkins.checkin_program(user) is not None,
        "streak": checkins.streak(user),
        "history": list(checkins.my_checkins(user)[:HISTORY_DAYS_SHOWN]),
    } | form


@login_required
@require_http_methods(["GET", "POST"])
def my_checkins(request: HttpRequest) -> HttpResponse:
    """GET: the form, my history and streak. POST: check in. An HTMX post gets
    the form back (fresh, or with its errors) and the history out of band."""
    user = signed_in_user(request)
    if request.method == "GET":
        return render(request, "spaces/checkin.html", _page(request, **_form(request)))
    program = checkins.checkin_program(user)
    if program is None:
        raise Http404
    htmx = bool(getattr(request, "htmx", False))
    try:
        checkins.do_check_in(
            user=user,
            program=program,
            mood=request.POST.get("mood", ""),
            craving=request.POST.get("craving", ""),
            sleep_hours=request.POST.get("sleep_hours", ""),
            grateful_for=request.POST.get("grateful_for", ""),
            note=request.POST.get("note", ""),
            audience=request.POST.get("audience", ""),
            client_id=client_id_of(request.POST.get("client_id")),
        )
    except ValidationError as exc:
        context = _page(request, **_form(request, errors=field_errors(exc)))
        if not htmx:
            return render(request, "spaces/checkin.html", context, status=422)
        # htmx swaps only 2xx answers: the refusal is a 200 with a marker header,
        # as for posts in a thread.
        response = render(request, "spaces/checkin_form.html", context)
        response[REFUSED_HEADER] = "1"
        return response
    if htmx:
        context = _page(request, **_form(request)) | {"saved": True, "oob": True}
        return render(request, "spaces/checkin_form.html", context)
    messages.success(request, _("Thank you for checking in."))
    return redirect("checkins")


def _staff_page(request: HttpRequest, *, group_id: int | None = None) -> HttpResponse:
    user = signed_in_user(request)
    groups = list(checkins.staffed_groups(user))
    if not groups:
        raise Http404
    group = checkins.access_staffed_group(user, group_id) if group_id is not None else None
    rows = list(checkins.checkins_for_staff(user, group=group)[:STAFF_ROWS_SHOWN])
    checkins.record_staff_read(user, rows, group=group)
    return render(
        request,
        "spaces/checkin_staff.html",
        {"groups": groups, "group": group, "rows": rows, "limit": STAFF_ROWS_SHOWN},
    )


@login_required
@require_GET
def staff_checkins(request: HttpRequest) -> HttpResponse:
    return _staff_page(request)


@login_required
@require_GET
def group_checkins(request: HttpRequest, group_id: int) -> HttpResponse:
    return _staff_page(request, group_id=group_id)
