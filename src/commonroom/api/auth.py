"""Bearer-token authentication for the API."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from commonroom.accounts.actions import do_touch_api_token
from commonroom.accounts.middleware import activate_language
from commonroom.accounts.models import ApiToken, User
from commonroom.core import access as core_access
from commonroom.core.audit import request_ip
from commonroom.core.http import client_ip


def _idle_limit(user: User) -> timedelta:
    minutes = (
        settings.IDLE_MINUTES_STAFF
        if core_access.is_staff_member(user)
        else settings.IDLE_MINUTES_PARTICIPANT
    )
    return timedelta(minutes=minutes)


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token.startswith(ApiToken.PREFIX) or len(token) > 128:
            return None
        record = (
            ApiToken.objects.usable()
            .select_related("user")
            .filter(token_hash=ApiToken.hash(token))
            .first()
        )
        if record is None:
            return None
        user = record.user
        # Tokens follow the same idle rule as browser sessions.
        if record.last_used_at and timezone.now() - record.last_used_at > _idle_limit(user):
            return None
        if core_access.is_staff_member(user) and not record.mfa_verified:
            return None
        if not record.matches_credentials(user):
            return None
        do_touch_api_token(token=record)
        activate_language(request, user)  # as on their pages and in their emails
        request.user = user
        request.api_token = record  # type: ignore[attr-defined]
        request_ip.set(client_ip(request))
        return user


bearer = BearerToken()
