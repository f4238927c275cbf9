"""Every state change of live group sessions."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commonroom.accounts.models import User
from commonroom.core import access as core_access
from commonroom.core.audit import AuditAction, record
from commonroom.core.validation import refuse
from commonroom.meetings import attendance as rules
from commonroom.meetings.models import (
    Attendance,
    AttendanceSource,
    AttendanceStatus,
    CalendarFeed,
    GroupNote,
    PresenceEvent,
    Session,
    TechCheck,
    TechHelpRequest,
)
from commonroom.meetings.queries import roster_ids
from commonroom.realtime.notify import notify_users


def _recompute(session: Session, user_id: int, now: datetime) -> Attendance:
    events = [
        rules.Presence(kind=e.kind, at=e.at)
        for e in PresenceEvent.objects.filter(session=session, user_id=user_id)
    ]
    computed = rules.compute(events, starts_at=session.starts_at, ends_at=session.ends_at, now=now)
    attendance, _created = Attendance.objects.update_or_create(
        session=session,
        user_id=user_id,
        defaults={"status": computed.status, "minutes": computed.minutes},
    )
    return attendance


def do_record_presence(
    *, session: Session, user: User, kind: str, source: str, at: datetime | None = None
) -> PresenceEvent:
    """A join or leave. Until attendance is finalised the person's status is
    recomputed from all their events; after, only a correction changes it.
    Staff's open consoles are told to refresh their roster (ids only)."""
    if kind not in PresenceEvent.Kind.values:
        raise refuse("kind", _("A presence is a join or a leave."))
    if source not in AttendanceSource.values:
        raise refuse("source", _("Unknown source."))
    at = at or timezone.now()
    with transaction.atomic():
        event = PresenceEvent.objects.create(
            session=session, user=user, kind=kind, at=at, source=source
        )
        if session.attendance_finalised_at is None:
            _recompute(session, user.pk, timezone.now())
        staff = _session_staff_ids(session)
        payload = {"session": session.pk}
        transaction.on_commit(lambda: notify_users(staff, "console.changed", payload))
    return event


def _session_staff_ids(session: Session) -> set[int]:
    group = session.series.group
    return set(group.facilitators.values_list("pk", flat=True)) | set(
        core_access.program_admin_ids(group.program_id)
    )


def do_finalise_attendance(
    *, session: Session, finalised_by: User, excused: frozenset[int] = frozenset()
) -> list[Attendance]:
    """Fixes every roster member's attendance from their joins and leaves;
    excused absences are marked as such. Afterwards a change needs a reason."""
    now = timezone.now()
    if now < session.ends_at:
        raise refuse(
            None, _("Attendance can be finalised once the session has ended."), "not_ended"
        )
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        if locked.attendance_finalised_at is not None:
            raise refuse(None, _("Attendance for this session is already final."), "already_final")
        people = set(roster_ids(locked)) | set(
            PresenceEvent.objects.filter(session=locked).values_list("user_id", flat=True)
        )
        results = []
        for user_id in sorted(people):
            attendance = _recompute(locked, user_id, now)
            if attendance.status == AttendanceStatus.ABSENT and user_id in excused:
                attendance.status = AttendanceStatus.EXCUSED
                attendance.save(update_fields=["status", "updated_at"])
            results.append(attendance)
        locked.attendance_finalised_at = now
        locked.attendance_finalised_by = finalised_by
        locked.save(update_fields=["attendance_finalised_at", "attendance_finalised_by"])
        record(
            actor=finalised_by,
            action=AuditAction.ATTENDANCE_FINALISE,
            target=locked,
            detail={"people": len(results)},
        )
    session.attendance_finalised_at = now
    return results


def do_correct_attendance(
    *,
    session: Session,
    user_id: int,
    status: str,
    minutes: int | None,
    reason: str,
    corrected_by: User,
) -> Attendance:
    """A facilitator's correction. On a finalised record a reason is required
    and the change is audited with the before and after."""
    if status not in AttendanceStatus.values:
        raise refuse("status", _("Choose one of the listed statuses."))
    reason = reason.strip()
    if session.attendance_finalised_at is not None and not reason:
        raise refuse("reason", _("Attendance is final: say why it changes."), "required")
    if minutes is not None and not 0 <= minutes <= session.duration_minutes:
        raise refuse("minutes", _("Minutes must be between 0 and the session's length."))
    with transaction.atomic():
        attendance, _created = Attendance.objects.select_for_update().get_or_create(
            session=session, user_id=user_id, defaults={"status": AttendanceStatus.ABSENT}
        )
        before = {"status": attendance.status, "minutes": attendance.minutes}
        attendance.status = status
        if minutes is not None:
            attendance.minutes = minutes
        attendance.save()
        record(
            actor=corrected_by,
            action=AuditAction.ATTENDANCE_CORRECT,
            target=attendance,
            subject=User.objects.get(pk=user_id),
            detail={
                "before": before,
                "after": {"status": status, "minutes": attendance.minutes},
                "finalised": session.attendance_finalised_at is not None,
            },
        )
    return attendance


def do_write_group_note(
    *, session: Session, body: str, lines: dict[int, str], written_by: User
) -> GroupNote:
    """One note for the session, and each attendee's own participation line."""
    body = body.strip()
    if not body:
        raise refuse("body", _("Write the group note first."), "required")
    with transaction.atomic():
        note, _created = GroupNote.objects.update_or_create(
            session=session,
            defaults={"body": body, "written_by": written_by, "written_at": timezone.now()},
        )
        for user_id, line in lines.items():
            Attendance.objects.filter(session=session, user_id=user_id).update(
                participation=line.strip()[:500]
            )
        for attendance in Attendance.objects.filter(session=session).select_related("user"):
            record(
                actor=written_by,
                action=AuditAction.GROUP_NOTE_WRITE,
                target=note,
                subject=attendance.user,
            )
    return note


def _feed_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def do_create_calendar_feed(*, user: User) -> tuple[CalendarFeed, str]:
    """A new private feed URL; an older one keeps working until revoked."""
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        feed = CalendarFeed.objects.create(user=user, secret_hash=_feed_hash(raw))
        record(actor=user, action=AuditAction.CALENDAR_FEED_CREATE, target=feed, subject=user)
    return feed, raw


def find_calendar_feed(raw: str) -> CalendarFeed | None:
    if not raw or len(raw) > 100:
        return None
    return (
        CalendarFeed.objects.select_related("user")
        .filter(secret_hash=_feed_hash(raw), user__is_active=True)
        .first()
    )


def do_revoke_calendar_feed(*, feed: CalendarFeed, revoked_by: User) -> None:
    with transaction.atomic():
        record(
            actor=revoked_by,
            action=AuditAction.CALENDAR_FEED_REVOKE,
            target=feed,
            subject=feed.user,
        )
        feed.delete()


def do_revoke_calendar_feeds(*, user: User) -> int:
    """Every calendar link the person has, at once: a leaked link stops
    working whichever one it was. Returns how many were revoked."""
    with transaction.atomic():
        feeds = list(CalendarFeed.objects.select_for_update().filter(user=user))
        for feed in feeds:
            do_revoke_calendar_feed(feed=feed, revoked_by=user)
    return len(feeds)


def do_record_tech_check(
    *, user: User, camera_ok: bool | None, microphone_ok: bool | None, reminders_read: bool
) -> TechCheck:
    return TechCheck.objects.create(
        user=user, camera_ok=camera_ok, microphone_ok=microphone_ok, reminders_read=reminders_read
    )


def do_request_tech_help(*, user: User, session: Session | None) -> TechHelpRequest:
    """Staff of the session's group see the request at once on open pages."""
    with transaction.atomic():
        request = TechHelpRequest.objects.create(user=user, session=session)
        if session is not None:
            staff = _session_staff_ids(session)
            payload = {
                "request": request.pk,
                "session": session.pk,
                "display_name": user.display_name,
            }
            notify_users(staff, "tech.help", payload)
    return request


def do_resolve_tech_help(*, request: TechHelpRequest, resolved_by: User) -> None:
    TechHelpRequest.objects.filter(pk=request.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=resolved_by
    )
