from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def errors_into_form(form: forms.Form, exc: ValidationError) -> None:
    """Shows an action's refusal on the field it names, or above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                visible = field in form.fields and not form.fields[field].widget.is_hidden
                form.add_error(field if visible else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)
