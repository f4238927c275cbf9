from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from commonroom.accounts import mfa
from commonroom.accounts.middleware import idle_limit_seconds
from commonroom.core import access as core_access


def commonroom(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    is_staff = bool(user is not None and core_access.is_staff_member(user))
    return {
        "viewer_is_staff": is_staff,
        "viewer_can_admin": bool(user is not None and core_access.administered_program_ids(user)),
        "viewer_needs_mfa_setup": bool(is_staff and user is not None and not mfa.has_totp(user)),
        "idle_seconds": idle_limit_seconds(request) if user and user.is_authenticated else 0,
    }
