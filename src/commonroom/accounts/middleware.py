"""Per-request account rules: idle log-off, each person's language and time
zone, and MFA before anything else for staff."""

from __future__ import annotations

import time
import zoneinfo
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from commonroom.accounts import mfa
from commonroom.core import access as core_access

if TYPE_CHECKING:
    from commonroom.accounts.models import User

Handler = Callable[[HttpRequest], HttpResponse]

LAST_SEEN_KEY = "commonroom_last_seen"
# A request carrying this header (HTMX polling) does not count as activity,
# so an unattended open page still logs off.
PASSIVE_HEADER = "HTTP_X_COMMONROOM_PASSIVE"


def idle_limit_seconds(request: HttpRequest) -> int:
    minutes = (
        settings.IDLE_MINUTES_STAFF
        if core_access.is_staff_member(request.user)
        else settings.IDLE_MINUTES_PARTICIPANT
    )
    return minutes * 60


def idle_remaining_seconds(request: HttpRequest) -> int:
    """Seconds until this person is signed out for inactivity, as the next
    request would find it."""
    limit = idle_limit_seconds(request)
    last_seen = request.session.get(LAST_SEEN_KEY)
    if last_seen is None:
        return limit
    return max(0, int(limit - (time.time() - float(last_seen))))


def mark_active(request: HttpRequest) -> None:
    """Counts a passive request as activity: for a page that stands for the
    person's presence although nobody touches it, such as a facilitator's
    console while they run a live session."""
    if request.user.is_authenticated:
        request.session[LAST_SEEN_KEY] = time.time()


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def idle_logout_middleware(get_response: Handler) -> Handler:
    def middleware(request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not request.path.startswith("/api/"):
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - float(last_seen) > idle_limit_seconds(request):
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after a period of inactivity, to keep it private."),
                )
                return _redirect(request, reverse("account_login"))
            if request.META.get(PASSIVE_HEADER) != "1" or last_seen is None:
                request.session[LAST_SEEN_KEY] = now
        return get_response(request)

    return middleware


def activate_language(request: HttpRequest, user: User) -> None:
    """The person's own language for the rest of this request (pages here;
    API calls from api/auth.py once their token is read). The middleware
    below restores the previous language afterwards."""
    if user.preferred_language in dict(settings.LANGUAGES):
        translation.activate(user.preferred_language)
        request.LANGUAGE_CODE = user.preferred_language


def preferences_middleware(get_response: Handler) -> Handler:
    """Each page in the person's own language and time zone."""

    def middleware(request: HttpRequest) -> HttpResponse:
        # Activation is per thread: restore what was there afterwards, so one
        # person's language never carries over to the next request or task.
        previous_language = translation.get_language()
        user = request.user
        try:
            if user.is_authenticated:
                activate_language(request, user)
                try:
                    timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
                except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                    timezone.deactivate()
            else:
                timezone.deactivate()
            response = get_response(request)
            response.headers.setdefault("Content-Language", translation.get_language() or "en")
            return response
        finally:
            timezone.deactivate()
            if previous_language:
                translation.activate(previous_language)
            else:
                translation.deactivate()

    return middleware


def _mfa_exempt(path: str) -> bool:
    exempt = (
        reverse("mfa_activate_totp"),
        reverse("account_logout"),
        reverse("account_reauthenticate"),
        reverse("help"),
        reverse("set_language"),
        reverse("healthz"),
        reverse("readyz"),
        settings.STATIC_URL,
    )
    return path.startswith(exempt) or path.startswith("/accounts/2fa/recovery-codes")


def staff_mfa_required_middleware(get_response: Handler) -> Handler:
    """A staff member without TOTP is sent to set it up before anything else."""

    def middleware(request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith("/api/")
            and not _mfa_exempt(request.path)
            and mfa.requires_mfa(user)
        ):
            if not mfa.has_totp(user):
                messages.warning(
                    request,
                    _("Staff accounts need two-factor authentication. Set it up to continue."),
                )
                return _redirect(request, reverse("mfa_activate_totp"))
            if not mfa.session_passed_mfa(request.session):
                logout(request)
                return _redirect(request, reverse("account_login"))
        return get_response(request)

    return middleware
