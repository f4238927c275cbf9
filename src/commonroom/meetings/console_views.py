"""The facilitator console and the participant's breakout view."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from commonroom.accounts.middleware import mark_active
from commonroom.core import access as core_access
from commonroom.core.http import signed_in_user
from commonroom.meetings import access as meetings_access
from commonroom.meetings import console, rooms
from commonroom.meetings.models import (
    BreakoutRoom,
    BreakoutRound,
    Session,
    TechHelpRequest,
)


def _live_context(session: Session) -> dict[str, object]:
    breakout = console.current_round(session)
    return {
        "session": session,
        "voices": console.voices(session),
        "help_requests": TechHelpRequest.objects.filter(
            session=session, resolved_at__isnull=True
        ).select_related("user"),
        "asking_rooms": BreakoutRoom.objects.filter(
            round__session=session, round__status="open", facilitator_asked_at__isnull=False
        ),
        "breakout": breakout,
        "breakout_rooms": breakout.rooms.prefetch_related("members") if breakout else [],
    }


def _render_live(request: HttpRequest, session: Session, error: str = "") -> HttpResponse:
    context = _live_context(session) | {"error": error}
    return render(request, "meetings/partials/_console_live.html", context)


@login_required
@require_GET
def console_page(request: HttpRequest, session_id: int) -> HttpResponse:
    session = meetings_access.access_session(request.user, session_id, for_write=True)
    context = _live_context(session)
    context.update(
        {
            "plan": getattr(session, "plan", None),
            "suggestions": console.prompt_suggestions(session, signed_in_user(request)),
            "rotation": console.co_lead_rotation(session),
            "ended": session.ends_at <= timezone.now(),
        }
    )
    return render(request, "meetings/console.html", context)


@login_required
@require_GET
def console_live(request: HttpRequest, session_id: int) -> HttpResponse:
    """The parts of the console that change while the session runs; the page
    polls this every few seconds (and a socket hint can trigger it sooner).

    The poll is passive, so an unattended page still signs out; but a
    facilitator running a live session watches the console without touching
    it, and signing them out mid-session would leave the group without its
    host. While the session is live, an open console counts as activity."""
    session = meetings_access.access_session(request.user, session_id, for_write=True)
    if rooms.join_open(session, timezone.now()):
        mark_active(request)
    return _render_live(request, session)


@login_required
@require_POST
def log_share(request: HttpRequest, session_id: int, user_id: int) -> HttpResponse:
    session = meetings_access.access_session(request.user, session_id, for_write=True)
    try:
        if request.POST.get("undo"):
            console.do_undo_share(session=session, user_id=user_id)
        else:
            console.do_log_share(
                session=session,
                user_id=user_id,
                logged_by=signed_in_user(request),
                kind=request.POST.get("kind", "shared"),
                length=request.POST.get("length", ""),
            )
    except ValidationError as exc:
        if getattr(request, "htmx", False):
            return _render_live(request, session, error=" ".join(exc.messages))
        messages.error(request, " ".join(exc.messages))
    if getattr(request, "htmx", False):
        return _render_live(request, session)
    return redirect("console", session_id=session.pk)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@login_required
@require_POST
def plan_breakouts(request: HttpRequest, session_id: int) -> HttpResponse:
    session = meetings_access.access_session(request.user, session_id, for_write=True)
    mode = request.POST.get("mode", "count")
    number = _int(request.POST.get("number"))
    try:
        console.do_plan_breakouts(
            session=session,
            planned_by=signed_in_user(request),
            room_count=number if mode == "count" else None,
            room_size=number if mode == "size" else None,
            # Left out means the default; anything else not in range is refused, not replaced.
            duration_minutes=_int(request.POST.get("duration_minutes", "15")) or 0,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("console", session_id=session.pk)


def _round_for_write(request: HttpRequest, session_id: int) -> tuple[Session, BreakoutRound]:
    session = meetings_access.access_session(request.user, session_id, for_write=True)
    breakout = console.current_round(session)
    if breakout is None:
        raise Http404
    return session, breakout


@login_required
@require_POST
def breakout_action(request: HttpRequest, session_id: int, action: str) -> HttpResponse:
    session, breakout = _round_for_write(request, session_id)
    user = signed_in_user(request)
    try:
        if action == "move":
            console.do_move_to_room(
                breakout=breakout,
                user_id=_int(request.POST.get("user")) or 0,
                room_number=_int(request.POST.get("room")) or 0,
                moved_by=user,
            )
        elif action == "open":
            console.do_open_breakouts(breakout=breakout, opened_by=user)
        elif action == "extend":
            console.do_extend_breakouts(
                breakout=breakout,
                minutes=_int(request.POST.get("minutes", "5")) or 0,
                extended_by=user,
            )
        elif action == "broadcast":
            console.do_broadcast(
                breakout=breakout, message=request.POST.get("message", ""), sent_by=user
            )
        elif action == "close":
            console.do_close_breakouts(breakout=breakout, closed_by=user)
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("console", session_id=session.pk)


@login_required
@require_POST
def choose_prompt(request: HttpRequest, session_id: int) -> HttpResponse:
    session = meetings_access.access_session(request.user, session_id, for_write=True)
    prompt = meetings_access.access_prompt(
        request.user, session, _int(request.POST.get("prompt")) or 0
    )
    console.do_choose_prompt(session=session, prompt=prompt, chosen_by=signed_in_user(request))
    messages.success(request, _("Prompt chosen. Participants see it when the session starts."))
    return redirect("console", session_id=session.pk)


@login_required
@require_POST
def add_prompt(request: HttpRequest, session_id: int) -> HttpResponse:
    session = meetings_access.access_session(request.user, session_id, for_write=True)
    try:
        console.do_add_prompt(
            owner=signed_in_user(request),
            program_id=session.series.group.program_id,
            text=request.POST.get("text", ""),
            tags=request.POST.get("tags", "").split(","),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("console", session_id=session.pk)


@login_required
@require_POST
def assign_co_lead(request: HttpRequest, session_id: int) -> HttpResponse:
    session = meetings_access.access_session(request.user, session_id, for_write=True)
    console.do_assign_co_lead(session=session)
    return redirect("console", session_id=session.pk)


@login_required
@require_POST
def opt_in_co_lead(request: HttpRequest, session_id: int) -> HttpResponse:
    session = meetings_access.access_session(request.user, session_id)
    if not meetings_access.on_roster(request.user, session):
        raise Http404
    console.do_opt_in_co_lead(
        user=signed_in_user(request),
        group_id=session.series.group_id,
        opt_in=request.POST.get("opt_in") == "1",
    )
    messages.success(request, _("Thank you. Your facilitator will see your choice."))
    return redirect("session", session_id=session.pk)


# --- the participant's side ------------------------------------------------------


def _my_room(request: HttpRequest, session_id: int) -> tuple[Session, BreakoutRoom | None]:
    session = meetings_access.access_session(request.user, session_id)
    return session, console.room_of(session, core_access.viewer_id(request.user))


@login_required
@require_GET
def my_breakout(request: HttpRequest, session_id: int) -> HttpResponse:
    session, room = _my_room(request, session_id)
    members = room.members.order_by("display_name") if room else []
    return render(
        request,
        "meetings/partials/_my_breakout.html",
        {"session": session, "room": room, "room_members": members},
    )


@login_required
@require_POST
def ask_facilitator(request: HttpRequest, session_id: int) -> HttpResponse:
    _session, room = _my_room(request, session_id)
    if room is None:
        raise Http404
    try:
        console.do_ask_facilitator(room=room, asked_by=signed_in_user(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your facilitator has been asked to join your room."))
    return redirect("session", session_id=session_id)


@login_required
@require_GET
def join_breakout(request: HttpRequest, session_id: int) -> HttpResponse:
    """The signed link to the person's breakout room (see rooms.py); the room
    is looked up now, so a move since the page rendered is honoured."""
    session, room = _my_room(request, session_id)
    if room is None:
        raise Http404
    person = signed_in_user(request)
    if not rooms.room_token_valid(
        request.GET.get("t", ""), session=session, person=person, purpose="breakout"
    ):
        messages.error(request, _("That join link is not yours or is damaged. Join from here."))
        return redirect("session", session_id=session_id)
    try:
        url = rooms.breakout_link(
            session=session,
            room_number=room.number,
            room_count=room.round.rooms.count(),
            person=person,
            moderator=False,
            now=timezone.now(),
        )
    except (rooms.JoinRefused, rooms.RoomUnavailable) as exc:
        messages.error(request, rooms.refusal_message(exc))
        return redirect("session", session_id=session_id)
    return HttpResponseRedirect(url)
