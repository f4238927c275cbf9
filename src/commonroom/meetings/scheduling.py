"""Series, exceptions and the concrete sessions they produce.

The pure rule expansion lives in schedule.py; this module stores series and
exceptions and keeps Session rows in step with them for the weeks ahead, so
attendance, join links and feeds have a row to hang on.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commonroom.accounts.models import User
from commonroom.care.models import TherapyGroup
from commonroom.core.audit import AuditAction, record
from commonroom.core.validation import refuse
from commonroom.meetings import schedule
from commonroom.meetings.models import (
    ExceptionAction,
    Session,
    SessionException,
    SessionKind,
    SessionSeries,
    SessionStatus,
    VideoProviderKind,
)

HORIZON = timedelta(weeks=12)


def _pure_series(series: SessionSeries) -> schedule.Series:
    return schedule.Series(
        key=str(series.pk),
        rule=series.rule,
        start_date=series.start_date,
        local_start=series.local_start,
        duration=timedelta(minutes=series.duration_minutes),
        time_zone=series.group.program.time_zone,
        until=series.until,
        kind=series.kind,
    )


def _exceptions(series: SessionSeries) -> tuple[list[schedule.Cancellation], list[schedule.Move]]:
    cancellations, moves = [], []
    zone = series.group.program.time_zone
    for exc in series.exceptions.all():
        if exc.action == ExceptionAction.CANCEL:
            cancellations.append(schedule.Cancellation(original_date=exc.original_date))
        elif exc.new_starts_at is not None:
            local = timezone.localtime(exc.new_starts_at, timezone=_zone(zone)).replace(tzinfo=None)
            moves.append(
                schedule.Move(
                    original_date=exc.original_date,
                    new_start_local=local,
                    new_duration=(
                        timedelta(minutes=exc.new_duration_minutes)
                        if exc.new_duration_minutes
                        else None
                    ),
                )
            )
    return cancellations, moves


def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def check_rule(
    *, rule: str, start_date: date, local_start: time, duration_minutes: int, zone: str
) -> str:
    """Validates a rule by expanding it, so a bad rule is refused with the
    schedule module's own words, naming the field."""
    start = timezone.now()
    try:
        probe = schedule.Series(
            key="probe",
            rule=rule,
            start_date=start_date,
            local_start=local_start,
            duration=timedelta(minutes=duration_minutes),
            time_zone=zone,
        )
        schedule.occurrences(series=probe, window_start=start, window_end=start + timedelta(days=7))
    except schedule.ScheduleError as exc:
        field = getattr(exc, "field", "rule") or "rule"
        message = str(exc).removeprefix(f"{field}: ")
        raise refuse(
            field if field in {"rule", "until"} else "rule", message, "invalid_rule"
        ) from exc
    return schedule.normalise_rule(rule)


def sync_series(series: SessionSeries, *, now: datetime | None = None) -> int:
    """Creates, moves or cancels Session rows for the next weeks to match the
    series and its exceptions. Idempotent; past sessions are never touched,
    so attendance already recorded stays where it is."""
    now = now or timezone.now()
    cancellations, moves = _exceptions(series)
    pure = _pure_series(series)
    window_end = now + HORIZON
    wanted = schedule.occurrences(series=pure, window_start=now, window_end=window_end, moves=moves)
    cancelled = {c.original_date for c in cancellations}
    changed = 0
    with transaction.atomic():
        existing = {
            s.original_date: s for s in series.sessions.filter(ends_at__gt=now).select_for_update()
        }
        seen = set()
        for occurrence in wanted:
            seen.add(occurrence.original_date)
            status = (
                SessionStatus.CANCELLED
                if occurrence.original_date in cancelled or series.archived_at
                else SessionStatus.SCHEDULED
            )
            current = existing.get(occurrence.original_date)
            values = {
                "starts_at": occurrence.starts_at,
                "ends_at": occurrence.ends_at,
                "status": status,
                "moved": occurrence.moved,
            }
            if current is None:
                try:
                    with transaction.atomic():
                        Session.objects.create(
                            series=series, original_date=occurrence.original_date, **values
                        )
                except IntegrityError:
                    continue  # a past row with this date exists: leave history alone
                changed += 1
            elif any(getattr(current, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(current, k, v)
                current.save(update_fields=list(values))
                changed += 1
        # Occurrences the rule no longer produces (rule edited, series ended).
        for original_date, stale in existing.items():
            if (
                original_date not in seen
                and stale.status != SessionStatus.CANCELLED
                and stale.starts_at > now
            ):
                stale.status = SessionStatus.CANCELLED
                stale.save(update_fields=["status"])
                changed += 1
    return changed


def do_create_series(
    *,
    group: TherapyGroup,
    created_by: User,
    title: str,
    rule: str,
    start_date: date,
    local_start: time,
    duration_minutes: int,
    kind: str = SessionKind.GROUP_THERAPY,
    until: date | None = None,
    slot_label: str = "",
    curriculum: str = "",
    video_provider: str = VideoProviderKind.JITSI,
    external_url: str = "",
) -> SessionSeries:
    if kind not in SessionKind.values:
        raise refuse("kind", _("Choose one of the listed kinds of session."))
    if video_provider not in VideoProviderKind.values:
        raise refuse("video_provider", _("Choose one of the listed video providers."))
    if video_provider == VideoProviderKind.LINK and not external_url.startswith("https://"):
        raise refuse(
            "external_url", _("An external meeting link must start with https://."), "required"
        )
    if not 15 <= duration_minutes <= 480:
        raise refuse("duration_minutes", _("Sessions last from 15 minutes to 8 hours."))
    if until is not None and until < start_date:
        raise refuse("until", _("The last date must be on or after the first date."))
    if not title.strip():
        raise refuse(
            "title", _("Give the series a neutral title, e.g. 'Evening group'."), "required"
        )
    clean_rule = check_rule(
        rule=rule,
        start_date=start_date,
        local_start=local_start,
        duration_minutes=duration_minutes,
        zone=group.program.time_zone,
    )
    with transaction.atomic():
        series = SessionSeries.objects.create(
            group=group,
            title=title.strip(),
            rule=clean_rule,
            start_date=start_date,
            until=until,
            local_start=local_start,
            duration_minutes=duration_minutes,
            kind=kind,
            slot_label=slot_label,
            curriculum=curriculum,
            video_provider=video_provider,
            external_url=external_url,
        )
        record(actor=created_by, action=AuditAction.SERIES_CREATE, target=series)
        sync_series(series)
    return series


def do_add_exception(
    *,
    series: SessionSeries,
    original_date: date,
    action: str,
    created_by: User,
    new_starts_at: datetime | None = None,
    new_duration_minutes: int | None = None,
    reason: str = "",
) -> SessionException:
    """Cancels one occurrence (a holiday) or moves it. The date must be one the
    rule produces; moving needs a new start in the future."""
    if action not in ExceptionAction.values:
        raise refuse("action", _("Cancel or move."))
    if action == ExceptionAction.MOVE:
        if new_starts_at is None:
            raise refuse("new_starts_at", _("Say when the session moves to."), "required")
        if timezone.is_naive(new_starts_at):
            raise refuse(
                "new_starts_at",
                _("Give the new start with its time zone, e.g. 2027-01-05T18:00-05:00."),
                "no_time_zone",
            )
        if new_starts_at <= timezone.now():
            raise refuse("new_starts_at", _("A session can only move to a time in the future."))
    # The exact question, not a 24-hour window: days when the clocks change
    # last 23 or 25 hours.
    if original_date not in schedule.occurrence_dates(_pure_series(series), [original_date]):
        raise refuse("original_date", _("The series has no session on that date."), "no_session")
    try:
        with transaction.atomic():
            exception = SessionException.objects.create(
                series=series,
                original_date=original_date,
                action=action,
                new_starts_at=new_starts_at if action == ExceptionAction.MOVE else None,
                new_duration_minutes=new_duration_minutes,
                reason=reason.strip()[:200],
                created_by=created_by,
            )
            record(
                actor=created_by,
                action=AuditAction(f"series.{action}"),
                target=series,
                detail={"date": original_date.isoformat()},
            )
            sync_series(series)
    except IntegrityError as exc:
        raise refuse(
            "original_date",
            _("That session already has a change. Remove it first."),
            "already_changed",
        ) from exc
    return exception


def in_program_zone(value: datetime, series: SessionSeries) -> datetime:
    """A wall-clock time typed on the schedule page means the program's zone,
    where the series runs; the API instead requires the zone (ZonedDatetime)."""
    if timezone.is_aware(value):
        return value
    return value.replace(tzinfo=zoneinfo.ZoneInfo(series.group.program.time_zone))
