"""Small request helpers every app's views share."""

from __future__ import annotations

from django.http import HttpRequest

from commonroom.accounts.models import User


def signed_in_user(request: HttpRequest) -> User:
    """The person behind a request that ``login_required`` (or a policy check)
    has already admitted; typed as our User for the views."""
    assert isinstance(request.user, User)
    return request.user


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request, so a fragment answers instead of a page."""
    return bool(getattr(request, "htmx", False))
