"""The default catalogue every program starts with. Idempotent: it adds the
entries a program is missing and never renames, revives or removes one an
administrator has changed."""

from __future__ import annotations

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from commonroom.care.models import Program
from commonroom.care.preferences import AFFINITY_CATALOGUE
from commonroom.peers.affinity.models import AffinityGroup

DEFAULT_DESCRIPTIONS: dict[str, StrOrPromise] = {
    "lgbtq": _("A space for lesbian, gay, bisexual, transgender, queer and questioning people."),
    "veterans": _("For people who served in the armed forces, and what service left with them."),
    "bipoc": _("For Black, Indigenous and other people of colour."),
    "co_occurring": _("For people living with both a substance-use and a mental-health condition."),
    "women": _("For women, trans and cis, and anyone who finds a home here."),
    "men": _("For men, trans and cis, and anyone who finds a home here."),
    "young_adults": _("For people in their late teens and twenties."),
    "couples": _("For partners in treatment, and what recovery does to a relationship."),
    "faith_based": _("For people whose faith is part of their recovery."),
    "secular": _("Recovery without a higher power, for those who prefer it."),
}


def translated_default(key: str, field: str, stored: str) -> str:
    """``stored`` in the active language when it is the untouched default."""
    source = AFFINITY_CATALOGUE if field == "name" else DEFAULT_DESCRIPTIONS
    default = source.get(key)
    if default is None:
        return stored
    with translation.override(None):
        untouched = stored == str(default)
    return str(default) if untouched else stored


def install_default_catalogue(program: Program, *, using: str = "default") -> int:
    """Returns how many entries were added. Names are stored in the
    installation's language; administrators may rename them."""
    added = 0
    existing = set(
        AffinityGroup.objects.using(using).filter(program=program).values_list("key", flat=True)
    )
    with transaction.atomic(using=using), translation.override(None):
        for position, (key, name) in enumerate(AFFINITY_CATALOGUE.items()):
            if key in existing:
                continue
            if AffinityGroup.objects.using(using).filter(program=program, name=str(name)).exists():
                # An administrator already uses this name for another entry.
                continue
            AffinityGroup.objects.using(using).create(
                program=program,
                key=key,
                name=str(name),
                description=str(DEFAULT_DESCRIPTIONS.get(key, "")),
                position=position,
            )
            added += 1
    return added
