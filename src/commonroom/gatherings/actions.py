"""Every state change of gatherings: create, edit, cancel (all of it or one
occurrence) and RSVP. Transactional and audited; reminders are durable jobs
enqueued with the change."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.tasks import default_task_backend
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from commonroom.accounts.models import User
from commonroom.care.models import Program
from commonroom.core.audit import AuditAction, record
from commonroom.core.tasks import enqueue_with_change
from commonroom.core.validation import refuse
from commonroom.gatherings import access, occurrences
from commonroom.gatherings.fields import choice_field, optional_date, optional_int, text_field
from commonroom.gatherings.models import (
    DESCRIPTION_MAX_CHARS,
    MAX_MINUTES,
    MIN_MINUTES,
    PLACE_MAX_CHARS,
    TITLE_MAX_CHARS,
    Audience,
    Gathering,
    GatheringKind,
    OccurrenceCancellation,
    Rsvp,
    RsvpResponse,
)
from commonroom.meetings import schedule

MAX_CAPACITY = 10000
# The reminder goes out this long before an occurrence starts.
REMINDER_LEAD = timedelta(hours=24)

FIELDS = (
    "title",
    "description",
    "kind",
    "audience",
    "host_id",
    "starts_at",
    "recurrence",
    "repeat_until",
    "duration_minutes",
    "join_url",
    "place",
    "capacity",
)
# Only staff change who a gathering is for and who hosts it.
STAFF_ONLY_FIELDS = frozenset({"audience", "host_id"})


# --- cleaning input ------------------------------------------------------------------


def _starts_at(value: object, program: Program) -> datetime:
    if isinstance(value, datetime):
        parsed: datetime | None = value
    else:
        parsed = parse_datetime(str(value or "").strip())
    if parsed is None:
        code = "invalid" if str(value or "").strip() else "required"
        raise refuse("starts_at", _("Enter a date and time, e.g. 2026-12-03 19:00."), code)
    if parsed.tzinfo is None:
        # Naive input is wall time in the program's zone (as the form says).
        zone = schedule.zone_from_name(str(program.time_zone))
        return schedule.to_utc(parsed, zone)
    return parsed


def _join_url(value: object) -> str:
    url = text_field(value, "join_url", 500)
    if url:
        try:
            URLValidator(schemes=["https", "http"])(url)
        except ValidationError:
            raise refuse("join_url", _("Enter a web address starting with https://.")) from None
    return url


def clean_fields(
    program: Program, raw: Mapping[str, object], *, now: datetime, previous: Gathering | None
) -> dict[str, Any]:
    """Checks every field of a gathering and returns the values to store, or
    raises a ValidationError naming the first field at fault."""
    cleaned: dict[str, Any] = {
        "title": text_field(raw.get("title"), "title", TITLE_MAX_CHARS, required=True),
        "description": text_field(raw.get("description"), "description", DESCRIPTION_MAX_CHARS),
        "kind": choice_field(raw.get("kind") or GatheringKind.OTHER, "kind", GatheringKind),
        "audience": choice_field(raw.get("audience"), "audience", Audience),
        "join_url": _join_url(raw.get("join_url")),
        "place": text_field(raw.get("place"), "place", PLACE_MAX_CHARS),
        "capacity": optional_int(raw.get("capacity"), "capacity", 1, MAX_CAPACITY),
    }
    duration = optional_int(
        raw.get("duration_minutes"), "duration_minutes", MIN_MINUTES, MAX_MINUTES
    )
    if duration is None:
        raise refuse("duration_minutes", _("This field is required."), "required")
    cleaned["duration_minutes"] = duration
    host_id = optional_int(raw.get("host_id"), "host_id", 1, 2**62)
    if host_id is not None and not access.may_host(host_id, program.pk):
        raise refuse("host_id", _("A host is a staff member or an alumnus of this program."))
    cleaned["host_id"] = host_id
    starts_at = _starts_at(raw.get("starts_at"), program)
    unchanged = previous is not None and previous.starts_at == starts_at
    if starts_at <= now and not unchanged:
        raise refuse("starts_at", _("Choose a time in the future."), "in_the_past")
    cleaned["starts_at"] = starts_at
    recurrence = str(raw.get("recurrence") or "").strip()
    if recurrence:
        try:
            recurrence = schedule.normalise_rule(recurrence)
        except schedule.ScheduleError as exc:
            raise refuse("recurrence", exc.message) from None
    cleaned["recurrence"] = recurrence
    until = optional_date(raw.get("repeat_until"), "repeat_until")
    if until is not None and not recurrence:
        raise refuse("repeat_until", _("Only a gathering that repeats has an end date."))
    cleaned["repeat_until"] = until
    if recurrence:
        _check_series(program, cleaned)
    return cleaned


def _check_series(program: Program, cleaned: dict[str, Any]) -> None:
    probe = Gathering(program=program, **{k: cleaned[k] for k in cleaned if k != "host_id"})
    try:
        series = occurrences.series_of(probe, time_zone=str(program.time_zone))
        first = series.start_date
        if first not in schedule.occurrence_dates(series, [first]):
            raise refuse(
                "starts_at",
                _("The first date must be one the rule repeats on (%(rule)s).")
                % {"rule": series.rule},
            )
    except schedule.ScheduleError as exc:
        field = {"rule": "recurrence", "until": "repeat_until"}.get(exc.field or "", "starts_at")
        raise refuse(field, exc.message) from None


# --- gatherings ------------------------------------------------------------------------


def do_create_gathering(
    *, program: Program, created_by: User, fields: Mapping[str, object]
) -> Gathering:
    """Staff create; the caller has checked ``created_by`` is staff of
    ``program`` (access.programs_for_creating)."""
    cleaned = clean_fields(program, fields, now=timezone.now(), previous=None)
    with transaction.atomic():
        gathering = Gathering.objects.create(program=program, created_by=created_by, **cleaned)
        record(
            actor=created_by,
            action=AuditAction.GATHERING_CREATE,
            target=gathering,
            detail={"audience": gathering.audience, "kind": gathering.kind},
        )
    return gathering


def do_update_gathering(
    *, gathering: Gathering, updated_by: User, fields: Mapping[str, object]
) -> Gathering:
    """Staff edit everything; a host edits all but the audience and host.
    Fields left out keep their value."""
    is_staff = access.is_gathering_staff(updated_by, gathering)
    merged: dict[str, object] = {name: getattr(gathering, name) for name in FIELDS}
    for name, value in fields.items():
        if name not in FIELDS:
            continue
        if name in STAFF_ONLY_FIELDS and not is_staff and value != merged[name]:
            raise refuse(name, _("Only staff can change who a gathering is for or who hosts it."))
        merged[name] = value
    if gathering.cancelled_at is not None:
        raise refuse(None, _("This gathering was cancelled."), "cancelled")
    cleaned = clean_fields(gathering.program, merged, now=timezone.now(), previous=gathering)
    with transaction.atomic():
        changed = sorted(k for k, v in cleaned.items() if getattr(gathering, k) != v)
        for name, value in cleaned.items():
            setattr(gathering, name, value)
        gathering.save()
        record(
            actor=updated_by,
            action=AuditAction.GATHERING_UPDATE,
            target=gathering,
            detail={"fields": changed},
        )
    return gathering


def do_cancel_gathering(*, gathering: Gathering, cancelled_by: User) -> Gathering:
    with transaction.atomic():
        locked = Gathering.objects.select_for_update().get(pk=gathering.pk)
        if locked.cancelled_at is None:
            locked.cancelled_at = timezone.now()
            locked.cancelled_by = cancelled_by
            locked.save(update_fields=["cancelled_at", "cancelled_by", "updated_at"])
            record(actor=cancelled_by, action=AuditAction.GATHERING_CANCEL, target=locked)
    gathering.cancelled_at = locked.cancelled_at
    return gathering


def occurrence_or_refuse(
    gathering: Gathering, day: object, *, now: datetime
) -> occurrences.GatheringOccurrence:
    """The upcoming, not cancelled occurrence on ``day``, or a refusal naming
    ``occurrence_date``."""
    parsed = optional_date(day, "occurrence_date")
    if parsed is None:
        raise refuse("occurrence_date", _("Choose a date of this gathering."), "required")
    if gathering.cancelled_at is not None:
        raise refuse("occurrence_date", _("This gathering was cancelled."), "cancelled")
    try:
        found = occurrences.on_date(gathering, parsed)
    except schedule.ScheduleError:
        found = None
    if found is None:
        raise refuse(
            "occurrence_date", _("This gathering does not happen on that date."), "not_a_date"
        )
    if found.cancelled:
        raise refuse("occurrence_date", _("That date was cancelled."), "cancelled")
    if found.has_started(now):
        raise refuse("occurrence_date", _("That date has already started."), "in_the_past")
    return found


def do_cancel_occurrence(
    *, gathering: Gathering, occurrence_date: object, cancelled_by: User
) -> OccurrenceCancellation:
    found = occurrence_or_refuse(gathering, occurrence_date, now=timezone.now())
    with transaction.atomic():
        cancellation, created = OccurrenceCancellation.objects.get_or_create(
            gathering=gathering,
            occurrence_date=found.occurrence_date,
            defaults={"cancelled_by": cancelled_by},
        )
        if created:
            record(
                actor=cancelled_by,
                action=AuditAction.GATHERING_CANCEL_OCCURRENCE,
                target=gathering,
                detail={"date": found.occurrence_date.isoformat()},
            )
    return cancellation


# --- RSVP ----------------------------------------------------------------------------


def going_count(gathering: Gathering, day: date) -> int:
    return Rsvp.objects.filter(
        gathering=gathering, occurrence_date=day, response=RsvpResponse.GOING
    ).count()


def do_rsvp(
    *,
    gathering: Gathering,
    user: User,
    occurrence_date: object,
    response: object,
    base_url: str,
) -> Rsvp:
    """Going, maybe or not going for one occurrence. Answering again changes
    the answer, never adds a second. A full occurrence refuses "going" to
    anyone not already going."""
    answer = choice_field(response, "response", RsvpResponse)
    now = timezone.now()
    found = occurrence_or_refuse(gathering, occurrence_date, now=now)
    with transaction.atomic():
        # The gathering's row lock serialises RSVPs to it, so two people
        # cannot both take the last place (SQLite serialises writers anyway).
        Gathering.objects.select_for_update().filter(pk=gathering.pk).first()
        existing = Rsvp.objects.filter(
            gathering=gathering, occurrence_date=found.occurrence_date, user=user
        ).first()
        joining = answer == RsvpResponse.GOING and (
            existing is None or existing.response != RsvpResponse.GOING
        )
        if (
            joining
            and gathering.capacity is not None
            and going_count(gathering, found.occurrence_date) >= gathering.capacity
        ):
            raise refuse("response", _("This date is full."), "full")
        if existing is None:
            rsvp = Rsvp.objects.create(
                gathering=gathering,
                occurrence_date=found.occurrence_date,
                user=user,
                response=answer,
            )
        else:
            rsvp = existing
            rsvp.response = answer
            rsvp.updated_at = now
            rsvp.save(update_fields=["response", "updated_at"])
        record(
            actor=user,
            action=AuditAction.GATHERING_RSVP,
            target=rsvp,
            subject=user,
            detail={"response": answer},
        )
        if joining:
            _schedule_reminder(rsvp, found, now=now, base_url=base_url)
    return rsvp


def _schedule_reminder(
    rsvp: Rsvp, found: occurrences.GatheringOccurrence, *, now: datetime, base_url: str
) -> None:
    """With a backend that can run jobs later (the database backend), the
    reminder is enqueued now, to run a day before, inside this transaction.
    Otherwise, and as a safety net, ``commonroom send-gathering-reminders``
    (hourly) enqueues what is due; the job itself mails at most once."""
    from commonroom.gatherings.tasks import send_gathering_reminder

    run_after = found.starts_at - REMINDER_LEAD
    if run_after <= now or not default_task_backend.supports_defer:
        return
    enqueue_with_change(send_gathering_reminder.using(run_after=run_after), rsvp.pk, base_url)
