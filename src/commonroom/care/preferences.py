"""The options intake preferences offer."""

from __future__ import annotations

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

WEEKDAYS = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]
