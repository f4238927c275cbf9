"""A recurrence rule said in plain words, in the reader's language.

People read "Every month on the first Thursday", never ``FREQ=MONTHLY;BYDAY=1TH``.
Every rule the schedule accepts (meetings/schedule.py: daily, weekly or
monthly, an interval, weekdays, numbered weekdays, days of the month) has a
sentence; a stored rule the schedule no longer accepts is shown as it is,
since hiding it would hide a real schedule.
"""

from __future__ import annotations

from datetime import date

from django.utils.text import get_text_list
from django.utils.translation import gettext, ngettext, pgettext

from commonroom.meetings import schedule


def _weekday(index: int) -> str:
    """A weekday's name inside a sentence (0 is Monday): lower case where the
    language writes it so ("el jueves"), which a heading's "Jueves" is not."""
    return (
        pgettext("weekday in a sentence", "Monday"),
        pgettext("weekday in a sentence", "Tuesday"),
        pgettext("weekday in a sentence", "Wednesday"),
        pgettext("weekday in a sentence", "Thursday"),
        pgettext("weekday in a sentence", "Friday"),
        pgettext("weekday in a sentence", "Saturday"),
        pgettext("weekday in a sentence", "Sunday"),
    )[index]


def _ordinal(number: int) -> str:
    """The ordinal of a numbered weekday: 1 is "first", -1 is "last"."""
    words = {
        1: pgettext("numbered weekday", "first"),
        2: pgettext("numbered weekday", "second"),
        3: pgettext("numbered weekday", "third"),
        4: pgettext("numbered weekday", "fourth"),
        5: pgettext("numbered weekday", "fifth"),
        -1: pgettext("numbered weekday", "last"),
        -2: pgettext("numbered weekday", "second-to-last"),
        -3: pgettext("numbered weekday", "third-to-last"),
    }
    return words[number]


def _and(items: list[str]) -> str:
    return str(get_text_list(items, gettext("and")))


def _weekdays(days: tuple[tuple[int | None, int], ...], *, bare: bool = False) -> str:
    """Weekdays joined with "and"; in a sentence some languages give each day an
    article (Spanish "el lunes y el jueves"), so each is its own phrase."""
    names = [_weekday(weekday) for _number, weekday in days]
    if bare:
        return _and(names)
    return _and([pgettext("a weekday in a list", "%(weekday)s") % {"weekday": n} for n in names])


def _numbered_weekday(number: int, weekday: str) -> str:
    if number in (-4, -5):
        return gettext("the %(ordinal)s %(weekday)s from the end") % {
            "ordinal": _ordinal(-number),
            "weekday": weekday,
        }
    return gettext("the %(ordinal)s %(weekday)s") % {
        "ordinal": _ordinal(number),
        "weekday": weekday,
    }


def _numbered_weekdays(days: tuple[tuple[int | None, int], ...]) -> str:
    return _and([_numbered_weekday(number or 1, _weekday(weekday)) for number, weekday in days])


def _monthdays(days: tuple[int, ...]) -> str:
    words = []
    for day in days:
        if day == -1:
            words.append(gettext("the last day"))
        elif day < 0:
            words.append(gettext("day %(number)d from the end") % {"number": -day})
        else:
            words.append(gettext("day %(number)d") % {"number": day})
    return _and(words)


def _weekly(interval: int, days: str) -> str:
    if interval == 1:
        return gettext("Every week on %(days)s") % {"days": days}
    if interval == 2:
        return gettext("Every other week on %(days)s") % {"days": days}
    return ngettext(
        "Every %(count)d week on %(days)s", "Every %(count)d weeks on %(days)s", interval
    ) % {"count": interval, "days": days}


def _monthly(interval: int, when: str) -> str:
    if interval == 1:
        return gettext("Every month on %(when)s") % {"when": when}
    if interval == 2:
        return gettext("Every other month on %(when)s") % {"when": when}
    return ngettext(
        "Every %(count)d month on %(when)s", "Every %(count)d months on %(when)s", interval
    ) % {"count": interval, "when": when}


def describe(rule: str, *, first: date | None = None) -> str:
    """The rule in words. ``first`` is the first occurrence's local date: a
    weekly rule without weekdays repeats on its weekday, a monthly one
    without days on its day of the month."""
    try:
        parts = schedule.parse_rule(rule)
    except schedule.ScheduleError:
        return rule
    interval = parts.interval
    if parts.freq == "DAILY":
        if parts.weekdays and interval == 1:
            return _weekly(1, _weekdays(parts.weekdays))
        if parts.weekdays:
            return ngettext(
                "Every %(count)d day, on %(days)s only",
                "Every %(count)d days, on %(days)s only",
                interval,
            ) % {"count": interval, "days": _weekdays(parts.weekdays)}
        if interval == 1:
            return gettext("Every day")
        return ngettext("Every %(count)d day", "Every %(count)d days", interval) % {
            "count": interval
        }
    if parts.freq == "WEEKLY":
        if parts.weekdays:
            return _weekly(interval, _weekdays(parts.weekdays))
        if first is not None:
            return _weekly(interval, _weekdays(((None, first.weekday()),)))
        if interval == 1:
            return gettext("Every week")
        return ngettext("Every %(count)d week", "Every %(count)d weeks", interval) % {
            "count": interval
        }
    # MONTHLY
    if parts.weekdays and parts.weekdays[0][0] is not None:
        return _monthly(interval, _numbered_weekdays(parts.weekdays))
    if parts.weekdays and interval == 1:  # each of those weekdays, every month: weekly
        return _weekly(1, _weekdays(parts.weekdays))
    if parts.weekdays:  # each of those weekdays, in every other (third...) month
        return _monthly(
            interval,
            gettext("every %(days)s of the month") % {"days": _weekdays(parts.weekdays, bare=True)},
        )
    if parts.monthdays:
        return _monthly(interval, _monthdays(parts.monthdays))
    if first is not None:
        return _monthly(interval, _monthdays((first.day,)))
    if interval == 1:
        return gettext("Every month")
    return ngettext("Every %(count)d month", "Every %(count)d months", interval) % {
        "count": interval
    }
