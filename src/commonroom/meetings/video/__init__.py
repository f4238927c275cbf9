"""Video rooms: one interface over Jitsi Meet, BigBlueButton and a plain link.

Commonroom does not carry video. A provider turns a session into a room
handle, signs a join link for one person in one role, and (for BigBlueButton)
builds the calls that create and end the room. Everything here is pure: no
models, no settings, no network. BigBlueButton calls come back as signed URLs
that the caller fetches.

Privacy: a provider only ever sees a person's display name, an opaque id and
whether they moderate. Email, legal name and database ids never go into a
token or URL, because join links end up in browser history, proxy logs and the
provider's own logs.

Room names are HMAC-SHA256(provider secret, session key), not random tokens
stored per session: they are deterministic (every process derives the same
name, nothing to store or migrate), unguessable without the secret, and
lowercase base32 so that Jitsi (which lowercases room names into XMPP JIDs)
and BigBlueButton accept them byte for byte. Rotating a provider secret
renames every future room, which is harmless because rooms live for one
session.

Layout: `base` (the VideoProvider protocol, Room, Participant, the join
window, derived names), one module per provider (`jitsi`, `bbb`, `link`).
A provider is built from its frozen config, e.g.
`JitsiProvider(JitsiConfig(domain=..., app_id=..., app_secret=...))`; every
method takes keyword arguments only.
"""

from __future__ import annotations

from commonroom.meetings.video.base import (
    BreakoutsUnsupported,
    JoinRefusal,
    JoinRefused,
    Participant,
    Room,
    VideoProvider,
    check_join_window,
    join_window,
    opaque_id,
    room_name,
)
from commonroom.meetings.video.bbb import (
    BigBlueButtonConfig,
    BigBlueButtonProvider,
    ChecksumAlgorithm,
)
from commonroom.meetings.video.jitsi import JitsiConfig, JitsiProvider
from commonroom.meetings.video.link import ExternalLinkConfig, ExternalLinkProvider

__all__ = [
    "BigBlueButtonConfig",
    "BigBlueButtonProvider",
    "BreakoutsUnsupported",
    "ChecksumAlgorithm",
    "ExternalLinkConfig",
    "ExternalLinkProvider",
    "JitsiConfig",
    "JitsiProvider",
    "JoinRefusal",
    "JoinRefused",
    "Participant",
    "Room",
    "VideoProvider",
    "check_join_window",
    "join_window",
    "opaque_id",
    "room_name",
]
