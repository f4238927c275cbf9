"""Field types shared by API schemas."""

from __future__ import annotations

from typing import Annotated

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from pydantic import AfterValidator, AwareDatetime, Field


def _email(value: str) -> str:
    value = value.strip().lower()
    try:
        validate_email(value)
    except ValidationError as exc:
        raise ValueError("enter a valid email address") from exc
    return value


# Django's own email rules, so the API accepts exactly what the forms accept.
Email = Annotated[str, Field(max_length=254), AfterValidator(_email)]


# A moment sent to the API carries its zone (an offset or Z): a bare wall-clock
# time could mean the caller's zone, the program's or the server's, and would
# be guessed. Refused with 422 naming the field, never compared naive.
ZonedDatetime = Annotated[
    AwareDatetime,
    Field(description="ISO 8601 with a UTC offset or Z, e.g. 2027-01-05T18:00:00-05:00."),
]
