"""Checks of plain form and API input that name the field at fault; shared by
gatherings and the alumni network."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from commonroom.core.validation import refuse


def text_field(value: object, field: str, max_chars: int, *, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise refuse(field, _("This field is required."), "required")
    if len(text) > max_chars:
        raise refuse(
            field,
            _("Use at most %(max)d characters (this has %(count)d).")
            % {"max": max_chars, "count": len(text)},
            "too_long",
        )
    return text


def choice_field(value: object, field: str, choices: type[Any]) -> str:
    text = str(value or "")
    if text not in choices.values:
        raise refuse(field, _("Choose one of the listed options."))
    return text


def optional_int(value: object, field: str, low: int, high: int) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(str(value))
    except ValueError:
        raise refuse(field, _("Enter a whole number.")) from None
    if not low <= number <= high:
        raise refuse(
            field,
            _("Enter a number from %(low)d to %(high)d.") % {"low": low, "high": high},
        )
    return number


def optional_date(value: object, field: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    parsed = parse_date(str(value).strip())
    if parsed is None:
        raise refuse(field, _("Enter a date, e.g. 2027-06-30."))
    return parsed
