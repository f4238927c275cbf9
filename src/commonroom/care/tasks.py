"""Durable jobs of the care app."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from commonroom.care.models import Invitation
from commonroom.care.tokens import invitation_token


@task()
def send_invitation_email(invitation_id: int, base_url: str) -> None:
    """Sends the invitation link. Idempotent: an invitation that was already
    mailed, used or withdrawn is not mailed again. The mail names neither the
    program nor anything about care, only that an invitation is waiting."""
    invitation = Invitation.objects.filter(pk=invitation_id).first()
    if invitation is None or invitation.emailed_at is not None:
        return
    if invitation.accepted_at or invitation.revoked_at or invitation.expires_at <= timezone.now():
        return
    link = base_url.rstrip("/") + reverse(
        "invitation", kwargs={"token": invitation_token(invitation)}
    )
    with translation.override(invitation.language or settings.LANGUAGE_CODE):
        subject = render_to_string("care/email/invitation_subject.txt").strip()
        body = render_to_string(
            "care/email/invitation_body.txt",
            {"link": link, "expires_at": invitation.expires_at},
        )
    send_mail(subject, body, None, [invitation.email])
    Invitation.objects.filter(pk=invitation.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now(), send_count=F("send_count") + 1
    )
