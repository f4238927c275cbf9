"""Peer space pages: the list of a person's spaces, a space's threads, and a
thread with its messages. Live updates come over the websocket (spaces.js);
without it the thread polls ``thread_live``. Every write goes through
spaces/actions.py; every fetch through spaces/access.py (404 when denied)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commonroom.core.http import is_htmx, signed_in_user
from commonroom.core.validation import field_errors, refuse
from commonroom.realtime import events
from commonroom.realtime.models import Stream
from commonroom.spaces import access, actions, moderation, queries
from commonroom.spaces.models import MESSAGE_MAX_CHARS, Message, Thread

View = Callable[..., HttpResponse]
# Set on a refused HTMX post, so the page's script can tell a refusal (which
# still swaps in the form with its error) from a stored message.
REFUSED_HEADER = "X-Commonroom-Refused"


def client_id_of(raw: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw or ""))
    except ValueError:
        raise refuse(
            "client_id", _("This form is out of date: reload the page and try again."), "invalid"
        ) from None


# --- the spaces list and a space --------------------------------------------------


@login_required
@require_GET
def space_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    spaces = list(access.spaces_visible_to(user).order_by("program__name", "scope", "name"))
    # The page follows its spaces' streams and the person's own (mentions);
    # any event there refreshes the counts.
    keys = [space.stream_key for space in spaces] + [f"user.{user.pk}"]
    known = dict(Stream.objects.filter(key__in=keys).values_list("key", "last_position"))
    return render(
        request,
        "spaces/space_list.html",
        {
            "summaries": queries.space_summaries(user, spaces),
            "streams_json": json.dumps({key: known.get(key, 0) for key in keys}),
        },
    )


def _render_space(
    request: HttpRequest, space_id: int, *, errors: dict[str, str] | None = None, status: int = 200
) -> HttpResponse:
    space = access.access_space(request.user, space_id)
    context = {
        "space": space,
        "threads": queries.threads_of(space),
        "errors": errors or {},
        "title": request.POST.get("title", ""),
        "body": request.POST.get("body", ""),
        # A refused id gets a fresh one, so sending the form again can work.
        "client_id": (None if "client_id" in (errors or {}) else request.POST.get("client_id"))
        or uuid.uuid4(),
        "max_chars": MESSAGE_MAX_CHARS,
    }
    return render(request, "spaces/space.html", context, status=status)


@login_required
@require_GET
def space_detail(request: HttpRequest, space_id: int) -> HttpResponse:
    return _render_space(request, space_id)


@login_required
@require_POST
def create_thread(request: HttpRequest, space_id: int) -> HttpResponse:
    space = access.access_space(request.user, space_id)
    user = signed_in_user(request)
    try:
        thread, _created = actions.do_start_thread(
            space=space,
            author=user,
            title=request.POST.get("title", ""),
            body=request.POST.get("body", ""),
            client_id=client_id_of(request.POST.get("client_id")),
        )
    except ValidationError as exc:
        return _render_space(request, space_id, errors=field_errors(exc), status=422)
    return redirect("thread", thread_id=thread.pk)


# --- a thread -------------------------------------------------------------------


def _thread_context(request: HttpRequest, thread: Thread) -> dict[str, Any]:
    user = signed_in_user(request)
    moderator = access.is_moderator(user, thread.space)
    # Read the position before the messages: an event that lands in between is
    # sent again from the log, and the page skips a message it already shows.
    position = events.last_position(thread.space.stream_key)
    lines = queries.thread_lines(thread, user, moderator=moderator)
    if moderator:
        notes = moderation.notes_by_message([line.pk for line in lines], reader=user)
        for line in lines:
            line.notes = notes.get(line.pk, [])
    return {
        "thread": thread,
        "space": thread.space,
        "lines": lines,
        "moderator": moderator,
        "position": position,
        "empty_reactions": queries.reaction_buttons({}, set()),
    }


def _form_context(
    request: HttpRequest,
    lines: list[queries.MessageLine],
    *,
    errors: dict[str, str] | None = None,
    keep: bool = False,
) -> dict[str, Any]:
    """The post form: fresh (a new client id), or as sent with its errors."""
    raw_parent = request.POST.get("parent") if keep else request.GET.get("reply_to")
    reply_to = next((line for line in lines if str(line.pk) == raw_parent), None)
    return {
        "errors": errors or {},
        "body": request.POST.get("body", "") if keep else "",
        "as_alias": keep and request.POST.get("as_alias") == "on",
        "client_id": (request.POST.get("client_id") if keep else None) or uuid.uuid4(),
        "reply_to": reply_to,
        "max_chars": MESSAGE_MAX_CHARS,
    }


@login_required
@require_GET
def thread_detail(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = access.access_thread(request.user, thread_id)
    context = _thread_context(request, thread)
    context |= _form_context(request, context["lines"])
    actions.do_mark_read(user=signed_in_user(request), space=thread.space)
    return render(request, "spaces/thread.html", context)


@login_required
@require_GET
def thread_live(request: HttpRequest, thread_id: int) -> HttpResponse:
    """The messages, for a page that polls because its socket is down. Nothing
    new since ``after``: 204, and the page keeps what it has. Any other
    ``after`` (older, or past the head, which no page can have reached)
    gets the messages afresh with the current position."""
    thread = access.access_thread(request.user, thread_id)
    after = request.GET.get("after", "")
    if after.isdigit() and int(after) == events.last_position(thread.space.stream_key):
        return HttpResponse(status=204)
    context = _thread_context(request, thread)
    actions.do_mark_read(user=signed_in_user(request), space=thread.space)
    return render(request, "spaces/partials/_messages.html", context)


@login_required
@require_POST
def post_message(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = access.access_thread(request.user, thread_id)
    user = signed_in_user(request)
    errors: dict[str, str] = {}
    message: Message | None = None
    try:
        parent = access.reply_parent(thread, request.POST.get("parent"))
        message, _created = actions.do_post_message(
            space=thread.space,
            author=user,
            body=request.POST.get("body", ""),
            client_id=client_id_of(request.POST.get("client_id")),
            thread=thread,
            parent=parent,
            as_alias=request.POST.get("as_alias") == "on",
        )
    except ValidationError as exc:
        errors = field_errors(exc)
    if not is_htmx(request):
        if message is not None:
            return redirect(
                f"{reverse('thread', kwargs={'thread_id': thread.pk})}#message-{message.pk}"
            )
        context = _thread_context(request, thread)
        context |= _form_context(request, context["lines"], errors=errors, keep=True)
        return render(request, "spaces/thread.html", context, status=422)
    # HTMX: the form (fresh, or with the error) and the messages, out of band.
    context = _thread_context(request, thread)
    context |= _form_context(request, context["lines"], errors=errors, keep=bool(errors))
    context["oob"] = True
    response = render(request, "spaces/partials/_post_response.html", context)
    if errors:
        response[REFUSED_HEADER] = "1"
    return response


# --- one message ----------------------------------------------------------------


def _to_message(message: Message) -> HttpResponse:
    url = reverse("thread", kwargs={"thread_id": message.thread_id})
    return redirect(f"{url}#message-{message.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def edit_message(request: HttpRequest, message_id: int) -> HttpResponse:
    message = access.access_message(request.user, message_id)
    user = signed_in_user(request)
    if message.author_id != user.pk or message.deleted_at is not None:
        raise Http404
    errors: dict[str, str] = {}
    body = message.body
    if request.method == "POST":
        body = request.POST.get("body", "")
        try:
            actions.do_edit_message(message=message, editor=user, body=body)
        except ValidationError as exc:
            errors = field_errors(exc)
        else:
            return _to_message(message)
    context = {
        "message": message,
        "thread": message.thread,
        "space": message.space,
        "body": body,
        "errors": errors,
        "max_chars": MESSAGE_MAX_CHARS,
    }
    return render(request, "spaces/edit_message.html", context, status=422 if errors else 200)


@login_required
@require_POST
def delete_message(request: HttpRequest, message_id: int) -> HttpResponse:
    message = access.access_message(request.user, message_id)
    try:
        actions.do_delete_message(message=message, by=signed_in_user(request))
    except ValidationError:
        raise Http404 from None  # only the author deletes; others find nothing to delete
    return _to_message(message)


@login_required
@require_POST
def toggle_reaction(request: HttpRequest, message_id: int) -> HttpResponse:
    message = access.access_message(request.user, message_id)
    user = signed_in_user(request)
    error = ""
    try:
        actions.do_toggle_reaction(message=message, user=user, kind=request.POST.get("kind", ""))
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if not is_htmx(request):
        return _to_message(message)
    context = {
        "message_id": message.pk,
        "reactions": queries.message_reactions(message, user),
        "error": error,
    }
    return render(request, "spaces/partials/_reactions.html", context)


@login_required
@require_GET
def message_history(request: HttpRequest, message_id: int) -> HttpResponse:
    """Earlier versions of an edited message: moderators only."""
    message = access.access_message(request.user, message_id)
    access.access_space(request.user, message.space_id, for_moderation=True)
    context = {
        "message": message,
        "thread": message.thread,
        "space": message.space,
        "line": queries.message_line(message, signed_in_user(request), moderator=True),
        "revisions": message.revisions.all(),
    }
    return render(request, "spaces/message_history.html", context)
