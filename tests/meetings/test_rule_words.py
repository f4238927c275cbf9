"""Recurrence rules in plain words (meetings/rule_words.py), in English and
Spanish; a rule the schedule refuses is shown as stored, never hidden."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from commonroom.meetings.rule_words import describe

THURSDAY_12_NOV = date(2026, 11, 12)

ENGLISH = {
    "FREQ=DAILY": "Every day",
    "FREQ=DAILY;INTERVAL=3": "Every 3 days",
    "FREQ=DAILY;BYDAY=MO,WE,FR": "Every week on Monday, Wednesday and Friday",
    "FREQ=DAILY;INTERVAL=2;BYDAY=SA": "Every 2 days, on Saturday only",
    "FREQ=WEEKLY;BYDAY=MO,TH": "Every week on Monday and Thursday",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE": "Every other week on Wednesday",
    "FREQ=WEEKLY;INTERVAL=3;BYDAY=WE": "Every 3 weeks on Wednesday",
    "FREQ=MONTHLY;BYDAY=1TH": "Every month on the first Thursday",
    "FREQ=MONTHLY;BYDAY=2TH,-1MO": "Every month on the second Thursday and the last Monday",
    "FREQ=MONTHLY;BYDAY=-2FR": "Every month on the second-to-last Friday",
    "FREQ=MONTHLY;BYDAY=-4MO": "Every month on the fourth Monday from the end",
    "FREQ=MONTHLY;INTERVAL=2;BYDAY=3SU": "Every other month on the third Sunday",
    "FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=1": "Every 6 months on day 1",
    "FREQ=MONTHLY;BYMONTHDAY=1,15,-1": "Every month on day 1, day 15 and the last day",
    "FREQ=MONTHLY;BYMONTHDAY=-3": "Every month on day 3 from the end",
    "FREQ=MONTHLY;BYDAY=TU": "Every week on Tuesday",
    "FREQ=MONTHLY;INTERVAL=2;BYDAY=TU": "Every other month on every Tuesday of the month",
    "rrule:freq=weekly;byday=fr": "Every week on Friday",
}


@pytest.mark.parametrize(("rule", "words"), ENGLISH.items())
def test_rules_in_english(rule: str, words: str) -> None:
    with translation.override("en"):
        assert describe(rule) == words


def test_a_rule_without_days_repeats_on_its_first_date() -> None:
    with translation.override("en"):
        assert describe("FREQ=WEEKLY", first=THURSDAY_12_NOV) == "Every week on Thursday"
        assert describe("FREQ=WEEKLY") == "Every week"
        assert describe("FREQ=MONTHLY", first=THURSDAY_12_NOV) == "Every month on day 12"
        assert describe("FREQ=MONTHLY;INTERVAL=4") == "Every 4 months"


SPANISH = {
    "FREQ=DAILY": "Todos los días",
    "FREQ=DAILY;INTERVAL=3": "Cada 3 días",
    "FREQ=WEEKLY;BYDAY=MO,TH": "Cada semana el lunes y el jueves",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE": "Cada dos semanas el miércoles",
    "FREQ=MONTHLY;BYDAY=1TH": "Cada mes el primer jueves",
    "FREQ=MONTHLY;BYDAY=2TH,-1MO": "Cada mes el segundo jueves y el último lunes",
    "FREQ=MONTHLY;BYMONTHDAY=1,15,-1": "Cada mes el día 1, el día 15 y el último día",
    "FREQ=MONTHLY;INTERVAL=3;BYDAY=-4MO": "Cada 3 meses el cuarto lunes contando desde el final",
}


def test_a_weekly_rule_names_its_first_weekday_in_spanish_too() -> None:
    with translation.override("es"):
        assert describe("FREQ=WEEKLY", first=THURSDAY_12_NOV) == "Cada semana el jueves"


@pytest.mark.parametrize(("rule", "words"), SPANISH.items())
def test_rules_in_spanish(rule: str, words: str) -> None:
    with translation.override("es"):
        assert describe(rule) == words


@pytest.mark.parametrize("rule", ["FREQ=HOURLY", "FREQ=YEARLY;BYMONTH=2", "nonsense"])
def test_a_rule_the_schedule_refuses_is_shown_as_stored(rule: str) -> None:
    assert describe(rule) == rule
