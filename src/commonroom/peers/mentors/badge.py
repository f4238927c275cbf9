"""The "Peer mentor, not a licensed therapist" badge. It follows the
PEER_MENTOR program role, which actions hold exactly while a mentor is
active, so it shows wherever such a person's name is shown to others."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from commonroom.care.models import ProgramRole, Role

BADGE_TEXT = _("Peer mentor, not a licensed therapist")


def peer_mentor_ids(user_ids: Iterable[int] | None = None) -> set[int]:
    """Everyone who holds the peer-mentor role (of ``user_ids`` if given), in
    one query."""
    roles = ProgramRole.objects.filter(role=Role.PEER_MENTOR)
    if user_ids is not None:
        roles = roles.filter(user_id__in=list(user_ids))
    return set(roles.values_list("user_id", flat=True))


def badge_for(user_id: int) -> str | None:
    """The badge text for a person, or None: for the API's person schema."""
    return str(BADGE_TEXT) if user_id in peer_mentor_ids([user_id]) else None
