"""Whether a person must use MFA, has set it up, and passed it this session."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AnonymousUser

from commonroom.accounts.models import User
from commonroom.core import access as core_access

# allauth keeps the ways this session authenticated under this key.
AUTH_RECORDS_KEY = "account_authentication_methods"


def requires_mfa(user: User | AnonymousUser) -> bool:
    """Every staff role must use MFA."""
    return core_access.is_staff_member(user)


def has_totp(user: User | AnonymousUser) -> bool:
    if not core_access.is_signed_in(user):
        return False
    return bool(
        Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()
    )


def session_passed_mfa(session: Mapping[str, Any]) -> bool:
    records = session.get(AUTH_RECORDS_KEY) or []
    return any(isinstance(r, dict) and r.get("method") == "mfa" for r in records)


def mfa_satisfied(user: User | AnonymousUser, session: Mapping[str, Any]) -> bool:
    """True when this session may act: not staff, or staff who set up TOTP and
    passed it when signing in."""
    if not requires_mfa(user):
        return True
    return has_totp(user) and session_passed_mfa(session)


def record_mfa_on_activation(
    sender: Any, request: Any, user: User, authenticator: Any, **kwargs: Any
) -> None:
    """Setting up TOTP proves the code in this very session; count it as this
    session's MFA step so a staff member is not sent back to sign in."""
    from allauth.account.internal.flows.login import record_authentication

    if request is not None and authenticator.type == Authenticator.Type.TOTP:
        record_authentication(request, user, "mfa", type="totp", id=authenticator.pk)
