"""Lived-experience tags a mentor may offer and a mentee may ask for. Broad
themes of recovery, not diagnoses: they are shown to staff and used by
matching, and an explanation names only that some matched, never which."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

LIVED_EXPERIENCE: dict[str, StrOrPromise] = {
    "alcohol": _("Recovery from alcohol use"),
    "opioids": _("Recovery from opioid use"),
    "stimulants": _("Recovery from stimulant use"),
    "cannabis": _("Recovery from cannabis use"),
    "gambling": _("Recovery from gambling"),
    "depression": _("Living with depression"),
    "anxiety": _("Living with anxiety"),
    "trauma": _("Healing from trauma"),
    "parenting": _("Parenting in recovery"),
    "work": _("Returning to work or study"),
    "relapse": _("Coming back after a relapse"),
    "mat": _("Medication-assisted recovery"),
}

DEFAULT_BOUNDARIES_AGREEMENT = "\n".join(
    (
        "As a peer mentor I offer my own experience, not treatment. I am not a licensed "
        "therapist and I will say so.",
        "I keep what my mentee shares with me private. I never share it outside our "
        "mentorship space, except with the program's staff when I am worried about their "
        "safety.",
        "I do not lend or borrow money, give rides, meet alone in private places, or "
        "start a romantic or business relationship with my mentee.",
        "I contact my mentee only through Commonroom and at the times we agree.",
        "If my mentee talks about harming themselves or someone else, or I think they are "
        "in danger, I raise a concern to staff at once and give them the crisis line.",
        "I look after myself: I take a pause when I need one, and I tell staff.",
    )
)
