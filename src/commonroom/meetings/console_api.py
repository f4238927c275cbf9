"""The facilitator console and breakouts over the API (parity with the pages)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from commonroom.accounts.models import User
from commonroom.core import access as core_access
from commonroom.meetings import access as meetings_access
from commonroom.meetings import console
from commonroom.meetings.models import BreakoutRound, Session

router = Router(tags=["console"])


class ConsolePersonOut(Schema):
    user_id: int
    display_name: str


class RoomOut(Schema):
    number: int
    members: list[ConsolePersonOut]
    facilitator_asked: bool


class RoundOut(Schema):
    id: int
    status: str
    duration_minutes: int
    ends_at: str | None
    broadcast: str
    explanation: str
    rooms: list[RoomOut]


class RosterOut(Schema):
    user_id: int
    display_name: str
    presence: Literal["here", "left", "not_joined"]


class HeardOut(Schema):
    user_id: int
    display_name: str
    turns: int
    percent: int = Field(description="Share of this session's talk, weighted by rough length.")


class ConsoleOut(Schema):
    present_count: int
    roster: list[RosterOut]
    not_yet_heard: list[ConsolePersonOut] = Field(description="The go-round, in arrival order.")
    quiet_lately: list[int] = Field(
        description="Ids of people not yet heard who did not share in the last three sessions."
    )
    heard: list[HeardOut]
    passed: list[ConsolePersonOut]
    evenness: int | None = Field(description="0-100: how evenly talk is spread.")
    breakout: RoundOut | None


class ShareLogIn(Schema):
    user_id: int
    kind: Literal["shared", "passed"] = "shared"
    length: Literal["brief", "medium", "long", ""] = ""


class PlanIn(Schema):
    room_count: int | None = Field(default=None, ge=1, le=30)
    room_size: int | None = Field(default=None, ge=2, le=30)
    duration_minutes: int = Field(default=15, ge=1, le=120)


class BreakoutMoveIn(Schema):
    user_id: int
    room: int


class ExtendIn(Schema):
    minutes: int = Field(default=5, ge=1, le=30)


class BroadcastIn(Schema):
    message: str = Field(min_length=1, max_length=300)


class MyRoomOut(Schema):
    number: int
    ends_at: str | None
    broadcast: str
    members: list[ConsolePersonOut]


class PromptIn(Schema):
    prompt_id: int


class OptInIn(Schema):
    opt_in: bool


def _viewer(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _person(user: User) -> dict[str, Any]:
    return {"user_id": user.pk, "display_name": user.display_name}


def _round_out(breakout: BreakoutRound) -> dict[str, Any]:
    return {
        "id": breakout.pk,
        "status": breakout.status,
        "duration_minutes": breakout.duration_minutes,
        "ends_at": breakout.ends_at.isoformat() if breakout.ends_at else None,
        "broadcast": breakout.broadcast,
        "explanation": breakout.explanation,
        "rooms": [
            {
                "number": room.number,
                "members": [_person(m) for m in room.members.order_by("display_name")],
                "facilitator_asked": room.facilitator_asked_at is not None,
            }
            for room in breakout.rooms.all()
        ],
    }


def _staff_session(request: HttpRequest, session_id: int) -> Session:
    return meetings_access.access_session(request.user, session_id, for_write=True)


def _current(session: Session) -> BreakoutRound:
    breakout = console.current_round(session)
    if breakout is None:
        raise Http404
    return breakout


@router.get("/sessions/{session_id}/console", response=ConsoleOut)
def console_state(request: HttpRequest, session_id: int) -> dict[str, Any]:
    session = _staff_session(request, session_id)
    voices = console.voices(session)
    breakout = console.current_round(session)
    return {
        "present_count": voices.present_count,
        "roster": [_person(line.person) | {"presence": line.presence} for line in voices.roster],
        "not_yet_heard": [_person(u) for u in voices.go_round],
        "quiet_lately": sorted(voices.quiet_ids),
        "heard": [
            _person(line.person) | {"turns": line.turns, "percent": line.percent}
            for line in voices.heard
        ],
        "passed": [_person(u) for u in voices.passed],
        "evenness": voices.evenness,
        "breakout": _round_out(breakout) if breakout else None,
    }


@router.post("/sessions/{session_id}/shares", response={201: ConsoleOut})
def log_share(
    request: HttpRequest, session_id: int, payload: ShareLogIn
) -> tuple[int, dict[str, Any]]:
    session = _staff_session(request, session_id)
    console.do_log_share(
        session=session,
        user_id=payload.user_id,
        logged_by=_viewer(request),
        kind=payload.kind,
        length=payload.length,
    )
    return 201, console_state(request, session_id)


@router.delete("/sessions/{session_id}/shares/{user_id}", response=ConsoleOut)
def undo_share(request: HttpRequest, session_id: int, user_id: int) -> dict[str, Any]:
    session = _staff_session(request, session_id)
    console.do_undo_share(session=session, user_id=user_id)
    return console_state(request, session_id)


@router.post("/sessions/{session_id}/breakouts", response={201: RoundOut})
def plan_breakouts(
    request: HttpRequest, session_id: int, payload: PlanIn
) -> tuple[int, dict[str, Any]]:
    session = _staff_session(request, session_id)
    breakout = console.do_plan_breakouts(
        session=session,
        planned_by=_viewer(request),
        room_count=payload.room_count,
        room_size=payload.room_size,
        duration_minutes=payload.duration_minutes,
    )
    return 201, _round_out(breakout)


@router.post("/sessions/{session_id}/breakouts/move", response=RoundOut)
def move(request: HttpRequest, session_id: int, payload: BreakoutMoveIn) -> dict[str, Any]:
    breakout = _current(_staff_session(request, session_id))
    console.do_move_to_room(
        breakout=breakout,
        user_id=payload.user_id,
        room_number=payload.room,
        moved_by=_viewer(request),
    )
    return _round_out(breakout)


@router.post("/sessions/{session_id}/breakouts/open", response=RoundOut)
def open_rooms(request: HttpRequest, session_id: int) -> dict[str, Any]:
    breakout = _current(_staff_session(request, session_id))
    return _round_out(console.do_open_breakouts(breakout=breakout, opened_by=_viewer(request)))


@router.post("/sessions/{session_id}/breakouts/extend", response=RoundOut)
def extend(request: HttpRequest, session_id: int, payload: ExtendIn) -> dict[str, Any]:
    breakout = _current(_staff_session(request, session_id))
    return _round_out(
        console.do_extend_breakouts(
            breakout=breakout, minutes=payload.minutes, extended_by=_viewer(request)
        )
    )


@router.post("/sessions/{session_id}/breakouts/broadcast", response=RoundOut)
def broadcast(request: HttpRequest, session_id: int, payload: BroadcastIn) -> dict[str, Any]:
    breakout = _current(_staff_session(request, session_id))
    return _round_out(
        console.do_broadcast(breakout=breakout, message=payload.message, sent_by=_viewer(request))
    )


@router.post("/sessions/{session_id}/breakouts/close", response={204: None})
def close(request: HttpRequest, session_id: int) -> HttpResponse:
    breakout = _current(_staff_session(request, session_id))
    console.do_close_breakouts(breakout=breakout, closed_by=_viewer(request))
    return HttpResponse(status=204)


@router.get("/sessions/{session_id}/my-breakout", response={200: MyRoomOut, 204: None})
def my_breakout(request: HttpRequest, session_id: int) -> Any:
    session = meetings_access.access_session(request.user, session_id)
    room = console.room_of(session, core_access.viewer_id(request.user))
    if room is None:
        return 204, None
    return {
        "number": room.number,
        "ends_at": room.round.ends_at.isoformat() if room.round.ends_at else None,
        "broadcast": room.round.broadcast,
        "members": [_person(m) for m in room.members.order_by("display_name")],
    }


@router.post("/sessions/{session_id}/my-breakout/ask", response={204: None})
def ask_facilitator(request: HttpRequest, session_id: int) -> HttpResponse:
    session = meetings_access.access_session(request.user, session_id)
    room = console.room_of(session, core_access.viewer_id(request.user))
    if room is None:
        raise Http404
    console.do_ask_facilitator(room=room, asked_by=_viewer(request))
    return HttpResponse(status=204)


@router.post("/sessions/{session_id}/prompt", response={204: None})
def choose_prompt(request: HttpRequest, session_id: int, payload: PromptIn) -> HttpResponse:
    session = _staff_session(request, session_id)
    prompt = meetings_access.access_prompt(request.user, session, payload.prompt_id)
    console.do_choose_prompt(session=session, prompt=prompt, chosen_by=_viewer(request))
    return HttpResponse(status=204)


@router.post("/sessions/{session_id}/co-lead/opt-in", response={204: None})
def opt_in(request: HttpRequest, session_id: int, payload: OptInIn) -> HttpResponse:
    session = meetings_access.access_session(request.user, session_id)
    if not meetings_access.on_roster(request.user, session):
        raise Http404
    console.do_opt_in_co_lead(
        user=_viewer(request), group_id=session.series.group_id, opt_in=payload.opt_in
    )
    return HttpResponse(status=204)
