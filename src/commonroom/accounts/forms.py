"""Forms: invited sign-up, the throttled TOTP step, the profile."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm
from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from commonroom.accounts import throttle
from commonroom.accounts.models import User, validate_time_zone
from commonroom.care import access as care_access
from commonroom.care import actions as care_actions


class InvitedSignupForm(SignupForm):
    """Sign-up is by invitation only: the email must be the invited one, and
    the account and the acceptance are written together or not at all."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=60,
        help_text=_("What your peers see. A first name or a nickname is fine."),
    )
    pronouns = forms.CharField(label=_("Pronouns (optional)"), max_length=40, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=settings.LANGUAGES, initial="en"
    )
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        initial="America/Chicago",
        validators=[validate_time_zone],
        help_text=_("For example America/Chicago or America/New_York."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = context.request
        self.invitation = care_access.invitation_in_session(request)
        if self.invitation is not None:
            self.fields["email"].initial = self.invitation.email

    def clean_email(self) -> str:
        email = str(super().clean_email()).lower()
        if self.invitation is None or email != self.invitation.email.lower():
            raise ValidationError(
                _("Use the email address your invitation was sent to."), code="not_invited"
            )
        return email

    def save(self, request: HttpRequest) -> User:
        with transaction.atomic():
            user: User = super().save(request)
            if self.invitation is None:
                raise care_access.InvitationUnavailable("missing")
            care_actions.do_accept_invitation(invitation_id=self.invitation.pk, user=user)
        care_access.forget_invitation(request)
        return user


class ThrottledAuthenticateForm(AuthenticateForm):
    """allauth's TOTP step, fed into the same (email, address) lockout as the
    password step, so a stolen password does not buy unlimited code guesses."""

    def clean_code(self) -> str:
        request = context.request
        email = self.user.email
        if throttle.is_locked_out(request, email):
            raise ValidationError(
                _("Too many failed attempts. Wait %(minutes)s minutes and try again."),
                params={"minutes": throttle.lockout_minutes()},
                code="locked_out",
            )
        try:
            code: str = super().clean_code()
        except ValidationError:
            throttle.record_failure(request, email)
            raise
        return code


class ProfileForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = [
            "display_name",
            "pronouns",
            "legal_name",
            "preferred_language",
            "time_zone",
            "faith_preference",
            "faith_tradition",
            "accessibility_needs",
        ]
        widgets = {"accessibility_needs": forms.Textarea(attrs={"rows": 3})}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("faith_preference") != "tradition" and cleaned.get("faith_tradition"):
            self.add_error(
                "faith_tradition", _("Name a tradition only when you chose 'A named tradition'.")
            )
        return cleaned
