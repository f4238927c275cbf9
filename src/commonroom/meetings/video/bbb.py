"""BigBlueButton through its checksum-signed API."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from urllib.parse import quote, urlencode

from commonroom.meetings.video.base import (
    OPAQUE_ID_CHARS,
    Participant,
    Room,
    breakout_name,
    breakout_titles,
    check_https,
    check_join_window,
    check_own,
    check_room_times,
    check_secret,
    derive,
    opaque_id,
    room_name,
)

ChecksumAlgorithm = Literal["sha1", "sha256", "sha384", "sha512"]
_CHECKSUMS: tuple[ChecksumAlgorithm, ...] = ("sha1", "sha256", "sha384", "sha512")


@dataclass(frozen=True, slots=True, kw_only=True)
class BigBlueButtonConfig:
    api_url: str  # e.g. "https://bbb.example.org/bigbluebutton/api"
    secret: str = field(repr=False)  # `bbb-conf --secret`
    # sha1 is BBB's default and works on every version; sha256 and up need the
    # server's supportedChecksumAlgorithms to include them.
    checksum: ChecksumAlgorithm = "sha1"
    # BBB < 2.6 grants roles by password only; newer servers take `role`.
    legacy_passwords: bool = False
    welcome: str = ""

    def __post_init__(self) -> None:
        check_https(self.api_url, name="api_url")
        if self.checksum not in _CHECKSUMS:
            raise ValueError(f"checksum must be one of {', '.join(_CHECKSUMS)}")
        check_secret(self.secret, name="secret")


@dataclass(frozen=True, slots=True)
class BigBlueButtonProvider:
    """BigBlueButton through its checksum-signed API.

    Every call is `{api_url}/{call}?{query}&checksum={hex}` where hex is the
    configured hash of call + query + secret, over the query exactly as sent.
    The caller GETs `room.create_url` before redirecting anyone to a join
    URL; create is idempotent in BBB, so doing it on every join click is the
    simple race-free choice.

    Recording is off three ways in create (record, autoStartRecording,
    allowStartStopRecording) because no recording is a group rule. Moderator
    and attendee passwords are derived from the secret, so they are stable
    without storage and `end` works on servers of every version.

    BBB join URLs do not expire: the caller must hand them out only through a
    redirect at click time, never in an email or a page's markup.
    """

    config: BigBlueButtonConfig
    kind: str = field(default="bbb", init=False)
    supports_breakouts: bool = field(default=True, init=False)

    def create_room(
        self, *, session_key: str, title: str, starts_at: datetime, ends_at: datetime
    ) -> Room:
        check_room_times(starts_at=starts_at, ends_at=ends_at)
        name = room_name(secret=self.config.secret, session_key=session_key)
        return Room(
            provider=self.kind,
            name=name,
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            create_url=self._create_url(meeting_id=name, title=title, breakout=None),
        )

    def join_url(self, *, room: Room, person: Participant, now: datetime) -> str:
        check_own(room, self.kind)
        check_join_window(starts_at=room.starts_at, ends_at=room.ends_at, now=now)
        params = [
            ("fullName", person.display_name),
            ("meetingID", room.name),
            ("role", "MODERATOR" if person.moderator else "VIEWER"),
            ("userID", opaque_id(secret=self.config.secret, person_id=person.id)),
            ("redirect", "true"),
        ]
        if self.config.legacy_passwords:
            password = self._password(
                meeting_id=room.name, role="moderator" if person.moderator else "attendee"
            )
            params.append(("password", password))
        return self.signed_url(call="join", params=params)

    def end_room(self, *, room: Room) -> str:
        check_own(room, self.kind)
        return self.signed_url(
            call="end",
            params=[
                ("meetingID", room.name),
                ("password", self._password(meeting_id=room.name, role="moderator")),
            ],
        )

    def breakout_rooms(self, *, parent: Room, count: int) -> tuple[Room, ...]:
        """Breakouts are BBB meetings linked to a running parent; the caller
        GETs each create_url after the parent's, then joins people into
        their breakout by its name. freeJoin=false: people go where the
        facilitator assigns them, not where they choose."""
        check_own(parent, self.kind)
        rooms = []
        for n, title in breakout_titles(parent=parent, count=count):
            name = breakout_name(secret=self.config.secret, parent=parent, sequence=n)
            rooms.append(
                Room(
                    provider=self.kind,
                    name=name,
                    title=title,
                    starts_at=parent.starts_at,
                    ends_at=parent.ends_at,
                    create_url=self._create_url(meeting_id=name, title=title, breakout=(parent, n)),
                    parent=parent.name,
                    sequence=n,
                )
            )
        return tuple(rooms)

    def signed_url(self, *, call: str, params: list[tuple[str, str]]) -> str:
        """Any API call, signed; public for the calls this module does not
        wrap (getMeetingInfo for attendance, isMeetingRunning)."""
        # quote, not urlencode's default quote_plus: BBB's documentation and
        # reference clients encode a space as %20. The checksum is computed
        # over this very string, which is then sent unchanged.
        query = urlencode(params, quote_via=quote)
        digest = hashlib.new(self.config.checksum, f"{call}{query}{self.config.secret}".encode())
        return f"{self.config.api_url.rstrip('/')}/{call}?{query}&checksum={digest.hexdigest()}"

    def _create_url(self, *, meeting_id: str, title: str, breakout: tuple[Room, int] | None) -> str:
        params = [
            ("meetingID", meeting_id),
            ("name", title),
            ("record", "false"),
            ("autoStartRecording", "false"),
            ("allowStartStopRecording", "false"),
            ("moderatorPW", self._password(meeting_id=meeting_id, role="moderator")),
            ("attendeePW", self._password(meeting_id=meeting_id, role="attendee")),
        ]
        if self.config.welcome:
            params.append(("welcome", self.config.welcome))
        if breakout is not None:
            parent, sequence = breakout
            params += [
                ("isBreakout", "true"),
                ("parentMeetingID", parent.name),
                ("sequence", str(sequence)),
                ("freeJoin", "false"),
            ]
        return self.signed_url(call="create", params=params)

    def _password(self, *, meeting_id: str, role: Literal["moderator", "attendee"]) -> str:
        return derive(
            secret=self.config.secret,
            purpose=f"bbb-{role}-pw",
            value=meeting_id,
            chars=OPAQUE_ID_CHARS,
        )
