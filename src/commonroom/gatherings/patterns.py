"""The form's "Repeats" choices. A program administrator picks "every month,
on the same weekday" rather than typing ``FREQ=MONTHLY;BYDAY=2TH``; the choice
becomes the rule it means for the gathering's first date. "A custom rule"
keeps the typed RFC 5545 rule, and the API takes rules only."""

from __future__ import annotations

import calendar
from datetime import date, datetime

from django.utils.translation import gettext_lazy as _

from commonroom.meetings.schedule import WEEKDAY_CODES

NONE = ""
CUSTOM = "custom"
CHOICES = (
    (NONE, _("Does not repeat")),
    ("weekly", _("Every week, on the same weekday")),
    ("fortnightly", _("Every other week, on the same weekday")),
    ("monthly_weekday", _("Every month, on the same weekday (such as the second Thursday)")),
    ("monthly_day", _("Every month, on the same date")),
    (CUSTOM, _("A custom rule (RFC 5545)")),
)
PATTERNS = frozenset(value for value, _label in CHOICES)


def rule_for(pattern: str, first: date) -> str:
    """The rule a pattern means for this first date ("" for a one-off).
    The fifth weekday of a month is "the last" one, since most months have
    only four."""
    code = WEEKDAY_CODES[first.weekday()]
    if pattern == "weekly":
        return f"FREQ=WEEKLY;BYDAY={code}"
    if pattern == "fortnightly":
        return f"FREQ=WEEKLY;INTERVAL=2;BYDAY={code}"
    if pattern == "monthly_weekday":
        number = (first.day - 1) // 7 + 1
        return f"FREQ=MONTHLY;BYDAY={-1 if number == 5 else number}{code}"
    if pattern == "monthly_day":
        if first.day == calendar.monthrange(first.year, first.month)[1] and first.day > 28:
            return "FREQ=MONTHLY;BYMONTHDAY=-1"  # the 31st is "the last day" in every month
        return f"FREQ=MONTHLY;BYMONTHDAY={first.day}"
    return ""


def pattern_of(rule: str, first: date) -> str:
    """The choice that gives this rule for this first date, else custom."""
    if not rule:
        return NONE
    for value, _label in CHOICES:
        if value not in (NONE, CUSTOM) and rule_for(value, first) == rule:
            return value
    return CUSTOM


def first_date(raw: object) -> date | None:
    """The date part of the form's ``starts_at`` (YYYY-MM-DDTHH:MM), or None
    when it does not parse (the action then names that field)."""
    try:
        return datetime.fromisoformat(str(raw)).date()
    except ValueError:
        return None
