"""Moderation over HTML: anyone reports; the space's staff work the queue,
hide or restore, lock threads, mute people for a while and keep private
notes. Everything denied is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from commonroom.core.http import signed_in_user
from commonroom.spaces import access, moderation
from commonroom.spaces.models import Message, Report


def _back(message_thread_id: int) -> HttpResponse:
    return redirect("thread", thread_id=message_thread_id)


@login_required
@require_POST
def report(request: HttpRequest, message_id: int) -> HttpResponse:
    message = access.access_message(request.user, message_id)
    try:
        moderation.do_report(
            message=message, reporter=signed_in_user(request), reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Thank you. Staff will look at it; you will hear when it was handled.")
        )
    return _back(message.thread_id)


def _moderated_message(request: HttpRequest, message_id: int) -> Message:
    return moderation.access_moderated_message(request.user, message_id)


@login_required
@require_POST
def hide(request: HttpRequest, message_id: int) -> HttpResponse:
    message = _moderated_message(request, message_id)
    moderation.do_set_hidden(
        message=message, by=signed_in_user(request), hidden=request.POST.get("hidden") != "0"
    )
    return _back(message.thread_id)


@login_required
@require_POST
def lock(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = moderation.access_moderated_thread(request.user, thread_id)
    moderation.do_set_locked(
        thread=thread, by=signed_in_user(request), locked=request.POST.get("locked") != "0"
    )
    return redirect("thread", thread_id=thread.pk)


@login_required
@require_POST
def mute(request: HttpRequest, message_id: int) -> HttpResponse:
    message = _moderated_message(request, message_id)
    try:
        minutes = int(request.POST.get("minutes", ""))
    except ValueError:
        minutes = 0
    try:
        moderation.do_mute(
            space=message.space,
            user_id=message.author_id,
            minutes=minutes,
            by=signed_in_user(request),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Muted in this space."))
    return _back(message.thread_id)


@login_required
@require_POST
def note(request: HttpRequest, message_id: int) -> HttpResponse:
    message = _moderated_message(request, message_id)
    try:
        moderation.do_add_moderation_note(
            space=message.space,
            by=signed_in_user(request),
            body=request.POST.get("body", ""),
            message=message,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Note saved. Staff of this space see it under the message and in the queue.")
        )
    return _back(message.thread_id)


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    reports = list(moderation.open_reports(signed_in_user(request)))
    if (
        not reports
        and not access.spaces_visible_to(request.user)
        .filter(access.staff_filter(request.user))
        .exists()
    ):
        raise Http404
    notes = moderation.notes_by_message(
        [r.message_id for r in reports], reader=signed_in_user(request)
    )
    shown = [(report, notes.get(report.message_id, [])) for report in reports]
    return render(request, "spaces/moderation_queue.html", {"reports": shown})


@login_required
@require_POST
def handle(request: HttpRequest, report_id: int) -> HttpResponse:
    found = moderation.open_reports(signed_in_user(request)).filter(pk=report_id).first()
    if found is None:
        if not Report.objects.filter(pk=report_id, handled_at__isnull=False).exists():
            raise Http404
        return redirect("moderation_queue")
    moderation.do_handle_report(report=found, by=signed_in_user(request))
    messages.success(request, _("Marked as handled. The person who reported it is told."))
    return redirect("moderation_queue")
