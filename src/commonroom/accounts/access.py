"""Who may see which parts of a person's profile.

Peers see a display name and pronouns; staff for the person see the rest;
anyone else gets a 404, so ids leak nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from commonroom.accounts.models import User
from commonroom.core import access as core_access
from commonroom.core.audit import AuditAction, audited_read


class Visibility(StrEnum):
    SELF = "self"
    STAFF = "staff"
    PEER = "peer"


PEER_FIELDS: tuple[str, ...] = ("display_name", "pronouns")
STAFF_FIELDS: tuple[str, ...] = (
    *PEER_FIELDS,
    "legal_name",
    "email",
    "preferred_language",
    "time_zone",
    "faith_preference",
    "faith_tradition",
    "accessibility_needs",
)


@dataclass(frozen=True, slots=True)
class PersonView:
    """A person as one viewer may see them: only allowed fields are present."""

    id: int
    visibility: Visibility
    fields: dict[str, str]


def visibility_of(viewer: User | AnonymousUser, person: User) -> Visibility | None:
    if not core_access.is_signed_in(viewer) or not person.is_active:
        return None
    if viewer.pk == person.pk:
        return Visibility.SELF
    if core_access.is_staff_for(viewer, person.pk):
        return Visibility.STAFF
    if core_access.are_peers(viewer, person.pk):
        return Visibility.PEER
    return None


def access_person(viewer: User | AnonymousUser, person_id: int) -> PersonView:
    person = User.objects.filter(pk=person_id, is_active=True).first()
    if person is None:
        raise Http404
    visibility = visibility_of(viewer, person)
    if visibility is None:
        raise Http404
    names = PEER_FIELDS if visibility is Visibility.PEER else STAFF_FIELDS
    if visibility is Visibility.STAFF:
        # A staff read of someone's profile is a read of protected data.
        audited_read(viewer, action=AuditAction.PROFILE_READ, subject=person, obj=person)
    return PersonView(
        id=person.pk,
        visibility=visibility,
        fields={name: str(getattr(person, name)) for name in names},
    )
