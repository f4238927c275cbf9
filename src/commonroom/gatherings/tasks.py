"""The day-before reminder to people who said they are going.

The email says only "You have a Commonroom gathering tomorrow" and a link
that asks for sign-in: no title, no kind, no program (a reunion's or a
group's name can reveal someone's care). Each job claims its RSVP with a
conditional UPDATE before mailing, so a rerun, a retried job or the hourly
sweep racing a deferred job never mails twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from commonroom.gatherings import access, occurrences
from commonroom.gatherings.models import Rsvp, RsvpResponse

# A reminder is due once its occurrence starts within this long.
DUE_WITHIN = timedelta(hours=24)
# A deferred job that runs late still mails if the occurrence is this close.
STILL_USEFUL_WITHIN = timedelta(hours=30)


def _occurrence_if_remindable(
    rsvp: Rsvp, *, now: datetime, within: timedelta
) -> occurrences.GatheringOccurrence | None:
    gathering = rsvp.gathering
    if gathering.cancelled_at is not None or rsvp.response != RsvpResponse.GOING:
        return None
    found = occurrences.on_date(gathering, rsvp.occurrence_date)
    if found is None or found.cancelled or not now < found.starts_at <= now + within:
        return None
    return found


@task()
def send_gathering_reminder(rsvp_id: int, base_url: str) -> bool:
    """Mails the reminder for one RSVP if it is still due; True if mailed."""
    rsvp = (
        Rsvp.objects.filter(pk=rsvp_id, reminded_at__isnull=True, user__is_active=True)
        .select_related("gathering", "gathering__program", "user")
        .first()
    )
    if rsvp is None:
        return False
    now = timezone.now()
    if _occurrence_if_remindable(rsvp, now=now, within=STILL_USEFUL_WITHIN) is None:
        return False
    if not access.gatherings_visible_to(rsvp.user).filter(pk=rsvp.gathering_id).exists():
        return False
    claimed = Rsvp.objects.filter(
        pk=rsvp.pk, reminded_at__isnull=True, response=RsvpResponse.GOING
    ).update(reminded_at=now)
    if claimed != 1:
        return False
    user = rsvp.user
    link = base_url.rstrip("/") + reverse("gathering", kwargs={"gathering_id": rsvp.gathering_id})
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = render_to_string("gatherings/email/reminder_subject.txt").strip()
        body = render_to_string("gatherings/email/reminder_body.txt", {"link": link})
    send_mail(subject, body, None, [user.email])
    return True


def enqueue_due_reminders(*, now: datetime, base_url: str) -> int:
    """One job per "going" RSVP whose occurrence starts within a day and
    that has not been reminded. Run hourly; safe to run as often as liked."""
    queued = 0
    candidates = Rsvp.objects.filter(
        response=RsvpResponse.GOING,
        reminded_at__isnull=True,
        gathering__cancelled_at__isnull=True,
        occurrence_date__gte=(now - timedelta(days=2)).date(),
        occurrence_date__lte=(now + timedelta(days=2)).date(),
        user__is_active=True,
    ).select_related("gathering", "gathering__program")
    for rsvp in candidates:
        if _occurrence_if_remindable(rsvp, now=now, within=DUE_WITHIN) is not None:
            send_gathering_reminder.enqueue(rsvp.pk, base_url)
            queued += 1
    return queued
