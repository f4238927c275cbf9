"""The flags list for staff: acknowledge and resolve."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commonroom.accounts.models import User
from commonroom.safety import access, queries
from commonroom.safety.actions import do_set_flag_status
from commonroom.safety.models import FlagStatus

# A page of flags; more come through the "More flags" link, never cut silently.
FLAGS_PER_PAGE = 100


@login_required
def flags(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    show_resolved = request.GET.get("resolved") == "1"
    rows = queries.staff_flags(user, include_resolved=show_resolved)
    raw_offset = request.GET.get("offset", "")
    offset = int(raw_offset) if raw_offset.isdigit() else 0
    listed = list(rows[offset : offset + FLAGS_PER_PAGE])
    queries.record_flag_reads(reader=user, shown=listed)
    total = rows.count()
    following = offset + FLAGS_PER_PAGE
    return render(
        request,
        "safety/flags.html",
        {
            "flags": listed,
            "show_resolved": show_resolved,
            "statuses": FlagStatus,
            "total": total,
            "first": offset + 1,
            "last": offset + len(listed),
            "next_offset": following if following < total else None,
        },
    )


@login_required
@require_POST
def flag_status(request: HttpRequest, flag_id: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    flag = access.access_flag(user, flag_id, for_write=True)
    try:
        do_set_flag_status(flag=flag, status=request.POST.get("status", ""), changed_by=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Flag updated."))
    return redirect("flags")
