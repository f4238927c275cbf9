"""People: the custom user (email login) with the profile peers and staff see,
and API tokens."""

from __future__ import annotations

import hashlib
import secrets
import zoneinfo
from datetime import datetime
from functools import cache
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _


@cache
def _known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in _known_time_zones():
        raise ValidationError(
            _("%(value)s is not a time zone we know. Pick one like America/Chicago."),
            params={"value": value},
            code="unknown_time_zone",
        )


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class FaithPreference(models.TextChoices):
    UNSPECIFIED = "", _("Prefer not to say")
    SECULAR = "secular", _("Secular")
    SPIRITUAL = "spiritual", _("Spiritual, not religious")
    TRADITION = "tradition", _("A named tradition")


class User(AbstractBaseUser, PermissionsMixin):
    """A person. ``is_staff`` only opens Django's admin site; program roles
    (care.ProgramRole) say what someone is to a program."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=60,
        help_text=_("What your peers see. A first name or a nickname is fine."),
    )
    legal_name = models.CharField(
        _("legal name"),
        max_length=150,
        blank=True,
        help_text=_("Seen by your care team only, never by peers."),
    )
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="America/Chicago", validators=[validate_time_zone]
    )
    faith_preference = models.CharField(
        _("spiritual or faith preference"),
        max_length=16,
        choices=FaithPreference.choices,
        blank=True,
        default=FaithPreference.UNSPECIFIED,
    )
    faith_tradition = models.CharField(
        _("tradition"),
        max_length=80,
        blank=True,
        help_text=_("Only if you chose a named tradition."),
    )
    accessibility_needs = models.TextField(
        _("accessibility needs"),
        blank=True,
        max_length=1000,
        help_text=_("Captions, screen reader, large text... Seen by your care team only."),
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="May sign in to Django's admin site (site operators only)."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["display_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(display_name=""), name="user_display_name_not_empty"
            ),
            models.CheckConstraint(
                condition=models.Q(faith_preference="tradition") | models.Q(faith_tradition=""),
                name="user_tradition_only_with_tradition_preference",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or f"person #{self.pk}"

    def get_short_name(self) -> str:
        return self.display_name

    def get_full_name(self) -> str:
        return self.legal_name or self.display_name


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self, *, now: datetime | None = None) -> ApiTokenQuerySet:
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored: a leaked
    database does not leak usable tokens."""

    PREFIX = "cr_"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    mfa_verified = models.BooleanField(
        default=False, help_text="The TOTP code was checked when this token was issued."
    )
    credential_stamp = models.CharField(
        max_length=64,
        default="",
        editable=False,
        help_text="The owner's password and MFA devices when issued; a change ends the token.",
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["user", "revoked_at"], name="apitoken_user_live")]

    def __str__(self) -> str:
        return f"API token #{self.pk}"

    @classmethod
    def new_secret(cls) -> tuple[str, str]:
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        return raw, _hash_token(raw)

    @staticmethod
    def hash(raw: str) -> str:
        return _hash_token(raw)

    def matches_credentials(self, user: User) -> bool:
        return bool(self.credential_stamp) and constant_time_compare(
            self.credential_stamp, credential_stamp(user)
        )


def credential_stamp(user: User) -> str:
    """A digest of what proves who a person is: their password hash and their
    MFA devices. A password change or reset, and an MFA reset (devices removed,
    or removed and set up again), give a new stamp, so every token issued
    before it stops working whichever path made the change (allauth, the
    admin site, a management command). Deactivation is checked on its own."""
    from allauth.mfa.models import Authenticator

    devices = sorted(Authenticator.objects.filter(user_id=user.pk).values_list("pk", "type"))
    material = f"{user.password}|{devices}"
    return salted_hmac("commonroom.api_token.credentials", material, algorithm="sha256").hexdigest()
