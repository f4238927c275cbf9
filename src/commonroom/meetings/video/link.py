"""A plain external link (Zoom, Teams, ...) that staff paste in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from commonroom.meetings.video.base import (
    BreakoutsUnsupported,
    Participant,
    Room,
    check_https,
    check_join_window,
    check_own,
    check_room_times,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ExternalLinkConfig:
    url: str  # set by staff per series, e.g. a Zoom or Teams link

    def __post_init__(self) -> None:
        check_https(self.url, name="url")


@dataclass(frozen=True, slots=True)
class ExternalLinkProvider:
    """A link staff paste in. Everyone gets the same URL unchanged: adding a
    name or id would hand personal data to a service Commonroom has no
    agreement with. No moderator distinction, no end call, no breakouts."""

    config: ExternalLinkConfig
    kind: str = field(default="link", init=False)
    supports_breakouts: bool = field(default=False, init=False)

    def create_room(
        self, *, session_key: str, title: str, starts_at: datetime, ends_at: datetime
    ) -> Room:
        check_room_times(starts_at=starts_at, ends_at=ends_at)
        return Room(
            provider=self.kind,
            name=self.config.url,
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
        )

    def join_url(self, *, room: Room, person: Participant, now: datetime) -> str:
        check_own(room, self.kind)
        check_join_window(starts_at=room.starts_at, ends_at=room.ends_at, now=now)
        return self.config.url

    def end_room(self, *, room: Room) -> str | None:
        check_own(room, self.kind)
        return None

    def breakout_rooms(self, *, parent: Room, count: int) -> tuple[Room, ...]:
        raise BreakoutsUnsupported(self.kind)
