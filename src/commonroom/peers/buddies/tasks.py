"""The daily rhythm check: a missed buddy check-in nudges the pair.

``commonroom check-buddy-rhythm`` (run hourly by cron or a systemd timer, so
every time zone's day boundary is met) enqueues one durable job per member
of a current pair whose latest check-in window has just ended in their own
time zone. The job records the miss once (the unique ``BuddyMiss`` row is its
claim), so a rerun, a retry or a second runner never nudges twice. The nudge
is in-app: an event on each member's own stream and a notice on their buddy
page, which says a check-in was missed in the pair, not by whom. A member
who missed and turned on email notifications (the digest) also gets an
email that says only
"There is an update in Commonroom": never buddy, check-in or a name.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation

from commonroom.accounts.models import User
from commonroom.core.tasks import enqueue_with_change
from commonroom.peers.buddies import rhythm
from commonroom.peers.buddies.models import BuddyMembership, BuddyMiss, Rhythm
from commonroom.realtime import events
from commonroom.spaces.checkins import zone_of
from commonroom.spaces.models import CheckIn, CheckInAudience, DigestSubscription


def buddy_checkin_days(membership: BuddyMembership, *, since: dt.date) -> set[dt.date]:
    return set(
        CheckIn.objects.filter(
            user_id=membership.user_id,
            program_id=membership.program_id,
            audience=CheckInAudience.BUDDY,
            local_date__gte=since,
        ).values_list("local_date", flat=True)
    )


def record_miss(membership_id: int, window_end: dt.date) -> BuddyMiss | None:
    """The miss for the window ending ``window_end``, recorded once, if the
    member had no buddy check-in in it and the window belongs to the pair's
    current rhythm. Returns the new miss, or None."""
    membership = (
        BuddyMembership.objects.filter(pk=membership_id, ended_at__isnull=True)
        .select_related("pair", "user")
        .first()
    )
    if membership is None or membership.pair.ended_at is not None:
        return None
    pair = membership.pair
    days = Rhythm(pair.rhythm).days
    zone = zone_of(membership.user)
    window = rhythm.last_ended_window(
        since=pair.rhythm_since, days=days, zone=zone, today=window_end + dt.timedelta(days=1)
    )
    if window is None or window.end != window_end:
        return None  # not a window of the current rhythm (it changed since)
    if rhythm.kept(window, buddy_checkin_days(membership, since=window.start)):
        return None
    try:
        with transaction.atomic():
            miss = BuddyMiss.objects.create(membership=membership, window_end=window_end)
            members = list(
                BuddyMembership.objects.filter(pair=pair).values_list("user_id", flat=True)
            )
            for member_id in members:
                events.append(f"user.{member_id}", "buddy.nudge", {"pair_id": pair.pk})
            # The email goes to the member whose window it was, enqueued with
            # the miss: exactly one per miss.
            if DigestSubscription.objects.filter(user_id=membership.user_id, enabled=True).exists():
                enqueue_with_change(send_nudge_email, membership.user_id)
    except IntegrityError:
        return None  # recorded by an earlier run
    return miss


@task()
def send_nudge_email(user_id: int) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not DigestSubscription.objects.filter(user=user, enabled=True).exists():
        return
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = render_to_string("buddies/email/nudge_subject.txt").strip()
        body = render_to_string("buddies/email/nudge_body.txt")
    send_mail(subject, body, None, [user.email])


@task()
def check_buddy_window(membership_id: int, window_end: str) -> None:
    record_miss(membership_id, dt.date.fromisoformat(window_end))


def enqueue_rhythm_checks(*, now: dt.datetime | None = None) -> int:
    """One job per member whose latest window ended before their local today
    without a buddy check-in and is not recorded yet. The job decides again:
    a check-in that lands in between wins."""
    now = now or timezone.now()
    queued = 0
    memberships = BuddyMembership.objects.filter(
        ended_at__isnull=True, pair__ended_at__isnull=True
    ).select_related("pair", "user")
    for membership in memberships:
        zone = zone_of(membership.user)
        today = now.astimezone(zone).date()
        window = rhythm.last_ended_window(
            since=membership.pair.rhythm_since,
            days=Rhythm(membership.pair.rhythm).days,
            zone=zone,
            today=today,
        )
        if window is None:
            continue
        if BuddyMiss.objects.filter(membership=membership, window_end=window.end).exists():
            continue  # already recorded by an earlier run
        if rhythm.kept(window, buddy_checkin_days(membership, since=window.start)):
            continue  # nothing to check; the job would find the same
        check_buddy_window.enqueue(membership.pk, window.end.isoformat())
        queued += 1
    return queued
