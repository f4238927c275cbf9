"""Reads for live sessions that span apps."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from commonroom.accounts.models import User
from commonroom.care.models import COHORT_PHASES, Enrollment, Program
from commonroom.core import access as core_access
from commonroom.meetings.models import (
    Attendance,
    AttendanceStatus,
    Session,
    SessionPlan,
    SessionStatus,
    SharingPrompt,
)


def roster_ids(session: Session) -> list[int]:
    """The group's active cohort: who the session expects."""
    return sorted(
        core_access.cohort_memberships()
        .filter(group_id=session.series.group_id)
        .values_list("user_id", flat=True)
    )


@dataclass(frozen=True, slots=True)
class WeekLine:
    """One participant's week against their track's minimum."""

    person: User
    enrollment: Enrollment
    minimum_hours: float
    scheduled_hours: float
    attended_hours: float
    remaining_hours: float
    status: str  # met | on_track | under
    reason: str  # "" | not_scheduled | absent | excused | partial


def week_bounds(day: date, zone: str) -> tuple[datetime, datetime]:
    """The ISO week (Monday to Monday) containing `day`, in the program's zone."""
    tz = zoneinfo.ZoneInfo(zone)
    monday = day - timedelta(days=day.weekday())
    start = datetime.combine(monday, time(0, 0), tzinfo=tz)
    end = datetime.combine(monday + timedelta(days=7), time(0, 0), tzinfo=tz)
    return start, end


def weekly_minimums(*, program: Program, day: date, now: datetime) -> list[WeekLine]:
    """Scheduled and attended hours per cohort participant for one week,
    against their track's minimum, with why anyone is under."""
    start, end = week_bounds(day, program.time_zone)
    enrollments = list(
        Enrollment.objects.filter(program=program, phase__in=COHORT_PHASES)
        .select_related("user", "track")
        .order_by("user__display_name")
    )
    memberships = core_access.cohort_memberships().filter(group__program=program)
    groups_of: dict[int, set[int]] = {}
    for user_id, group_id in memberships.values_list("user_id", "group_id"):
        groups_of.setdefault(user_id, set()).add(group_id)
    sessions = list(
        Session.objects.filter(
            series__group__program=program,
            starts_at__gte=start,
            starts_at__lt=end,
            status=SessionStatus.SCHEDULED,
        ).select_related("series")
    )
    attendance = {
        (a.session_id, a.user_id): a for a in Attendance.objects.filter(session__in=sessions)
    }
    lines = []
    for enrollment in enrollments:
        track_minimum = enrollment.track.weekly_minimum_hours if enrollment.track else 0
        mine = [
            s for s in sessions if s.series.group_id in groups_of.get(enrollment.user_id, set())
        ]
        scheduled = sum(s.duration_minutes for s in mine) / 60
        past = [s for s in mine if s.ends_at <= now]
        remaining = sum(s.duration_minutes for s in mine if s.ends_at > now) / 60
        records = [attendance.get((s.pk, enrollment.user_id)) for s in past]
        attended = sum(r.minutes for r in records if r is not None) / 60
        statuses = {r.status if r is not None else AttendanceStatus.ABSENT for r in records}
        if attended >= track_minimum:
            status, reason = "met", ""
        elif attended + remaining >= track_minimum:
            status, reason = "on_track", ""
        else:
            status = "under"
            if scheduled < track_minimum:
                reason = "not_scheduled"
            elif AttendanceStatus.ABSENT in statuses:
                reason = "absent"
            elif AttendanceStatus.EXCUSED in statuses:
                reason = "excused"
            else:
                reason = "partial"
        lines.append(
            WeekLine(
                person=enrollment.user,
                enrollment=enrollment,
                minimum_hours=float(track_minimum),
                scheduled_hours=round(scheduled, 2),
                attended_hours=round(attended, 2),
                remaining_hours=round(remaining, 2),
                status=status,
                reason=reason,
            )
        )
    return lines


@dataclass(frozen=True, slots=True)
class AttendanceToDate:
    attended: int
    held: int
    hours: float


ATTENDED = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY})


def attendance_to_date(group_id: int, *, now: datetime) -> dict[int, AttendanceToDate]:
    """Per person: sessions of this group attended of those held since they
    joined it, and hours in the room. Two queries whatever the group size."""
    held = list(
        Session.objects.filter(
            series__group_id=group_id, status=SessionStatus.SCHEDULED, ends_at__lte=now
        ).values_list("pk", "starts_at")
    )
    joined = dict(
        core_access.cohort_memberships()
        .filter(group_id=group_id)
        .values_list("user_id", "joined_at")
    )
    records: dict[int, list[Attendance]] = {}
    for record in Attendance.objects.filter(session_id__in=[pk for pk, _ in held]):
        records.setdefault(record.user_id, []).append(record)
    result = {}
    for user_id, since in joined.items():
        mine = records.get(user_id, [])
        result[user_id] = AttendanceToDate(
            attended=sum(1 for r in mine if r.status in ATTENDED),
            held=sum(1 for _pk, starts in held if starts >= since),
            hours=round(sum(r.minutes for r in mine) / 60, 1),
        )
    return result


JOIN_EARLY_MINUTES = 15  # the room opens this long before the start (video.join_window)


@dataclass(frozen=True, slots=True)
class NextSession:
    """What a person's home page shows of their next live session."""

    session: Session
    join_open: bool
    opens_at: datetime
    prompt: SharingPrompt | None  # only once the session has started
    co_lead: User | None
    i_co_lead: bool


def next_session_for(viewer: User, *, now: datetime) -> NextSession | None:
    """The viewer's next (or current) session in a group they belong to or
    facilitate; the prompt only once it has started, as on the session page."""
    group_ids = core_access.cohort_group_ids(viewer) | core_access.facilitated_group_ids(viewer)
    session = (
        Session.objects.filter(
            series__group_id__in=group_ids, status=SessionStatus.SCHEDULED, ends_at__gt=now
        )
        .select_related("series__group")
        .order_by("starts_at", "pk")
        .first()
    )
    if session is None:
        return None
    plan = SessionPlan.objects.filter(session=session).select_related("prompt", "co_lead").first()
    i_co_lead = bool(plan and plan.co_lead_id == viewer.pk)
    # Everyone sees the prompt at the start; the co-lead a day ahead.
    shown_from = session.starts_at - (timedelta(days=1) if i_co_lead else timedelta(0))
    return NextSession(
        session=session,
        join_open=session.starts_at - timedelta(minutes=JOIN_EARLY_MINUTES) <= now,
        opens_at=session.starts_at - timedelta(minutes=JOIN_EARLY_MINUTES),
        prompt=plan.prompt if plan and now >= shown_from else None,
        co_lead=plan.co_lead if plan else None,
        i_co_lead=i_co_lead,
    )
