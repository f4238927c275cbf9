from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class ApplyIn(Schema):
    program_id: int
    motivation: str = Field(default="", max_length=2000)
    max_mentees: int = Field(default=2, ge=1, le=5)
    languages: list[str] = Field(default_factory=list, max_length=20)
    gender: str = ""
    faith: str = ""
    faith_tradition: str = Field(default="", max_length=80)
    lived_experience: list[str] = Field(default_factory=list, max_length=20)


class MentorProfilePatch(Schema):
    max_mentees: int | None = Field(default=None, ge=1, le=5)
    languages: list[str] | None = Field(default=None, max_length=20)
    gender: str | None = None
    faith: str | None = None
    faith_tradition: str | None = Field(default=None, max_length=80)
    lived_experience: list[str] | None = Field(default=None, max_length=20)


class TrainingItemOut(Schema):
    topic: str
    completed_on: dt.date | None
    confirmed: bool


class ProfileOut(Schema):
    id: int
    program_id: int
    user_id: int
    display_name: str
    state: str
    max_mentees: int
    current_mentees: int
    languages: list[str]
    gender: str
    faith: str
    faith_tradition: str
    lived_experience: list[str]
    training: list[TrainingItemOut]
    agreement_version_signed: int | None
    agreement_current_version: int | None
    missing_for_activation: list[str]


class TrainingIn(Schema):
    topic: str
    completed_on: dt.date


class TopicIn(Schema):
    topic: str


class SignIn(Schema):
    version: int


class StateIn(Schema):
    to: str


class MentorSettingsIn(Schema):
    step_down_may_apply: bool


class MentorSettingsOut(Schema):
    step_down_may_apply: bool


class MentorPersonOut(Schema):
    id: int
    display_name: str
    pronouns: str
    badge: str | None = None


class ReasonOut(Schema):
    factor: str
    label: str
    points: float


class MentorshipOut(Schema):
    id: int
    program_id: int
    mentor: MentorPersonOut
    mentee: MentorPersonOut
    space_id: int | None
    started_at: dt.datetime
    ended_at: dt.datetime | None
    reasons: list[ReasonOut] | None = None


class PreviewMatchOut(Schema):
    mentor: MentorPersonOut
    mentee: MentorPersonOut
    reasons: list[ReasonOut]
    total: float


class MentorshipPreviewOut(Schema):
    fingerprint: str
    matches: list[PreviewMatchOut]
    unassigned: list[MentorPersonOut]


class MentorshipConfirmIn(Schema):
    fingerprint: str = Field(max_length=64)
    pairs: list[tuple[int, int]] | None = Field(
        default=None, description="(mentor id, mentee id) pairs of the preview; all when absent"
    )


class RequestIn(Schema):
    program_id: int
    lived_experience_wanted: list[str] = Field(default_factory=list, max_length=20)


class MentorshipRequestOut(Schema):
    id: int
    program_id: int
    status: str
    lived_experience_wanted: list[str]
    created_at: dt.datetime


class ConcernIn(Schema):
    kind: str
    note: str = Field(default="", max_length=1000)


class ConcernOut(Schema):
    raised: bool


class MentorRosterLineOut(Schema):
    profile_id: int
    mentor: MentorPersonOut
    state: str
    training_confirmed: int
    training_total: int
    agreement_current: bool
    max_mentees: int
    mentees: list[MentorPersonOut]
