"""Why a pair was matched, in words: factor names only, never values.

Staff see every factor with its points. The pair sees kind sentences for the
factors that counted; none of them names a language, an interest, an
availability or a phase, so nothing private about either person is told to
the other. Shared interests can only count when both chose to use their
affinity interests for matching (pool.py), so the sentence appears only then.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

STAFF_LABELS: dict[str, StrOrPromise] = {
    "availability_overlap": _("Free at the same times each week"),
    "shared_language": _("Speak a common language"),
    "shared_interests": _("Chose some of the same interests"),
    "similar_checkin_rhythm": _("Check in at a similar rhythm"),
    "same_phase": _("In the same program phase"),
}

PAIR_SENTENCES: dict[str, StrOrPromise] = {
    "availability_overlap": _("You are often free at the same times of the week."),
    "shared_language": _("You speak a language in common."),
    "shared_interests": _("You both chose to match on some of the same interests."),
    "similar_checkin_rhythm": _("You check in at a similar rhythm."),
    "same_phase": _("You are at a similar point in the program."),
}


def for_staff(explanation: dict[str, float]) -> list[tuple[StrOrPromise, float]]:
    return [
        (STAFF_LABELS.get(key, key), points)
        for key, points in sorted(explanation.items(), key=lambda item: (-item[1], item[0]))
    ]


def for_pair(explanation: dict[str, float]) -> list[StrOrPromise]:
    ordered = sorted(explanation.items(), key=lambda item: (-item[1], item[0]))
    return [PAIR_SENTENCES[key] for key, points in ordered if points > 0 and key in PAIR_SENTENCES]
