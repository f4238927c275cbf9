"""The options intake preferences offer."""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

LANGUAGE_CHOICES: dict[str, StrOrPromise] = {
    "en": _("English"),
    "es": _("Spanish"),
    "pt": _("Portuguese"),
    "fr": _("French"),
    "zh": _("Chinese"),
    "vi": _("Vietnamese"),
    "ar": _("Arabic"),
    "asl": _("American Sign Language"),
}

# The default affinity catalogue; the peer-structures issue makes it a
# per-program, editable list.
AFFINITY_CATALOGUE: dict[str, StrOrPromise] = {
    "lgbtq": _("LGBTQ+"),
    "veterans": _("Veterans"),
    "bipoc": _("BIPOC"),
    "co_occurring": _("Co-occurring disorders"),
    "women": _("Women"),
    "men": _("Men"),
    "young_adults": _("Young adults"),
    "couples": _("Couples"),
    "faith_based": _("Faith-based"),
    "secular": _("Secular"),
}


def affinity_choices(user_id: int | None) -> dict[str, StrOrPromise]:
    """The affinity interests this person may pick: the default keys (which
    matching understands, under their translated names), plus the entries
    their programs' administrators added (``commonroom.peers.affinity``, when
    installed). Archived entries stay choosable so a saved interest never
    turns into an error."""
    choices: dict[str, StrOrPromise] = dict(AFFINITY_CATALOGUE)
    if user_id is None or not apps.is_installed("commonroom.peers.affinity"):
        return choices
    entry = apps.get_model("affinity", "AffinityGroup")
    programs = apps.get_model("care", "Enrollment").objects.filter(user_id=user_id)
    for key, name in (
        entry.objects.filter(program_id__in=programs.values("program_id"))
        .order_by("archived_at", "position", "pk")
        .values_list("key", "name")
    ):
        choices.setdefault(key, name)
    return choices


WEEKDAYS = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]
