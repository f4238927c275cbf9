"""Shapes of the gatherings API."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class GatheringIn(Schema):
    program_id: int
    title: str = Field(max_length=5000, description="At most 120 characters.")
    description: str = Field(default="", max_length=20000, description="At most 2,000.")
    kind: str = Field(default="other", description="reunion, workshop, game_night, social, other")
    audience: str = Field(description="alumni, program (participants and alumni) or cohort")
    host_id: int | None = Field(default=None, description="A staff member or alumnus.")
    starts_at: str = Field(
        max_length=64,
        description="The first occurrence, ISO 8601. Without an offset it is wall time in "
        "the program's time zone.",
    )
    recurrence: str = Field(
        default="", max_length=1000, description="RFC 5545 RRULE, e.g. FREQ=MONTHLY;BYDAY=1TH."
    )
    repeat_until: str | None = Field(default=None, max_length=32, description="YYYY-MM-DD")
    duration_minutes: int = 60
    join_url: str = Field(default="", max_length=5000)
    place: str = Field(default="", max_length=5000)
    capacity: int | None = None


class GatheringPatch(Schema):
    """Fields left out keep their value; only staff change audience or host."""

    title: str | None = Field(default=None, max_length=5000)
    description: str | None = Field(default=None, max_length=20000)
    kind: str | None = None
    audience: str | None = None
    host_id: int | None = None
    starts_at: str | None = Field(default=None, max_length=64)
    recurrence: str | None = Field(default=None, max_length=1000)
    repeat_until: str | None = Field(default=None, max_length=32)
    duration_minutes: int | None = None
    join_url: str | None = Field(default=None, max_length=5000)
    place: str | None = Field(default=None, max_length=5000)
    capacity: int | None = None


class OccurrenceOut(Schema):
    occurrence_date: dt.date = Field(description="Its identity: the program's local date.")
    starts_at: dt.datetime = Field(description="UTC.")
    ends_at: dt.datetime = Field(description="UTC.")
    starts_at_local: dt.datetime = Field(description="In your own time zone.")
    ends_at_local: dt.datetime = Field(description="In your own time zone.")
    time_zone: str = Field(description="Your time zone.")
    cancelled: bool
    going: int
    spots_left: int | None
    my_response: str | None
    my_rsvp_id: int | None


class GatheringPersonOut(Schema):
    id: int
    display_name: str


class GatheringOut(Schema):
    id: int
    program_id: int
    title: str
    description: str
    kind: str
    audience: str
    host: GatheringPersonOut | None
    starts_at: dt.datetime
    program_time_zone: str
    recurrence: str
    repeats: str = Field(
        description="The rule in words, in the caller's language; empty for a one-off."
    )
    repeat_until: dt.date | None
    duration_minutes: int
    join_url: str
    place: str
    capacity: int | None
    cancelled: bool
    can_edit: bool
    next_occurrences: list[OccurrenceOut]


class CancelIn(Schema):
    occurrence_date: str | None = Field(
        default=None, max_length=32, description="One date to cancel; empty cancels them all."
    )


class RsvpIn(Schema):
    occurrence_date: str = Field(max_length=32, description="YYYY-MM-DD, a date of the rule.")
    response: str = Field(max_length=32, description="going, maybe or not_going")


class RsvpChange(Schema):
    response: str = Field(max_length=32, description="going, maybe or not_going")


class RsvpOut(Schema):
    id: int
    gathering_id: int
    occurrence_date: dt.date
    response: str
    updated_at: dt.datetime


class AttendeeOut(Schema):
    display_name: str
    response: str


class GatheringFeedOut(Schema):
    url: str
