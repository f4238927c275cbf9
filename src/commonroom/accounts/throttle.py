"""Throttling of repeated failures, built on django-axes.

Axes locks the (email, address) pair after ``COMMONROOM_LOCKOUT_FAILURES``
failures for ``COMMONROOM_LOCKOUT_MINUTES``: a stranger elsewhere cannot lock a
participant out by guessing at their email, and the lock looks the same for an
address that has no account, so it reveals nothing. The TOTP step and the API
token endpoint feed the same counter.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def axes_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    credentials = credentials or {}
    for key in ("email", "username", "login"):
        value = credentials.get(key)
        if value:
            return str(value).strip().lower()
    if request is not None:
        value = request.POST.get("login") or request.POST.get("email") or ""
        return str(value).strip().lower()
    return ""


def is_locked_out(request: HttpRequest, email: str) -> bool:
    return bool(AxesProxyHandler.is_locked(request, credentials={"email": email}))


def record_failure(request: HttpRequest, email: str) -> None:
    """Count a failed step (wrong TOTP code, wrong API password) for axes."""
    user_login_failed.send(sender=__name__, credentials={"email": email}, request=request)


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return render(request, "accounts/locked_out.html", {"minutes": lockout_minutes()}, status=429)
