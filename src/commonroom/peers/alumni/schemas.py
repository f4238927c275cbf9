"""Shapes of the alumni network API."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from commonroom.gatherings.schemas import GatheringOut


class AlumniSpaceOut(Schema):
    id: int
    name: str


class OpportunityOut(Schema):
    id: int
    program_id: int
    kind: str
    title: str
    description: str
    when: dt.datetime | None = Field(description="UTC; null for an ongoing role.")
    when_local: dt.datetime | None = Field(description="In your own time zone.")
    spots: int
    spots_left: int
    closed: bool
    my_status: str | None = Field(description="signed_up, confirmed, withdrawn or null.")


class ProgramNetworkOut(Schema):
    program_id: int
    program_name: str
    alumni_access_months: int = Field(description="0: for as long as the program keeps it.")
    my_access_ends_at: dt.datetime | None = Field(description="For alumni; null: no end.")
    is_staff: bool
    alumni_spaces: list[AlumniSpaceOut]
    gatherings: list[GatheringOut]
    opportunities: list[OpportunityOut]


class OpportunityIn(Schema):
    program_id: int
    kind: str = Field(description="mentoring, panel, game_night or other")
    title: str = Field(max_length=5000, description="At most 120 characters.")
    description: str = Field(default="", max_length=20000, description="At most 2,000.")
    when: str | None = Field(
        default=None,
        max_length=64,
        description="ISO 8601; without an offset, wall time in the program's zone.",
    )
    spots: int = 1


class SignupOut(Schema):
    id: int
    opportunity_id: int
    status: str
    updated_at: dt.datetime


class StaffSignupOut(SignupOut):
    display_name: str


class AlumniSettingsIn(Schema):
    alumni_access_months: int = Field(description="0 to 600; 0 keeps alumni indefinitely.")


class AlumniSettingsOut(Schema):
    program_id: int
    alumni_access_months: int
