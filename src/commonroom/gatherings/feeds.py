"""A person's private iCalendar feed of the gatherings they answered going
or maybe to, built with the meetings feed code (meetings/calendar.py) and
opened by the same private link secret (meetings.CalendarFeed): one secret,
one revocation.

A feed ends up on phones and shared calendars, so every entry is titled
"Commonroom gathering" (never the gathering's title: "Alumni reunion" says
who someone is), with the times and a link that asks for sign-in; no join
link, no place, no people.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from commonroom.core.audit import AuditAction, audited_read
from commonroom.gatherings import access, occurrences
from commonroom.gatherings.models import Rsvp, RsvpResponse
from commonroom.meetings.calendar import FeedEntry, build_feed
from commonroom.meetings.models import CalendarFeed

PAST = timedelta(days=14)
AHEAD = timedelta(days=120)
MAX_ENTRIES = 500


def feed_for(*, feed: CalendarFeed, base_url: str, now: datetime) -> bytes:
    user = feed.user
    rsvps = (
        Rsvp.objects.filter(
            user=user,
            response__in=[RsvpResponse.GOING, RsvpResponse.MAYBE],
            gathering__in=access.gatherings_visible_to(user),
            occurrence_date__gte=(now - PAST).date(),
            occurrence_date__lte=(now + AHEAD).date(),
        )
        .select_related("gathering", "gathering__program")
        .order_by("occurrence_date", "pk")[:MAX_ENTRIES]
    )
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        summary = _("Commonroom gathering")
        calendar_name = _("Commonroom gatherings")
    entries = []
    for rsvp in rsvps:
        found = occurrences.on_date(rsvp.gathering, rsvp.occurrence_date)
        if found is None:  # the rule changed after the answer
            continue
        cancelled = found.cancelled or rsvp.gathering.cancelled_at is not None
        entries.append(
            FeedEntry(
                # "gathering" keeps UIDs apart from session series with the same id.
                series_key=f"gathering{rsvp.gathering_id}",
                original_date=found.occurrence_date,
                starts_at=found.starts_at,
                ends_at=found.ends_at,
                summary=summary,
                url=base_url.rstrip("/")
                + reverse("gathering", kwargs={"gathering_id": rsvp.gathering_id}),
                cancelled=cancelled,
                sequence=1 if cancelled else 0,
            )
        )
    audited_read(user, action=AuditAction.GATHERING_FEED_FETCH, subject=user, obj=feed)
    return build_feed(calendar_name=calendar_name, occurrences=entries, now=now)
