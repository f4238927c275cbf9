"""Invitation links.

The secret in a link is an HMAC of the invitation's id and a random nonce under
SECRET_KEY. Neither the database nor a queued email job holds a usable link:
the job recomputes it from the row when it sends the mail.
"""

from __future__ import annotations

from django.utils.crypto import salted_hmac

from commonroom.care.models import Invitation

_SALT = "commonroom.care.invitation"


def invitation_token(invitation: Invitation) -> str:
    digest = salted_hmac(_SALT, f"{invitation.pk}:{invitation.nonce}", algorithm="sha256")
    return f"{invitation.pk}-{digest.hexdigest()}"


def parse_invitation_token(raw: str) -> int | None:
    head, _sep, tail = raw.partition("-")
    if not head.isdigit() or len(tail) != 64:
        return None
    return int(head)
