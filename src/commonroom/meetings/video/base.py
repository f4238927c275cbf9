"""The interface every provider meets, the join window, and the names derived
from a provider's secret."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol, runtime_checkable
from urllib.parse import urlsplit

# 160 bits: well past the 128 the threat model needs, and 32 base32 characters
# with no padding.
ROOM_NAME_CHARS = 32
OPAQUE_ID_CHARS = 26  # 130 bits
# Shorter HMAC keys are brute-forceable offline from one leaked join link.
MIN_SECRET_LENGTH = 32


class JoinRefusal(StrEnum):
    TOO_EARLY = "too_early"
    ENDED = "ended"
    NOT_ON_ROSTER = "not_on_roster"  # decided by the caller, which owns the roster


class JoinRefused(Exception):
    def __init__(self, reason: JoinRefusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


class BreakoutsUnsupported(Exception):
    """The provider cannot make breakout rooms; check `supports_breakouts` first."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Participant:
    id: int
    display_name: str
    moderator: bool = False  # facilitators only
    # Kept for the caller's convenience (reminders); never sent to a provider,
    # and kept out of repr so it cannot reach a log by accident.
    email: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.display_name.strip():
            raise ValueError("display_name must not be empty")


@dataclass(frozen=True, slots=True, kw_only=True)
class Room:
    provider: str
    name: str  # the Jitsi room, the BBB meetingID, or the external link itself
    title: str
    starts_at: datetime
    ends_at: datetime
    # BigBlueButton only: the signed create call to GET before anyone joins.
    create_url: str | None = None
    parent: str | None = None  # breakout rooms: the parent room's name
    sequence: int | None = None  # breakout rooms: 1, 2, ...


@runtime_checkable
class VideoProvider(Protocol):
    @property
    def kind(self) -> str:
        """One of meetings.models.VideoProviderKind's values."""
        ...

    @property
    def supports_breakouts(self) -> bool: ...

    def create_room(
        self, *, session_key: str, title: str, starts_at: datetime, ends_at: datetime
    ) -> Room: ...

    def join_url(self, *, room: Room, person: Participant, now: datetime) -> str:
        """Raises JoinRefused outside the join window."""
        ...

    def end_room(self, *, room: Room) -> str | None:
        """The URL to GET to end the room for everyone, or None when the
        provider has no such call."""
        ...

    def breakout_rooms(self, *, parent: Room, count: int) -> tuple[Room, ...]:
        """Raises BreakoutsUnsupported unless `supports_breakouts`."""
        ...


# --- Time ---------------------------------------------------------------


def _require_aware(**values: datetime) -> None:
    for name, value in values.items():
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{name} must be timezone-aware")


def join_window(
    *, starts_at: datetime, ends_at: datetime, now: datetime, early_minutes: int = 15
) -> bool:
    """Joining is open from `early_minutes` before the start until the end;
    the end itself is closed, as attendance counts [starts_at, ends_at)."""
    return (
        _refusal(starts_at=starts_at, ends_at=ends_at, now=now, early_minutes=early_minutes) is None
    )


def check_join_window(
    *, starts_at: datetime, ends_at: datetime, now: datetime, early_minutes: int = 15
) -> None:
    refusal = _refusal(starts_at=starts_at, ends_at=ends_at, now=now, early_minutes=early_minutes)
    if refusal is not None:
        raise JoinRefused(refusal)


def _refusal(
    *, starts_at: datetime, ends_at: datetime, now: datetime, early_minutes: int
) -> JoinRefusal | None:
    _require_aware(starts_at=starts_at, ends_at=ends_at, now=now)
    if now < starts_at - timedelta(minutes=early_minutes):
        return JoinRefusal.TOO_EARLY
    if now >= ends_at:
        return JoinRefusal.ENDED
    return None


def check_room_times(*, starts_at: datetime, ends_at: datetime) -> None:
    _require_aware(starts_at=starts_at, ends_at=ends_at)
    if ends_at <= starts_at:
        raise ValueError("ends_at must be after starts_at")


# --- Derived names --------------------------------------------------------


def derive(*, secret: str, purpose: str, value: str, chars: int) -> str:
    # The purpose prefix keeps a room name from ever equalling an opaque id or
    # a password derived from the same secret.
    message = f"commonroom:{purpose}:v1\x00{value}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii").lower()[:chars]


def room_name(*, secret: str, session_key: str) -> str:
    """32 characters of [a-z2-7]: URL-safe, JID-safe, case-proof, 160 bits."""
    if not session_key:
        raise ValueError("session_key must not be empty")
    return derive(secret=secret, purpose="room", value=session_key, chars=ROOM_NAME_CHARS)


def opaque_id(*, secret: str, person_id: int) -> str:
    """A stable per-person id for providers. Stable across sessions so that a
    provider's attendance callbacks can be mapped back by recomputing it for
    the roster; meaningless without the secret."""
    return derive(secret=secret, purpose="person", value=str(person_id), chars=OPAQUE_ID_CHARS)


def breakout_name(*, secret: str, parent: Room, sequence: int) -> str:
    return derive(
        secret=secret, purpose="breakout", value=f"{parent.name}/{sequence}", chars=ROOM_NAME_CHARS
    )


def check_secret(secret: str, *, name: str) -> None:
    if len(secret) < MIN_SECRET_LENGTH:
        raise ValueError(f"{name} must be at least {MIN_SECRET_LENGTH} characters")


def check_https(url: str, *, name: str) -> None:
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError(f"{name} must be an https:// URL")
    if any(c.isspace() or ord(c) < 0x20 for c in url):
        raise ValueError(f"{name} must not contain spaces or control characters")


def check_own(room: Room, kind: str) -> None:
    # A room handed to the wrong provider would be signed into a room name
    # that provider never made; fail instead of producing a dead link.
    if room.provider != kind:
        raise ValueError(f"room belongs to provider {room.provider!r}, not {kind!r}")


def breakout_titles(*, parent: Room, count: int) -> list[tuple[int, str]]:
    if parent.parent is not None:
        raise ValueError("a breakout room cannot have breakout rooms")
    if count < 1:
        raise ValueError("count must be at least 1")
    return [(n, f"{parent.title} · {n}") for n in range(1, count + 1)]
