"""Gatherings over the API: parity with the pages, through
gatherings/access.py and gatherings/actions.py."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router

from commonroom.accounts.models import User
from commonroom.api.pagination import paged
from commonroom.core.validation import refuse
from commonroom.gatherings import access, actions, occurrences, queries
from commonroom.gatherings.fields import optional_date
from commonroom.gatherings.models import Gathering, Rsvp
from commonroom.gatherings.schemas import (
    AttendeeOut,
    CancelIn,
    GatheringFeedOut,
    GatheringIn,
    GatheringOut,
    GatheringPatch,
    RsvpChange,
    RsvpIn,
    RsvpOut,
)
from commonroom.meetings import actions as meetings_actions
from commonroom.meetings.schedule import ScheduleError
from commonroom.spaces.checkins import zone_of

router = Router(tags=["gatherings"])


def _viewer(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _occurrence(row: queries.OccurrenceRow, viewer: User) -> dict[str, Any]:
    zone = zone_of(viewer)
    o = row.occurrence
    return {
        "occurrence_date": o.occurrence_date,
        "starts_at": o.starts_at,
        "ends_at": o.ends_at,
        "starts_at_local": o.starts_at.astimezone(zone),
        "ends_at_local": o.ends_at.astimezone(zone),
        "time_zone": str(zone),
        "cancelled": o.cancelled,
        "going": row.going,
        "spots_left": row.spots_left,
        "my_response": row.my_response,
        "my_rsvp_id": row.my_rsvp_id,
    }


def gathering_out(
    gathering: Gathering, viewer: User, rows: list[queries.OccurrenceRow] | None = None
) -> dict[str, Any]:
    if rows is None:
        rows = queries.rows_for(viewer, occurrences.upcoming(gathering, now=timezone.now()))
    host = gathering.host
    return {
        "id": gathering.pk,
        "program_id": gathering.program_id,
        "title": gathering.title,
        "description": gathering.description,
        "kind": gathering.kind,
        "audience": gathering.audience,
        "host": None if host is None else {"id": host.pk, "display_name": host.display_name},
        "starts_at": gathering.starts_at,
        "program_time_zone": gathering.program.time_zone,
        "recurrence": gathering.recurrence,
        "repeats": gathering.repeats_in_words,
        "repeat_until": gathering.repeat_until,
        "duration_minutes": gathering.duration_minutes,
        "join_url": gathering.join_url,
        "place": gathering.place,
        "capacity": gathering.capacity,
        "cancelled": gathering.cancelled_at is not None,
        "can_edit": access.can_edit(viewer, gathering),
        "next_occurrences": [_occurrence(r, viewer) for r in rows],
    }


def _rsvp(rsvp: Rsvp) -> dict[str, Any]:
    return {
        "id": rsvp.pk,
        "gathering_id": rsvp.gathering_id,
        "occurrence_date": rsvp.occurrence_date,
        "response": rsvp.response,
        "updated_at": rsvp.updated_at,
    }


@router.get("/gatherings", response=list[GatheringOut])
@paged
def list_gatherings(request: HttpRequest) -> list[dict[str, Any]]:
    """Gatherings you may see that have a date ahead, soonest first, each
    with its next dates in your time zone."""
    viewer = _viewer(request)
    rows = queries.upcoming_for(viewer, now=timezone.now())
    by_gathering: dict[int, list[queries.OccurrenceRow]] = {}
    order: list[Gathering] = []
    for row in rows:
        if row.gathering.pk not in by_gathering:
            order.append(row.gathering)
        by_gathering.setdefault(row.gathering.pk, []).append(row)
    return [gathering_out(g, viewer, by_gathering[g.pk]) for g in order]


@router.post("/gatherings", response={201: GatheringOut})
def create_gathering(request: HttpRequest, payload: GatheringIn) -> tuple[int, dict[str, Any]]:
    """Staff of the program schedule a gathering."""
    viewer = _viewer(request)
    program = access.programs_for_creating(viewer).filter(pk=payload.program_id).first()
    if program is None:
        raise refuse("program_id", _("Choose a program you are staff of."), "not_staff")
    fields = payload.dict(exclude={"program_id"})
    gathering = actions.do_create_gathering(program=program, created_by=viewer, fields=fields)
    return 201, gathering_out(gathering, viewer)


@router.post("/gatherings/calendar-feeds", response={201: GatheringFeedOut})
def create_feed(request: HttpRequest) -> tuple[int, dict[str, str]]:
    """A new private iCalendar link of the gatherings you answered going or
    maybe to (the same secret opens your sessions feed; revoke with DELETE
    /me/calendar-feeds)."""
    _feed, raw = meetings_actions.do_create_calendar_feed(user=_viewer(request))
    return 201, {
        "url": request.build_absolute_uri(reverse("gatherings_feed", kwargs={"secret": raw}))
    }


@router.get("/gatherings/{gathering_id}", response=GatheringOut)
def get_gathering(request: HttpRequest, gathering_id: int) -> dict[str, Any]:
    viewer = _viewer(request)
    return gathering_out(access.access_gathering(viewer, gathering_id), viewer)


@router.patch("/gatherings/{gathering_id}", response=GatheringOut)
def update_gathering(
    request: HttpRequest, gathering_id: int, payload: GatheringPatch
) -> dict[str, Any]:
    """Staff, or the gathering's host; fields left out keep their value."""
    viewer = _viewer(request)
    gathering = access.access_gathering(viewer, gathering_id, for_edit=True)
    fields = payload.dict(exclude_unset=True)
    updated = actions.do_update_gathering(gathering=gathering, updated_by=viewer, fields=fields)
    return gathering_out(updated, viewer)


@router.post("/gatherings/{gathering_id}/cancel", response=GatheringOut)
def cancel_gathering(request: HttpRequest, gathering_id: int, payload: CancelIn) -> dict[str, Any]:
    """Staff cancel one date, or (without a date) the whole gathering."""
    viewer = _viewer(request)
    gathering = access.access_gathering(viewer, gathering_id, for_staff=True)
    if payload.occurrence_date:
        actions.do_cancel_occurrence(
            gathering=gathering, occurrence_date=payload.occurrence_date, cancelled_by=viewer
        )
    else:
        actions.do_cancel_gathering(gathering=gathering, cancelled_by=viewer)
    return gathering_out(gathering, viewer)


@router.post("/gatherings/{gathering_id}/rsvps", response=RsvpOut)
def rsvp(request: HttpRequest, gathering_id: int, payload: RsvpIn) -> dict[str, Any]:
    """Your answer for one date; answering again changes it."""
    viewer = _viewer(request)
    gathering = access.access_gathering(viewer, gathering_id)
    saved = actions.do_rsvp(
        gathering=gathering,
        user=viewer,
        occurrence_date=payload.occurrence_date,
        response=payload.response,
        base_url=request.build_absolute_uri("/"),
    )
    return _rsvp(saved)


@router.patch("/gatherings/rsvps/{rsvp_id}", response=RsvpOut)
def change_rsvp(request: HttpRequest, rsvp_id: int, payload: RsvpChange) -> dict[str, Any]:
    """Change one of your own answers (someone else's id is not found)."""
    viewer = _viewer(request)
    existing = access.access_rsvp(viewer, rsvp_id)
    saved = actions.do_rsvp(
        gathering=existing.gathering,
        user=viewer,
        occurrence_date=existing.occurrence_date,
        response=payload.response,
        base_url=request.build_absolute_uri("/"),
    )
    return _rsvp(saved)


@router.get("/gatherings/{gathering_id}/attendees", response=list[AttendeeOut])
@paged
def attendees(
    request: HttpRequest, gathering_id: int, occurrence_date: str
) -> list[dict[str, Any]]:
    """Display names of those going or maybe on one date."""
    viewer = _viewer(request)
    gathering = access.access_gathering(viewer, gathering_id)
    day = optional_date(occurrence_date, "occurrence_date")
    try:
        found = None if day is None else occurrences.on_date(gathering, day)
    except ScheduleError:
        found = None
    if day is None or found is None:
        raise refuse("occurrence_date", _("This gathering does not happen on that date."))
    return [
        {"display_name": a.display_name, "response": a.response}
        for a in queries.attendees(gathering, day)
    ]
