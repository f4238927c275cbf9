"""Account operations of the API: tokens, the caller's profile, people."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from ninja import Router

from commonroom.accounts import mfa, throttle
from commonroom.accounts.access import access_person
from commonroom.accounts.actions import do_issue_api_token, do_revoke_api_token, do_update_profile
from commonroom.accounts.models import User
from commonroom.accounts.schemas import MeOut, PersonOut, ProfilePatch, TokenIn, TokenOut
from commonroom.api.errors import ApiError
from commonroom.care.models import Enrollment
from commonroom.core import access as core_access

router = Router(tags=["accounts"])

INVALID = "The email, password or code is not correct."


def _totp_valid(user: User, code: str) -> bool:
    auth = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return bool(auth and auth.wrap().validate_code(code.strip()))


@router.post(
    "/auth/token", auth=None, response={200: TokenOut}, summary="Exchange credentials for a token"
)
def issue_token(request: HttpRequest, payload: TokenIn) -> dict[str, Any]:
    email = str(payload.email).lower()
    if throttle.is_locked_out(request, email):
        raise ApiError(
            429,
            "locked_out",
            f"Too many failed attempts. Wait {throttle.lockout_minutes()} minutes.",
        )
    # Django's authenticate() runs axes first and counts a failure itself.
    user = authenticate(request, email=email, password=payload.password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise ApiError(
                429,
                "locked_out",
                f"Too many failed attempts. Wait {throttle.lockout_minutes()} minutes.",
            )
        raise ApiError(401, "invalid_credentials", INVALID)
    assert isinstance(user, User)
    needs_code = mfa.requires_mfa(user) or mfa.has_totp(user)
    if needs_code:
        if mfa.requires_mfa(user) and not mfa.has_totp(user):
            raise ApiError(
                403,
                "mfa_setup_required",
                "Staff accounts need two-factor authentication: set it up in the browser first.",
            )
        if not payload.otp:
            raise ApiError(
                401, "otp_required", "Enter the code from your authenticator app.", "otp"
            )
        if not _totp_valid(user, payload.otp):
            throttle.record_failure(request, email)
            raise ApiError(401, "invalid_otp", "That code is not correct or has expired.", "otp")
    token, raw = do_issue_api_token(user=user, mfa_verified=needs_code, label=payload.label)
    return {"token": raw, "expires_at": token.expires_at.isoformat()}


@router.delete("/auth/token", response={204: None}, summary="Revoke the token used for this call")
def revoke_token(request: HttpRequest) -> HttpResponse:
    token = request.api_token  # type: ignore[attr-defined]
    do_revoke_api_token(token=token, revoked_by=request.user)  # type: ignore[arg-type]
    return HttpResponse(status=204)


def _me(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "legal_name": user.legal_name,
        "pronouns": user.pronouns,
        "preferred_language": user.preferred_language,
        "time_zone": user.time_zone,
        "faith_preference": user.faith_preference,
        "faith_tradition": user.faith_tradition,
        "accessibility_needs": user.accessibility_needs,
        "mfa_enabled": mfa.has_totp(user),
        "roles": [
            {"program_id": r.program_id, "program": r.program.name, "role": r.role}
            for r in core_access.roles_of(user).order_by("program_id", "role")
        ],
        "enrollments": [
            {"program_id": e.program_id, "phase": e.phase}
            for e in Enrollment.objects.filter(user=user).order_by("program_id")
        ],
    }


@router.get("/me", response=MeOut, summary="The caller's profile and roles")
def me(request: HttpRequest) -> dict[str, Any]:
    assert isinstance(request.user, User)
    return _me(request.user)


@router.patch("/me", response=MeOut, summary="Change the caller's profile")
def update_me(request: HttpRequest, payload: ProfilePatch) -> dict[str, Any]:
    assert isinstance(request.user, User)
    changes = payload.dict(exclude_unset=True)
    changes = {k: v for k, v in changes.items() if v is not None}
    if changes:
        do_update_profile(user=request.user, changed_by=request.user, changes=changes)
    return _me(request.user)


@router.get(
    "/people/{person_id}",
    response=PersonOut,
    exclude_unset=True,
    summary="A person, as far as the caller may see them",
)
def person(request: HttpRequest, person_id: int) -> dict[str, Any]:
    from commonroom.peers.mentors.badge import badge_for

    view = access_person(request.user, person_id)
    badge = badge_for(view.id)
    extra = {"badge": badge} if badge else {}
    return {"id": view.id, "visibility": view.visibility.value, **view.fields, **extra}
