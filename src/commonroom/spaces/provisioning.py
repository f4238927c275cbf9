"""The spaces every program and therapy group starts with. Idempotent: run
after creating a program or group (and by the demo), it adds what is missing
and never removes a space someone may have written in."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from commonroom.care.models import GroupKind, Program, TherapyGroup
from commonroom.spaces.models import Space, SpaceKind, SpaceScope

PROGRAM_KINDS = (SpaceKind.GENERAL, SpaceKind.RESOURCES, SpaceKind.CELEBRATIONS)
GROUP_KINDS = (SpaceKind.CHECKIN, SpaceKind.GOALS, SpaceKind.GENERAL)
ALUMNI_KINDS = (SpaceKind.GENERAL,)


def default_kind_name(scope: str, kind: str) -> str:
    """What provisioning calls a space of this scope and kind, in the active
    language."""
    if scope == SpaceScope.ALUMNI:
        return _("Alumni lounge")
    return _names()[kind]


def _names() -> dict[str, str]:
    return {
        SpaceKind.CHECKIN: _("Daily check-in"),
        SpaceKind.GOALS: _("Goals & accountability"),
        SpaceKind.RESOURCES: _("Resources"),
        SpaceKind.CELEBRATIONS: _("Celebrations"),
        SpaceKind.GENERAL: _("General"),
    }


@transaction.atomic
def ensure_default_spaces(program: Program) -> int:
    """Returns how many spaces were added."""
    names = _names()
    added = 0
    for kind in PROGRAM_KINDS:
        _space, created = Space.objects.get_or_create(
            program=program,
            scope=SpaceScope.PROGRAM,
            group=None,
            kind=kind,
            defaults={"name": names[kind], "name_is_default": True},
        )
        added += created
    for kind in ALUMNI_KINDS:
        _space, created = Space.objects.get_or_create(
            program=program,
            scope=SpaceScope.ALUMNI,
            group=None,
            kind=kind,
            defaults={"name": _("Alumni lounge"), "name_is_default": True},
        )
        added += created
    for group in TherapyGroup.objects.filter(program=program):
        added += ensure_group_spaces(group)
    return added


def ensure_group_spaces(group: TherapyGroup) -> int:
    names = _names()
    added = 0
    for kind in GROUP_KINDS:
        _space, created = Space.objects.get_or_create(
            program_id=group.program_id,
            scope=SpaceScope.GROUP,
            group=group,
            kind=kind,
            defaults={
                "name": f"{group.name} · {names[kind]}",
                "name_is_default": True,
                # Affinity groups may want to speak without a name attached.
                "allow_alias": group.kind == GroupKind.AFFINITY and kind == SpaceKind.GENERAL,
            },
        )
        added += created
    return added
