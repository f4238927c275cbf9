"""Every state change of a person's account."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from commonroom.accounts.models import ApiToken, User, credential_stamp
from commonroom.core.audit import AuditAction, record

PROFILE_FIELDS = frozenset(
    {
        "display_name",
        "pronouns",
        "legal_name",
        "preferred_language",
        "time_zone",
        "faith_preference",
        "faith_tradition",
        "accessibility_needs",
    }
)
# Changes to these are protected data and are audited.
SENSITIVE_FIELDS = frozenset(
    {"legal_name", "faith_preference", "faith_tradition", "accessibility_needs"}
)


def do_update_profile(*, user: User, changed_by: User, changes: dict[str, Any]) -> User:
    unknown = set(changes) - PROFILE_FIELDS
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        user.save(update_fields=sorted(changes))
        touched = sorted(set(changes) & SENSITIVE_FIELDS)
        if touched:
            record(
                actor=changed_by,
                action=AuditAction.PROFILE_UPDATE,
                target=user,
                subject=user,
                detail={"fields": touched},
            )
    return user


def do_set_language(*, user: User, language: str) -> None:
    User.objects.filter(pk=user.pk).update(preferred_language=language)
    user.preferred_language = language


def do_issue_api_token(*, user: User, mfa_verified: bool, label: str = "") -> tuple[ApiToken, str]:
    raw, digest = ApiToken.new_secret()
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            token_hash=digest,
            label=label[:80],
            expires_at=now + timedelta(hours=settings.API_TOKEN_HOURS),
            last_used_at=now,
            mfa_verified=mfa_verified,
            credential_stamp=credential_stamp(user),
        )
        record(actor=user, action=AuditAction.API_TOKEN_ISSUE, target=token, subject=user)
    return token, raw


def do_revoke_api_token(*, token: ApiToken, revoked_by: User) -> None:
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        record(
            actor=revoked_by, action=AuditAction.API_TOKEN_REVOKE, target=token, subject=token.user
        )


def do_touch_api_token(*, token: ApiToken) -> None:
    """Marks use at most once a minute, so busy clients do not write per call."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
