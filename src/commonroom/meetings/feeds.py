"""A person's private iCalendar feed of their sessions."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from commonroom.core.audit import AuditAction, audited_read
from commonroom.meetings import access as meetings_access
from commonroom.meetings.calendar import FeedEntry, build_feed
from commonroom.meetings.models import CalendarFeed, SessionStatus

PAST = timedelta(days=14)
AHEAD = timedelta(days=90)


def feed_for(*, feed: CalendarFeed, base_url: str, now: datetime) -> bytes:
    """The sessions the feed's owner may see, from two weeks back to the
    weeks ahead. Titles are the series' neutral titles, never the group's
    name, so a calendar on a phone does not say what the group is for."""
    user = feed.user
    sessions = (
        meetings_access.sessions_visible_to(user)
        .filter(starts_at__gte=now - PAST, starts_at__lt=now + AHEAD)
        .order_by("starts_at")
    )
    entries = [
        FeedEntry(
            series_key=str(session.series_id),
            original_date=session.original_date,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            summary=session.series.title,
            url=base_url.rstrip("/") + reverse("session", kwargs={"session_id": session.pk}),
            cancelled=session.status == SessionStatus.CANCELLED,
            sequence=1 if session.moved else 0,
        )
        for session in sessions
    ]
    CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=timezone.now())
    audited_read(user, action=AuditAction.CALENDAR_FEED_FETCH, subject=user, obj=feed)
    return build_feed(calendar_name="Commonroom", occurrences=entries, now=now)
