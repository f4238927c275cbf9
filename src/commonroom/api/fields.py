"""Field types shared by API schemas."""

from __future__ import annotations

from typing import Annotated

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from pydantic import AfterValidator, Field


def _email(value: str) -> str:
    value = value.strip().lower()
    try:
        validate_email(value)
    except ValidationError as exc:
        raise ValueError("enter a valid email address") from exc
    return value


# Django's own email rules, so the API accepts exactly what the forms accept.
Email = Annotated[str, Field(max_length=254), AfterValidator(_email)]
