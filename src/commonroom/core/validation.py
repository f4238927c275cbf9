"""Refusals that name the field and carry a machine-readable code."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django_stubs_ext import StrOrPromise


def refuse(field: str | None, message: StrOrPromise, code: str = "invalid") -> ValidationError:
    """A ValidationError for one field whose code survives: Django drops the
    code of a dict-shaped error, and the API reports it to clients."""
    error = ValidationError(message, code=code)
    return ValidationError({field: error}) if field else error


def field_errors(exc: ValidationError) -> dict[str, str]:
    """A refusal as one message per field for a form to show beside the
    field; errors not tied to a field are under ``general``."""
    if hasattr(exc, "error_dict"):
        return {
            ("general" if field == "__all__" else field): " ".join(
                str(m) for e in errs for m in e.messages
            )
            for field, errs in exc.error_dict.items()
        }
    return {"general": " ".join(exc.messages)}
