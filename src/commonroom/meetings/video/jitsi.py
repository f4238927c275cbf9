"""Self-hosted Jitsi Meet with token authentication (jitsi-meet-tokens)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import jwt

from commonroom.meetings.video.base import (
    Participant,
    Room,
    breakout_name,
    breakout_titles,
    check_join_window,
    check_own,
    check_room_times,
    check_secret,
    opaque_id,
    room_name,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class JitsiConfig:
    # The host, e.g. "meet.example.org", with ":port" when Jitsi is not on 443.
    domain: str
    app_id: str  # Prosody's app_id: the token's iss
    app_secret: str = field(repr=False)  # Prosody's app_secret: the HS256 key
    audience: str = "jitsi"
    subject: str | None = None  # the tenant; None means the domain. "*" matches any.
    # Jitsi checks exp when a person connects (and reconnects), so the token
    # must outlive the session a little but not be a standing pass.
    grace: timedelta = timedelta(minutes=15)
    max_lifetime: timedelta = timedelta(hours=4)
    # Clock skew between Commonroom and Prosody.
    leeway: timedelta = timedelta(minutes=1)
    skip_prejoin: bool = False

    def __post_init__(self) -> None:
        host, _, port = self.domain.partition(":")
        if (
            not host
            or any(c in host for c in "/?#@ ")
            or host != host.lower()
            or (port and not (port.isdigit() and 0 < int(port) < 65536))
            or (self.domain.endswith(":") and not port)
        ):
            raise ValueError("domain must be a lowercase host name such as meet.example.org")
        if not self.app_id:
            raise ValueError("app_id must not be empty")
        check_secret(self.app_secret, name="app_secret")

    @property
    def host(self) -> str:
        """The domain without its port: what Prosody calls the domain."""
        return self.domain.partition(":")[0]


@dataclass(frozen=True, slots=True)
class JitsiProvider:
    """Self-hosted Jitsi Meet with token authentication (jitsi-meet-tokens).

    Each person gets their own HS256 token naming one room. Moderation is set
    twice on purpose: `context.user.moderator` is what the Jitsi client and
    newer Prosody modules read; the top-level `moderator` claim is what the
    widely deployed token_moderation Prosody plugin reads. Both are booleans.

    `context.features` turns recording and live streaming off (no recording is
    a group rule). It binds only where the Jitsi deployment sets
    enableFeaturesBasedOnToken, so the deployment docs must require that (or
    no recorder at all). The URL fragment is a client hint a person can edit,
    so it never carries anything that must hold.

    Jitsi has no server API to end a room (it closes when empty) so `end_room`
    returns None. Breakout rooms are separate rooms named from the parent, each
    with its own tokens; Jitsi's in-meeting breakouts are a moderator's client
    feature that Commonroom does not drive.
    """

    config: JitsiConfig
    kind: str = field(default="jitsi", init=False)
    supports_breakouts: bool = field(default=True, init=False)

    def create_room(
        self, *, session_key: str, title: str, starts_at: datetime, ends_at: datetime
    ) -> Room:
        check_room_times(starts_at=starts_at, ends_at=ends_at)
        # Jitsi creates the room on first join; there is nothing to call.
        return Room(
            provider=self.kind,
            name=room_name(secret=self.config.app_secret, session_key=session_key),
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
        )

    def join_url(self, *, room: Room, person: Participant, now: datetime) -> str:
        check_own(room, self.kind)
        check_join_window(starts_at=room.starts_at, ends_at=room.ends_at, now=now)
        token = self._token(room=room, person=person, now=now)
        url = f"https://{self.config.domain}/{room.name}?jwt={token}"
        if self.config.skip_prejoin:
            url += "#config.prejoinConfig.enabled=false"
        return url

    def _token(self, *, room: Room, person: Participant, now: datetime) -> str:
        cfg = self.config
        expires = min(room.ends_at + cfg.grace, now + cfg.max_lifetime)
        claims = {
            "aud": cfg.audience,
            "iss": cfg.app_id,
            "sub": cfg.subject if cfg.subject is not None else cfg.host,
            "room": room.name,
            # No iat: the documented format does not use it, and verifiers that
            # check it refuse a token "issued" ahead of their clock, the very
            # skew nbf's leeway forgives.
            "nbf": int((now - cfg.leeway).timestamp()),
            "exp": int(expires.timestamp()),
            "moderator": person.moderator,
            "context": {
                "user": {
                    "id": opaque_id(secret=cfg.app_secret, person_id=person.id),
                    "name": person.display_name,
                    "moderator": person.moderator,
                },
                "features": {
                    "recording": False,
                    "livestreaming": False,
                    "transcription": False,
                    "outbound-call": False,
                },
            },
        }
        return jwt.encode(claims, cfg.app_secret, algorithm="HS256", headers={"typ": "JWT"})

    def end_room(self, *, room: Room) -> str | None:
        check_own(room, self.kind)
        return None

    def breakout_rooms(self, *, parent: Room, count: int) -> tuple[Room, ...]:
        check_own(parent, self.kind)
        return tuple(
            Room(
                provider=self.kind,
                name=breakout_name(secret=self.config.app_secret, parent=parent, sequence=n),
                title=title,
                starts_at=parent.starts_at,
                ends_at=parent.ends_at,
                parent=parent.name,
                sequence=n,
            )
            for n, title in breakout_titles(parent=parent, count=count)
        )
