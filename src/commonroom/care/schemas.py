from __future__ import annotations

from datetime import datetime, time

from ninja import Field, Schema

from commonroom.api.fields import Email


class ProgramOut(Schema):
    id: int
    name: str
    time_zone: str


class InvitationIn(Schema):
    email: Email
    role: str = "participant"
    language: str = Field(default="en", max_length=8)


class InvitationOut(Schema):
    id: int
    email: str
    role: str
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None


class ProgramDetailOut(Schema):
    id: int
    name: str
    time_zone: str
    default_group_size: int
    languages_offered: list[str]
    crisis_resources: list[dict[str, str]]


class ProgramPatch(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    time_zone: str | None = Field(default=None, max_length=64)
    default_group_size: int | None = None
    languages_offered: list[str] | None = None
    crisis_resources: list[dict[str, str]] | None = None


class TrackIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    level_of_care: str = "2.1"
    population: str = "adult"
    weekly_minimum_hours: int | None = None


class TrackOut(Schema):
    id: int
    name: str
    level_of_care: str
    population: str
    weekly_minimum_hours: int


class GroupIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    kind: str = "process"
    capacity: int | None = None
    track_id: int | None = None
    enrollment_open: bool = True
    session_pattern: str = Field(default="", max_length=200)
    session_start: time | None = None
    session_minutes: int = Field(default=180, ge=15, le=480)
    facilitator_ids: list[int] = Field(default_factory=list, max_length=20)


class GroupPatch(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    kind: str | None = None
    capacity: int | None = None
    enrollment_open: bool | None = None
    session_pattern: str | None = Field(default=None, max_length=200)
    session_start: time | None = None
    session_minutes: int | None = Field(default=None, ge=15, le=480)
    facilitator_ids: list[int] | None = Field(default=None, max_length=20)


class GroupOut(Schema):
    id: int
    program_id: int
    name: str
    kind: str
    capacity: int
    track_id: int | None
    enrollment_open: bool
    session_pattern: str
    session_start: time | None
    session_minutes: int
    facilitator_ids: list[int]


class RosterLineOut(Schema):
    user_id: int
    display_name: str
    pronouns: str
    phase: str | None = None
    joined_at: datetime | None = None


class PlacementIn(Schema):
    user_id: int
    override: bool = False


class GroupMoveIn(Schema):
    from_group_id: int
    to_group_id: int
    override: bool = False


class EnrollmentOut(Schema):
    id: int
    user_id: int
    program_id: int
    phase: str
    phase_changed_at: datetime
    track_id: int | None
    group_ids: list[int]


class PhaseIn(Schema):
    phase: str
    reason: str = Field(min_length=1, max_length=500)


class PhaseChangeOut(Schema):
    from_phase: str
    to_phase: str
    changed_at: datetime
    changed_by_id: int | None
    reason: str


class CoupleIn(Schema):
    first_id: int
    second_id: int
    policy: str = "apart"


class CouplePatch(Schema):
    policy: str


class CoupleOut(Schema):
    id: int
    program_id: int
    person_a_id: int
    person_b_id: int
    policy: str


class DoNotPairIn(Schema):
    first_id: int
    second_id: int
    reason: str = Field(min_length=1, max_length=500)


class DoNotPairOut(Schema):
    id: int
    program_id: int
    person_a_id: int
    person_b_id: int
    reason: str


class AgreementOut(Schema):
    program_id: int
    version: int
    body: str
    published_at: datetime
    accepted: bool


class AgreementIn(Schema):
    body: str = Field(min_length=1, max_length=20000)


class AcceptIn(Schema):
    version: int


class PreferencesOut(Schema):
    languages: list[str]
    availability: list[dict[str, object]]
    affinity_interests: list[str]
    use_affinities_for_matching: bool
    mentor_gender_preference: str
    camera_comfort: str
    visibility: dict[str, str]


class PreferencesPatch(Schema):
    languages: list[str] | None = Field(default=None, max_length=10)
    availability: list[dict[str, object]] | None = Field(default=None, max_length=28)
    affinity_interests: list[str] | None = Field(default=None, max_length=20)
    use_affinities_for_matching: bool | None = None
    mentor_gender_preference: str | None = None
    camera_comfort: str | None = None


class AuditEntryOut(Schema):
    seq: int
    at: datetime
    actor_id: int | None
    action: str
    target_type: str
    target_id: str
    ip: str | None
