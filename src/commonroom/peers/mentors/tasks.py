"""Durable jobs of the mentors app."""

from __future__ import annotations

from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation

from commonroom.peers.mentors.models import Mentorship


@task()
def notify_mentorship_started(mentorship_id: int) -> None:
    """Tells the mentor and the mentee they were matched. Idempotent (once
    per mentorship). The mail names nobody: they meet signed in."""
    mentorship = (
        Mentorship.objects.filter(pk=mentorship_id, notified_at__isnull=True, ended_at__isnull=True)
        .select_related("mentor", "mentee")
        .first()
    )
    if mentorship is None:
        return
    for person, role in ((mentorship.mentee, "mentee"), (mentorship.mentor, "mentor")):
        if not person.is_active:
            continue
        with translation.override(person.preferred_language):
            subject = render_to_string("mentors/email/matched_subject.txt").strip()
            body = render_to_string(
                "mentors/email/matched_body.txt", {"person": person, "role": role}
            )
        send_mail(subject, body, None, [person.email])
    Mentorship.objects.filter(pk=mentorship.pk, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
