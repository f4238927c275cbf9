"""The "Peer mentor, not a licensed therapist" badge. It follows the
PEER_MENTOR program role, which actions hold exactly while a mentor is
active, so it shows wherever such a person's name is shown to others."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from commonroom.care.queries import peer_mentor_ids

BADGE_TEXT = _("Peer mentor, not a licensed therapist")

__all__ = ["BADGE_TEXT", "badge_for", "peer_mentor_ids"]


def badge_for(user_id: int) -> str | None:
    """The badge text for a person, or None: for the API's person schema."""
    return str(BADGE_TEXT) if user_id in peer_mentor_ids([user_id]) else None
