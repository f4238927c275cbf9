from __future__ import annotations

from datetime import datetime

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
