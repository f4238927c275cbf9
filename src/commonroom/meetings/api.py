"""Live sessions over the API: the same access helpers and actions as the pages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Router

from commonroom.accounts.models import User
from commonroom.api.errors import ApiError
from commonroom.api.pagination import paged
from commonroom.care import access as care_access
from commonroom.meetings import access as meetings_access
from commonroom.meetings import actions, queries, rooms
from commonroom.meetings.models import Attendance, Session, SessionSeries
from commonroom.meetings.scheduling import do_add_exception, do_create_series
from commonroom.meetings.schemas import (
    AttendanceOut,
    CorrectionIn,
    ExceptionIn,
    FinaliseIn,
    JoinOut,
    MinimumLineOut,
    SeriesIn,
    SeriesOut,
    SessionFeedOut,
    SessionOut,
)

router = Router(tags=["sessions"])


def _viewer(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _session_out(session: Session) -> dict[str, Any]:
    return {
        "id": session.pk,
        "series_id": session.series_id,
        "group_id": session.series.group_id,
        "title": session.series.title,
        "kind": session.series.kind,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "status": session.status,
        "moved": session.moved,
        "join_open": rooms.join_open(session, timezone.now()),
    }


@router.get(
    "/sessions", response=list[SessionOut], summary="The caller's sessions in the next four weeks"
)
@paged
def my_sessions(request: HttpRequest) -> list[dict[str, Any]]:
    now = timezone.now()
    sessions = (
        meetings_access.sessions_visible_to(request.user)
        .filter(ends_at__gt=now, starts_at__lt=now + timedelta(days=28))
        .order_by("starts_at")
    )
    return [_session_out(s) for s in sessions]


@router.get("/sessions/{session_id}", response=SessionOut)
def session_detail(request: HttpRequest, session_id: int) -> dict[str, Any]:
    return _session_out(meetings_access.access_session(request.user, session_id))


@router.post(
    "/sessions/{session_id}/join",
    response=JoinOut,
    summary="Get this person's signed room link",
    description=(
        "Checks that the person may join now and returns their room link on this site. "
        "Open it in the browser where they are signed in: their arrival is recorded when "
        "the browser follows it to the video room, not by this call."
    ),
)
def join(request: HttpRequest, session_id: int) -> dict[str, str]:
    session = meetings_access.access_session(request.user, session_id)
    staff = meetings_access.is_session_staff(request.user, session)
    person = _viewer(request)
    try:
        rooms.check_join(session=session, person=person, moderator=staff, now=timezone.now())
    except rooms.JoinRefused as exc:
        raise ApiError(403, exc.reason.value, rooms.refusal_message(exc)) from exc
    except rooms.RoomUnavailable as exc:
        raise ApiError(503, "video_unavailable", rooms.refusal_message(exc)) from exc
    return {"url": request.build_absolute_uri(rooms.room_link(session=session, person=person))}


@router.get("/sessions/{session_id}/attendance", response=list[AttendanceOut])
@paged
def session_attendance(request: HttpRequest, session_id: int) -> list[dict[str, Any]]:
    session = meetings_access.access_session(request.user, session_id, for_write=True)
    return _attendance_rows(session)


def _attendance_rows(session: Session) -> list[dict[str, Any]]:
    return [
        {
            "user_id": a.user_id,
            "display_name": a.user.display_name,
            "status": a.status,
            "minutes": a.minutes,
            "participation": a.participation,
        }
        for a in Attendance.objects.filter(session=session)
        .select_related("user")
        .order_by("user__display_name")
    ]


@router.post("/sessions/{session_id}/attendance/finalise", response=list[AttendanceOut])
def finalise(request: HttpRequest, session_id: int, payload: FinaliseIn) -> list[dict[str, Any]]:
    session = meetings_access.access_session(request.user, session_id, for_write=True)
    actions.do_finalise_attendance(
        session=session, finalised_by=_viewer(request), excused=frozenset(payload.excused)
    )
    return _attendance_rows(session)


@router.patch("/sessions/{session_id}/attendance/{user_id}", response=AttendanceOut)
def correct(
    request: HttpRequest, session_id: int, user_id: int, payload: CorrectionIn
) -> dict[str, Any]:
    session = meetings_access.access_session(request.user, session_id, for_write=True)
    meetings_access.check_attendee(session, user_id)
    attendance = actions.do_correct_attendance(
        session=session,
        user_id=user_id,
        status=payload.status,
        minutes=payload.minutes,
        reason=payload.reason,
        corrected_by=_viewer(request),
    )
    return {
        "user_id": attendance.user_id,
        "display_name": attendance.user.display_name,
        "status": attendance.status,
        "minutes": attendance.minutes,
        "participation": attendance.participation,
    }


@router.get("/groups/{group_id}/series", response=list[SeriesOut])
@paged
def list_series(request: HttpRequest, group_id: int) -> list[SessionSeries]:
    group = meetings_access.access_group_schedule(request.user, group_id)
    return list(group.series.order_by("pk"))


@router.post("/groups/{group_id}/series", response={201: SeriesOut})
def create_series(
    request: HttpRequest, group_id: int, payload: SeriesIn
) -> tuple[int, SessionSeries]:
    group = meetings_access.access_group_schedule(request.user, group_id, for_write=True)
    return 201, do_create_series(group=group, created_by=_viewer(request), **payload.dict())


@router.post("/series/{series_id}/exceptions", response={201: SeriesOut})
def add_exception(
    request: HttpRequest, series_id: int, payload: ExceptionIn
) -> tuple[int, SessionSeries]:
    series = meetings_access.access_series(request.user, series_id, for_write=True)
    do_add_exception(series=series, created_by=_viewer(request), **payload.dict())
    return 201, series


@router.post(
    "/me/calendar-feeds", response={201: SessionFeedOut}, summary="A new private iCalendar link"
)
def create_feed(request: HttpRequest) -> tuple[int, dict[str, str]]:
    _feed, raw = actions.do_create_calendar_feed(user=_viewer(request))
    return 201, {
        "url": request.build_absolute_uri(reverse("calendar_feed", kwargs={"secret": raw}))
    }


@router.delete(
    "/me/calendar-feeds", response={204: None}, summary="Revoke all the caller's calendar links"
)
def revoke_feeds(request: HttpRequest) -> HttpResponse:
    actions.do_revoke_calendar_feeds(user=_viewer(request))
    return HttpResponse(status=204)


@router.get("/programs/{program_id}/minimums", response=list[MinimumLineOut])
@paged
def weekly_minimums(
    request: HttpRequest, program_id: int, week: date | None = None
) -> list[dict[str, Any]]:
    program = care_access.access_program(request.user, program_id)
    lines = queries.weekly_minimums(
        program=program, day=week or timezone.localdate(), now=timezone.now()
    )
    return [
        {
            "user_id": line.person.pk,
            "display_name": line.person.display_name,
            "minimum_hours": line.minimum_hours,
            "scheduled_hours": line.scheduled_hours,
            "attended_hours": line.attended_hours,
            "remaining_hours": line.remaining_hours,
            "status": line.status,
            "reason": line.reason,
        }
        for line in lines
    ]
