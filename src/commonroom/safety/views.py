"""The flags list for staff: acknowledge and resolve."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commonroom.accounts.models import User
from commonroom.core.audit import AuditAction, audited_reads
from commonroom.safety import access
from commonroom.safety.actions import do_set_flag_status
from commonroom.safety.models import FlagStatus


@login_required
def flags(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if not access.is_flag_staff(user):
        raise Http404
    show_resolved = request.GET.get("resolved") == "1"
    rows = access.flags_visible_to(user).select_related("subject", "raised_by", "program")
    if not show_resolved:
        rows = rows.exclude(status=FlagStatus.RESOLVED)
    listed = list(rows[:200])
    audited_reads(
        user,
        action=AuditAction.FLAG_READ,
        rows=listed,
        subject_of=lambda flag: flag.subject,
        ids_key="flag_ids",
    )
    return render(
        request,
        "safety/flags.html",
        {"flags": listed, "show_resolved": show_resolved, "statuses": FlagStatus},
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
