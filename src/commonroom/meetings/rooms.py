"""Joining a session's video room: the roster and window checks, then a
signed link from the series' provider (video/)."""

from __future__ import annotations

import logging
import urllib.request
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from commonroom.accounts.models import User
from commonroom.meetings import video
from commonroom.meetings.models import Session, SessionSeries, SessionStatus, VideoProviderKind

log = logging.getLogger(__name__)

JoinRefused = video.JoinRefused


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


def join_link(*, session: Session, person: User, moderator: bool, now: datetime) -> str:
    """The person's own signed link. The caller has checked that they may see
    the session; staff join as moderators, everyone else on the roster as
    attendees."""
    from commonroom.meetings.queries import roster_ids

    if session.status != SessionStatus.SCHEDULED:
        raise JoinRefused(video.JoinRefusal.ENDED)
    if not moderator and person.pk not in roster_ids(session):
        raise JoinRefused(video.JoinRefusal.NOT_ON_ROSTER)
    video.check_join_window(starts_at=session.starts_at, ends_at=session.ends_at, now=now)
    provider = provider_for(session.series)
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
