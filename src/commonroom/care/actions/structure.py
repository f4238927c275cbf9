"""Programs, tracks and therapy groups."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import time
from typing import Any

from dateutil.rrule import rrulestr
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from commonroom.accounts.models import User
from commonroom.care.models import (
    GroupKind,
    LevelOfCare,
    Population,
    Program,
    ProgramRole,
    Role,
    TherapyGroup,
    Track,
    default_weekly_minimum,
)
from commonroom.core.audit import AuditAction, record
from commonroom.core.validation import refuse

PROGRAM_FIELDS = frozenset(
    {"name", "time_zone", "default_group_size", "languages_offered", "crisis_resources"}
)
GROUP_FIELDS = frozenset(
    {
        "name",
        "kind",
        "capacity",
        "track",
        "enrollment_open",
        "session_pattern",
        "session_start",
        "session_minutes",
    }
)


def _check_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise refuse(
            "time_zone",
            _("%(value)s is not a time zone we know.") % {"value": value},
            "unknown_time_zone",
        ) from exc


def _check_languages(value: Any) -> list[str]:
    offered = dict(settings.LANGUAGES)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise refuse("languages_offered", _("Give a list of language codes."), "invalid")
    unknown = [v for v in value if v not in offered]
    if unknown:
        raise refuse(
            "languages_offered",
            _("Unknown language codes: %(codes)s.") % {"codes": ", ".join(unknown)},
            "invalid",
        )
    return value


def _check_crisis_resources(value: Any) -> list[dict[str, str]]:
    allowed = {"name", "detail", "phone", "sms", "url"}
    if not isinstance(value, list) or len(value) > 20:
        raise refuse("crisis_resources", _("Give a list of at most 20 resources."), "invalid")
    for item in value:
        if not isinstance(item, dict) or not item.get("name") or set(item) - allowed:
            raise refuse(
                "crisis_resources",
                _('Each resource needs a "name" and may have detail, phone, sms, url.'),
                "invalid",
            )
        if item.get("url") and not str(item["url"]).startswith("https://"):
            raise refuse(
                "crisis_resources", _("Resource links must start with https://."), "invalid"
            )
        if any(not isinstance(v, str) or len(v) > 300 for v in item.values()):
            raise refuse("crisis_resources", _("Resource fields are short text."), "invalid")
    return value


def do_update_program(*, program: Program, changed_by: User, changes: dict[str, Any]) -> Program:
    unknown = set(changes) - PROGRAM_FIELDS
    if unknown:
        raise refuse(sorted(unknown)[0], _("This field cannot be changed here."), "invalid")
    if "time_zone" in changes:
        _check_time_zone(changes["time_zone"])
    if "languages_offered" in changes:
        _check_languages(changes["languages_offered"])
    if "crisis_resources" in changes:
        _check_crisis_resources(changes["crisis_resources"])
    if "name" in changes and not str(changes["name"]).strip():
        raise refuse("name", _("A program needs a name."), "required")
    size = changes.get("default_group_size")
    if size is not None and not 2 <= int(size) <= 30:
        raise refuse("default_group_size", _("Choose a group size from 2 to 30."), "invalid")
    with transaction.atomic():
        for name, value in changes.items():
            setattr(program, name, value)
        program.save()
        record(
            actor=changed_by,
            action=AuditAction.PROGRAM_UPDATE,
            target=program,
            detail={"fields": sorted(changes)},
        )
    return program


def do_create_track(
    *,
    program: Program,
    name: str,
    level_of_care: str,
    population: str,
    weekly_minimum_hours: int | None,
    created_by: User,
) -> Track:
    if level_of_care not in LevelOfCare.values:
        raise refuse("level_of_care", _("Choose one of the listed levels of care."), "invalid")
    if population not in Population.values:
        raise refuse("population", _("Choose adults or adolescents."), "invalid")
    if weekly_minimum_hours is None:
        weekly_minimum_hours = default_weekly_minimum(level_of_care, population)
    if not 0 <= weekly_minimum_hours <= 60:
        raise refuse("weekly_minimum_hours", _("Choose from 0 to 60 hours a week."), "invalid")
    try:
        with transaction.atomic():
            track = Track.objects.create(
                program=program,
                name=name.strip(),
                level_of_care=level_of_care,
                population=population,
                weekly_minimum_hours=weekly_minimum_hours,
            )
            record(actor=created_by, action=AuditAction.TRACK_CREATE, target=track)
    except IntegrityError as exc:
        raise refuse(
            "name", _("This program already has a track with that name."), "invalid"
        ) from exc
    return track


def do_update_track(*, track: Track, changed_by: User, changes: dict[str, Any]) -> Track:
    allowed = {"name", "level_of_care", "population", "weekly_minimum_hours"}
    if set(changes) - allowed:
        raise refuse(
            sorted(set(changes) - allowed)[0], _("This field cannot be changed here."), "invalid"
        )
    for name, value in changes.items():
        setattr(track, name, value)
    track.full_clean(exclude=["program"])
    with transaction.atomic():
        track.save()
        record(
            actor=changed_by,
            action=AuditAction.TRACK_UPDATE,
            target=track,
            detail={"fields": sorted(changes)},
        )
    return track


def check_session_pattern(pattern: str) -> str:
    pattern = pattern.strip()
    if not pattern:
        return ""
    try:
        rule = rrulestr(pattern if pattern.startswith("RRULE:") else f"RRULE:{pattern}")
    except (ValueError, TypeError) as exc:
        raise refuse(
            "session_pattern",
            _("This is not an RFC 5545 rule, e.g. FREQ=WEEKLY;BYDAY=MO,WE,TH."),
            "invalid_rrule",
        ) from exc
    if getattr(rule, "_freq", None) is None:
        raise refuse("session_pattern", _("The rule needs a FREQ."), "invalid_rrule")
    return pattern.removeprefix("RRULE:")


def _check_facilitators(program: Program, ids: Iterable[int]) -> list[int]:
    ids = sorted(set(ids))
    allowed = set(
        ProgramRole.objects.filter(
            program=program, role__in=[Role.FACILITATOR, Role.PROGRAM_ADMIN], user_id__in=ids
        ).values_list("user_id", flat=True)
    )
    missing = [i for i in ids if i not in allowed]
    if missing:
        raise refuse(
            "facilitators",
            _("Only this program's facilitators can lead its groups."),
            "not_facilitator",
        )
    return ids


def do_create_group(
    *,
    program: Program,
    name: str,
    kind: str,
    created_by: User,
    capacity: int | None = None,
    track: Track | None = None,
    enrollment_open: bool = True,
    session_pattern: str = "",
    session_start: time | None = None,
    session_minutes: int = 180,
    facilitator_ids: Iterable[int] = (),
) -> TherapyGroup:
    if kind not in GroupKind.values:
        raise refuse("kind", _("Choose one of the listed kinds of group."), "invalid")
    if not name.strip():
        raise refuse("name", _("A group needs a name."), "required")
    capacity = capacity if capacity is not None else program.default_group_size
    if not 1 <= capacity <= 60:
        raise refuse("capacity", _("Choose a capacity from 1 to 60."), "invalid")
    if track is not None and track.program_id != program.pk:
        raise refuse("track", _("Choose one of this program's tracks."), "invalid")
    pattern = check_session_pattern(session_pattern)
    facilitators = _check_facilitators(program, facilitator_ids)
    try:
        with transaction.atomic():
            group = TherapyGroup.objects.create(
                program=program,
                name=name.strip(),
                kind=kind,
                capacity=capacity,
                track=track,
                enrollment_open=enrollment_open,
                session_pattern=pattern,
                session_start=session_start,
                session_minutes=session_minutes,
            )
            group.facilitators.set(facilitators)
            record(actor=created_by, action=AuditAction.GROUP_CREATE, target=group)
    except IntegrityError as exc:
        raise refuse(
            "name", _("This program already has a group with that name."), "invalid"
        ) from exc
    return group


def do_update_group(
    *,
    group: TherapyGroup,
    changed_by: User,
    changes: dict[str, Any],
    facilitator_ids: Iterable[int] | None = None,
) -> TherapyGroup:
    unknown = set(changes) - GROUP_FIELDS
    if unknown:
        raise refuse(sorted(unknown)[0], _("This field cannot be changed here."), "invalid")
    if "session_pattern" in changes:
        changes["session_pattern"] = check_session_pattern(changes["session_pattern"] or "")
    if "kind" in changes and changes["kind"] not in GroupKind.values:
        raise refuse("kind", _("Choose one of the listed kinds of group."), "invalid")
    track = changes.get("track")
    if track is not None and track.program_id != group.program_id:
        raise refuse("track", _("Choose one of this program's tracks."), "invalid")
    if "capacity" in changes and not 1 <= int(changes["capacity"]) <= 60:
        raise refuse("capacity", _("Choose a capacity from 1 to 60."), "invalid")
    facilitators = (
        _check_facilitators(group.program, facilitator_ids) if facilitator_ids is not None else None
    )
    try:
        with transaction.atomic():
            for name, value in changes.items():
                setattr(group, name, value)
            group.save()
            if facilitators is not None:
                group.facilitators.set(facilitators)
            record(
                actor=changed_by,
                action=AuditAction.GROUP_UPDATE,
                target=group,
                detail={
                    "fields": sorted(changes)
                    + (["facilitators"] if facilitators is not None else [])
                },
            )
    except IntegrityError as exc:
        raise refuse(
            "name", _("This program already has a group with that name."), "invalid"
        ) from exc
    return group
