"""Joining a session's video room: the roster and window checks, then a
signed link from the series' provider (video/).

How a person gets into the room, and when they count as arrived:

The Join buttons are plain links to our own *room link*
(`/sessions/<id>/join/?t=...`, `/sessions/<id>/my-breakout/join/?t=...`),
not forms. A form's navigation is bound by the page's CSP `form-action
'self'`, which Chromium applies to every redirect the submission follows,
so a POST that redirects to the video host is silently blocked. A link's
navigation is not, and the CSP stays as strict as it is.

The room link is a GET, so it carries a token signed for this person and
this session (`room_token`): without it any site could make a signed-in
browser load the link and put its owner on the roster. Arrival is recorded
when the browser loads the room link, in the very response that sends it to
the provider: that is the first moment we know the browser is on its way,
and nothing after it is ours to block. The click itself records nothing.

Per provider: Jitsi Meet and a plain link give Commonroom no callback, so
the room link is all we know; BigBlueButton could also report joins and
leaves through its webhooks, which Commonroom does not consume yet, so
leaves come from facilitators' corrections.
"""

from __future__ import annotations

import logging
import urllib.request
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from commonroom.accounts.models import User
from commonroom.meetings import video
from commonroom.meetings.models import Session, SessionSeries, SessionStatus, VideoProviderKind

log = logging.getLogger(__name__)

JoinRefused = video.JoinRefused


# The token names the session and the person; the join window, the roster and
# the person's access are checked again when the link is followed, so the
# token need not expire before the session does.
_TOKEN_SALT = "commonroom.meetings.room-link"  # noqa: S105 - a namespace, not a secret
ROOM_PURPOSES = ("session", "breakout")


def room_token(*, session: Session, person: User, purpose: str) -> str:
    if purpose not in ROOM_PURPOSES:
        raise ValueError(f"purpose must be one of {', '.join(ROOM_PURPOSES)}")
    return signing.dumps([session.pk, person.pk, purpose], salt=_TOKEN_SALT, compress=True)


def room_token_valid(token: str, *, session: Session, person: User, purpose: str) -> bool:
    try:
        value = signing.loads(token, salt=_TOKEN_SALT)
    except signing.BadSignature:
        return False
    return bool(value == [session.pk, person.pk, purpose])


def room_link(*, session: Session, person: User, purpose: str = "session") -> str:
    """The path of this person's room link (the main room or their breakout)."""
    name = "join_session" if purpose == "session" else "join_breakout"
    token = room_token(session=session, person=person, purpose=purpose)
    return f"{reverse(name, kwargs={'session_id': session.pk})}?{urlencode({'t': token})}"


class RoomUnavailable(Exception):
    """The video service did not answer when the room was created."""


def provider_for(series: SessionSeries) -> video.VideoProvider:
    if series.video_provider == VideoProviderKind.LINK:
        return video.ExternalLinkProvider(video.ExternalLinkConfig(url=series.external_url))
    if series.video_provider == VideoProviderKind.BBB:
        if not settings.BBB_API_URL or not settings.BBB_SECRET:
            raise RoomUnavailable("BigBlueButton is not configured")
        return video.BigBlueButtonProvider(
            video.BigBlueButtonConfig(
                api_url=settings.BBB_API_URL,
                secret=settings.BBB_SECRET,
                checksum=settings.BBB_CHECKSUM,  # type: ignore[arg-type]
            )
        )
    return video.JitsiProvider(
        video.JitsiConfig(
            domain=settings.JITSI_DOMAIN,
            app_id=settings.JITSI_APP_ID,
            app_secret=settings.JITSI_APP_SECRET,
        )
    )


def join_open(session: Session, now: datetime) -> bool:
    return session.status == SessionStatus.SCHEDULED and video.join_window(
        starts_at=session.starts_at, ends_at=session.ends_at, now=now
    )


def check_join(
    *, session: Session, person: User, moderator: bool, now: datetime
) -> video.VideoProvider:
    """Raises JoinRefused or RoomUnavailable unless the person may join now;
    the caller has checked that they may see the session."""
    from commonroom.meetings.queries import roster_ids

    if session.status != SessionStatus.SCHEDULED:
        raise JoinRefused(video.JoinRefusal.ENDED)
    if not moderator and person.pk not in roster_ids(session):
        raise JoinRefused(video.JoinRefusal.NOT_ON_ROSTER)
    video.check_join_window(starts_at=session.starts_at, ends_at=session.ends_at, now=now)
    return provider_for(session.series)


def join_link(*, session: Session, person: User, moderator: bool, now: datetime) -> str:
    """The person's own signed link. The caller has checked that they may see
    the session; staff join as moderators, everyone else on the roster as
    attendees."""
    provider = check_join(session=session, person=person, moderator=moderator, now=now)
    room = provider.create_room(
        session_key=f"session-{session.pk}",
        title=session.series.title,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
    )
    if room.create_url:
        _call(room.create_url)
    return provider.join_url(
        room=room,
        person=video.Participant(
            id=person.pk, display_name=person.display_name, moderator=moderator
        ),
        now=now,
    )


def _call(url: str) -> None:
    """BigBlueButton's create is idempotent: calling it on every join is how
    the room comes to exist without a scheduler."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our configured BBB host
            response.read(65536)
    except OSError as exc:
        log.warning("video room could not be created: %s", type(exc).__name__)
        raise RoomUnavailable(str(exc)) from exc


def refusal_message(exc: JoinRefused | RoomUnavailable) -> str:
    if isinstance(exc, RoomUnavailable):
        return _("The video service is not answering. Try again in a minute, or ask for help.")
    return {
        video.JoinRefusal.TOO_EARLY: _("The room opens 15 minutes before the session starts."),
        video.JoinRefusal.ENDED: _("This session has ended."),
        video.JoinRefusal.NOT_ON_ROSTER: _("You are not on this session's roster."),
    }[exc.reason]


def breakout_link(
    *,
    session: Session,
    room_number: int,
    room_count: int,
    person: User,
    moderator: bool,
    now: datetime,
) -> str:
    """A signed link to one breakout room of the session's video room."""
    video.check_join_window(starts_at=session.starts_at, ends_at=session.ends_at, now=now)
    provider = provider_for(session.series)
    if not provider.supports_breakouts:
        raise RoomUnavailable("this provider has no breakout rooms")
    parent = provider.create_room(
        session_key=f"session-{session.pk}",
        title=session.series.title,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
    )
    room = provider.breakout_rooms(parent=parent, count=room_count)[room_number - 1]
    if room.create_url:
        _call(room.create_url)
    return provider.join_url(
        room=room,
        person=video.Participant(
            id=person.pk, display_name=person.display_name, moderator=moderator
        ),
        now=now,
    )
