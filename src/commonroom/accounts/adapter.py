"""allauth adapter: sign-up only with an invitation held in the session."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from commonroom.accounts.models import User
from commonroom.care import access as care_access
from commonroom.core.http import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return care_access.invitation_in_session(request) is not None

    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth's rate limits count per address: the same address as axes
        # and the audit log, under the same COMMONROOM_PROXY_COUNT.
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def save_user(self, request: HttpRequest, user: User, form: Any, commit: bool = True) -> User:
        """Fills the profile from the invited sign-up form before the first
        save, so the account is never stored without a display name."""
        user = super().save_user(request, user, form, commit=False)
        data = getattr(form, "cleaned_data", {})
        for name in ("display_name", "pronouns", "preferred_language", "time_zone"):
            if data.get(name) is not None:
                setattr(user, name, data[name])
        if commit:
            user.save()
        return user
