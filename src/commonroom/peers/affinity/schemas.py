from __future__ import annotations

from datetime import datetime

from ninja import Schema


class AffinityOut(Schema):
    id: int
    program_id: int
    key: str
    name: str
    description: str
    running: bool
    accepting_requests: bool
    standing: str
    pending_request_id: int | None = None
    upcoming_sessions: list[datetime]
    leads: list[str]


class MemberOut(Schema):
    id: int
    display_name: str
    pronouns: str


class AskIn(Schema):
    note: str = ""


class JoinRequestOut(Schema):
    id: int
    affinity_id: int
    status: str
    created_at: datetime
    decided_at: datetime | None = None
    decision_message: str = ""


class QueueItemOut(JoinRequestOut):
    person_id: int
    display_name: str
    note: str
    affinity_name: str


class DecisionIn(Schema):
    approve: bool
    message: str = ""


class EntryIn(Schema):
    name: str
    description: str = ""


class EntryPatch(Schema):
    name: str | None = None
    description: str | None = None
    accepting_requests: bool | None = None
    facilitator_ids: list[int] | None = None
    archived: bool | None = None


class EntryOut(Schema):
    id: int
    program_id: int
    key: str
    name: str
    description: str
    group_id: int | None = None
    accepting_requests: bool
    archived_at: datetime | None = None
    facilitator_ids: list[int]
