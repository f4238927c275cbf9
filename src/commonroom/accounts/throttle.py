"""Throttling of repeated failures, built on django-axes.

Axes locks the (email, address) pair after ``COMMONROOM_LOCKOUT_FAILURES``
failures for ``COMMONROOM_LOCKOUT_MINUTES``: a stranger elsewhere cannot lock a
participant out by guessing at their email a few times, and the lock looks the
same for an address that has no account, so it reveals nothing. A guesser who
spreads tries over many addresses meets the per-account cap: after
``COMMONROOM_LOCKOUT_ACCOUNT_FAILURES`` failures for one email within the
cool-off, from any addresses, that email is locked everywhere. The TOTP step
and the API token endpoint feed the same counters. The address is
``core.http.client_ip``'s, which honours ``COMMONROOM_PROXY_COUNT``.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.encoding import force_bytes


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


def client_str(
    username: str, ip_address: str, user_agent: str, path_info: str, request: HttpRequest
) -> str:
    """How axes names a client in its log lines: never the email itself (logs
    carry no personal data), but a keyed digest of it, so an operator can still
    see that many failures were for one account and match it with
    ``account_digest(email)``."""
    return f"{{account: {account_digest(username)}, address: {ip_address}}}"


def account_digest(email: str) -> str:
    if not email:
        return "-"
    key = force_bytes(settings.SECRET_KEY)
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()[:12]


def account_failures(email: str) -> int:
    """Failures for this email within the cool-off, from every address."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    total = AccessAttempt.objects.filter(username=email, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return int(total or 0)


class AccountCapHandler(AxesDatabaseHandler):
    """Axes' database handler with the per-account cap added to its lock."""

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        return super().is_locked(request, credentials) or _account_capped(request, credentials)

    def user_login_failed(
        self,
        sender: Any,
        credentials: dict[str, Any],
        request: HttpRequest | None = None,
        **kwargs: Any,
    ) -> None:
        # Axes decides the lockout response here, from the pair's count alone
        # (is_locked only stops the password check): add the account's.
        super().user_login_failed(sender, credentials, request, **kwargs)
        if (
            request is not None
            and not getattr(request, "axes_locked_out", False)
            and _account_capped(request, credentials)
        ):
            request.axes_locked_out = True  # type: ignore[attr-defined]
            request.axes_credentials = credentials  # type: ignore[attr-defined]


def _account_capped(request: HttpRequest, credentials: dict[str, Any] | None) -> bool:
    email = get_client_username(request, credentials)
    return bool(email) and account_failures(email) >= settings.LOCKOUT_ACCOUNT_FAILURES


def is_locked_out(request: HttpRequest, email: str) -> bool:
    return bool(AxesProxyHandler.is_locked(request, credentials={"email": email}))


def record_failure(request: HttpRequest, email: str) -> None:
    """Count a failed step (wrong TOTP code, wrong API password) for axes."""
    user_login_failed.send(sender=__name__, credentials={"email": email}, request=request)


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return render(request, "accounts/locked_out.html", {"minutes": lockout_minutes()}, status=429)
