"""The optional email digest of unread messages.

It says only how many new messages are waiting, never their text, their
authors or the name of a space (a space's name can reveal an affinity or a
diagnosis): "You have 3 new messages in Commonroom". People opt in on their
notifications page. ``commonroom send-digests`` (run daily by cron or a
systemd timer) enqueues one durable job per person; each job is idempotent
for its day, so a rerun or a retried job never mails twice.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation

from commonroom.accounts.models import User
from commonroom.spaces import access, actions
from commonroom.spaces.models import DigestSent, DigestSubscription


def unread_total(user: User) -> int:
    spaces = list(access.spaces_visible_to(user))
    return sum(actions.unread_counts(user, spaces).values())


@task()
def send_digest(user_id: int, day: str, base_url: str) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    subscription = DigestSubscription.objects.filter(user_id=user_id, enabled=True).first()
    if user is None or subscription is None:
        return
    count = unread_total(user)
    if count == 0:
        return
    try:
        with transaction.atomic():
            # Claimed before mailing: a second run of the same job stops here.
            DigestSent.objects.create(user=user, day=date.fromisoformat(day), count=count)
    except IntegrityError:
        return
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = render_to_string("spaces/email/digest_subject.txt").strip()
        body = render_to_string(
            "spaces/email/digest_body.txt",
            {"count": count, "link": base_url.rstrip("/") + "/spaces/"},
        )
    send_mail(subject, body, None, [user.email])


def enqueue_digests(*, now: datetime, base_url: str) -> int:
    """One job per opted-in person, for their own calendar day."""
    queued = 0
    for subscription in DigestSubscription.objects.filter(
        enabled=True, user__is_active=True
    ).select_related("user"):
        zone = _zone(subscription.user)
        day = timezone.localtime(now, zone).date().isoformat()
        send_digest.enqueue(subscription.user_id, day, base_url)
        queued += 1
    return queued


def _zone(user: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.time_zone or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def do_set_digest(*, user: User, enabled: bool) -> DigestSubscription:
    subscription, _created = DigestSubscription.objects.update_or_create(
        user=user, defaults={"enabled": enabled}
    )
    return subscription
