from __future__ import annotations

from ninja import Field, Schema

from commonroom.api.fields import Email


class TokenIn(Schema):
    email: Email
    password: str = Field(min_length=1, max_length=4096)
    otp: str | None = Field(default=None, max_length=16)
    label: str = Field(default="", max_length=80)


class TokenOut(Schema):
    token: str
    expires_at: str


class RoleOut(Schema):
    program_id: int
    program: str
    role: str


class MyEnrollmentOut(Schema):
    program_id: int
    phase: str


class MeOut(Schema):
    id: int
    email: str
    display_name: str
    legal_name: str
    pronouns: str
    preferred_language: str
    time_zone: str
    faith_preference: str
    faith_tradition: str
    accessibility_needs: str
    mfa_enabled: bool
    roles: list[RoleOut]
    enrollments: list[MyEnrollmentOut]


class ProfilePatch(Schema):
    display_name: str | None = Field(default=None, min_length=1, max_length=60)
    pronouns: str | None = Field(default=None, max_length=40)
    legal_name: str | None = Field(default=None, max_length=150)
    preferred_language: str | None = None
    time_zone: str | None = Field(default=None, max_length=64)
    faith_preference: str | None = None
    faith_tradition: str | None = Field(default=None, max_length=80)
    accessibility_needs: str | None = Field(default=None, max_length=1000)


class PersonOut(Schema):
    """A person as the caller may see them: fields the caller may not see are absent."""

    id: int
    visibility: str
    display_name: str
    pronouns: str
    legal_name: str | None = None
    email: str | None = None
    preferred_language: str | None = None
    time_zone: str | None = None
    faith_preference: str | None = None
    faith_tradition: str | None = None
    accessibility_needs: str | None = None
    badge: str | None = None  # "Peer mentor, not a licensed therapist", for active mentors
