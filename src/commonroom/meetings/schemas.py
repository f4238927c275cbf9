from __future__ import annotations

from datetime import date, datetime, time

from ninja import Field, Schema

from commonroom.api.fields import ZonedDatetime


class SessionOut(Schema):
    id: int
    series_id: int
    group_id: int
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    status: str
    moved: bool
    join_open: bool


class JoinOut(Schema):
    url: str


class SeriesIn(Schema):
    title: str = Field(min_length=1, max_length=120)
    kind: str = "group_therapy"
    rule: str = Field(min_length=1, max_length=200)
    start_date: date
    until: date | None = None
    local_start: time
    duration_minutes: int = 180
    slot_label: str = Field(default="", max_length=40)
    curriculum: str = Field(default="", max_length=80)
    video_provider: str = "jitsi"
    external_url: str = Field(default="", max_length=200)


class SeriesOut(Schema):
    id: int
    group_id: int
    title: str
    kind: str
    rule: str
    start_date: date
    until: date | None
    local_start: time
    duration_minutes: int
    slot_label: str
    curriculum: str
    video_provider: str


class ExceptionIn(Schema):
    original_date: date
    action: str
    new_starts_at: ZonedDatetime | None = None
    new_duration_minutes: int | None = None
    reason: str = Field(default="", max_length=200)


class AttendanceOut(Schema):
    user_id: int
    display_name: str
    status: str
    minutes: int
    participation: str


class CorrectionIn(Schema):
    status: str
    minutes: int | None = None
    reason: str = Field(default="", max_length=300)


class FinaliseIn(Schema):
    excused: list[int] = Field(default_factory=list, max_length=200)


class SessionFeedOut(Schema):
    url: str


class MinimumLineOut(Schema):
    user_id: int
    display_name: str
    minimum_hours: float
    scheduled_hours: float
    attended_hours: float
    remaining_hours: float
    status: str
    reason: str
