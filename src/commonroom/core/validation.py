"""Refusals that name the field and carry a machine-readable code."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django_stubs_ext import StrOrPromise


def refuse(field: str | None, message: StrOrPromise, code: str = "invalid") -> ValidationError:
    """A ValidationError for one field whose code survives: Django drops the
    code of a dict-shaped error, and the API reports it to clients."""
    error = ValidationError(message, code=code)
    return ValidationError({field: error}) if field else error
