"""A person's intake preferences, which matching uses later."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from commonroom.accounts.models import User
from commonroom.care.models import CameraComfort, IntakePreferences, MentorGenderPreference
from commonroom.care.preferences import LANGUAGE_CHOICES, affinity_choices
from commonroom.core.audit import AuditAction, record
from commonroom.core.validation import refuse

FIELDS = frozenset(IntakePreferences.VISIBILITY)
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def _check_availability(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list) or len(value) > 28:
        raise refuse("availability", _("Give at most 28 weekly windows."), "invalid")
    windows = []
    for item in value:
        if not isinstance(item, dict) or set(item) != {"day", "start", "end"}:
            raise refuse(
                "availability",
                _('Each window needs "day" (0 = Monday), "start" and "end".'),
                "invalid",
            )
        day, start, end = item["day"], str(item["start"]), str(item["end"])
        if not isinstance(day, int) or not 0 <= day <= 6:
            raise refuse("availability", _("Days are 0 (Monday) to 6 (Sunday)."), "invalid")
        if not _TIME.match(start) or not _TIME.match(end) or start >= end:
            raise refuse(
                "availability",
                _("Times are HH:MM, and each window ends after it starts."),
                "invalid",
            )
        windows.append({"day": day, "start": start, "end": end})
    return sorted(windows, key=lambda w: (w["day"], w["start"]))


def _check_choices(field: str, value: Any, allowed: set[str]) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise refuse(field, _("Give a list."), "invalid")
    unknown = [v for v in value if v not in allowed]
    if unknown:
        raise refuse(
            field, _("Not an option: %(values)s.") % {"values": ", ".join(unknown)}, "invalid"
        )
    return sorted(set(value))


def do_update_preferences(*, user: User, changes: dict[str, Any]) -> IntakePreferences:
    unknown = set(changes) - FIELDS
    if unknown:
        raise refuse(sorted(unknown)[0], _("This is not a preference."), "invalid")
    cleaned = dict(changes)
    if "availability" in cleaned:
        cleaned["availability"] = _check_availability(cleaned["availability"])
    if "languages" in cleaned:
        cleaned["languages"] = _check_choices(
            "languages", cleaned["languages"], set(LANGUAGE_CHOICES)
        )
    if "affinity_interests" in cleaned:
        cleaned["affinity_interests"] = _check_choices(
            "affinity_interests", cleaned["affinity_interests"], set(affinity_choices(user.pk))
        )
    if cleaned.get("camera_comfort", "") not in CameraComfort.values:
        raise refuse("camera_comfort", _("Choose one of the listed options."), "invalid")
    if cleaned.get("mentor_gender_preference", "") not in MentorGenderPreference.values:
        raise refuse("mentor_gender_preference", _("Choose one of the listed options."), "invalid")
    if "use_affinities_for_matching" in cleaned and not isinstance(
        cleaned["use_affinities_for_matching"], bool
    ):
        raise refuse("use_affinities_for_matching", _("Answer yes or no."), "invalid")
    with transaction.atomic():
        prefs, _created = IntakePreferences.objects.select_for_update().get_or_create(user=user)
        for name, value in cleaned.items():
            setattr(prefs, name, value)
        prefs.save()
        record(
            actor=user,
            action=AuditAction.PREFERENCES_UPDATE,
            target=prefs,
            subject=user,
            detail={"fields": sorted(cleaned)},
        )
    return prefs
