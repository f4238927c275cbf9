"""The alumni network: how long a program keeps its alumni, and volunteer
opportunities alumni sign up for. Who is an alumnus is not stored here: it is
an enrollment whose phase is completed (care)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commonroom.core.models import TimestampedModel

TITLE_MAX_CHARS = 120
DESCRIPTION_MAX_CHARS = 2000
MAX_ACCESS_MONTHS = 600
MAX_SPOTS = 500


class AlumniNetworkSettings(models.Model):
    """A program's alumni policy. Without a row the defaults apply: the
    network stays open for as long as the program keeps it."""

    program = models.OneToOneField(
        "care.Program", on_delete=models.CASCADE, related_name="alumni_settings"
    )
    alumni_access_months = models.PositiveSmallIntegerField(
        _("alumni access (months after completion)"),
        default=0,
        help_text=_("0 keeps alumni in the network for as long as the program runs it."),
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "alumni network settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(alumni_access_months__lte=MAX_ACCESS_MONTHS),
                name="alumni_access_months_max",
            ),
        ]

    def __str__(self) -> str:
        return f"alumni settings #{self.pk}"


class VolunteerKind(models.TextChoices):
    MENTORING = "mentoring", _("Peer mentoring")
    PANEL = "panel", _("Speaking on a panel")
    GAME_NIGHT = "game_night", _("Hosting a game night")
    OTHER = "other", _("Other")


class VolunteerOpportunity(TimestampedModel):
    program = models.ForeignKey("care.Program", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=VolunteerKind.choices)
    title = models.CharField(_("title"), max_length=TITLE_MAX_CHARS)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX_CHARS, blank=True)
    when = models.DateTimeField(
        _("when"), null=True, blank=True, help_text=_("Empty for an ongoing role.")
    )
    spots = models.PositiveSmallIntegerField(_("spots"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "volunteer opportunities"
        ordering = ["when", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(spots__gte=1) & Q(spots__lte=MAX_SPOTS), name="volunteer_spots_range"
            ),
        ]

    def __str__(self) -> str:
        return f"opportunity #{self.pk}"


class SignupStatus(models.TextChoices):
    SIGNED_UP = "signed_up", _("Signed up")
    CONFIRMED = "confirmed", _("Confirmed by staff")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Sign-ups that hold a spot.
HOLDING: frozenset[str] = frozenset({SignupStatus.SIGNED_UP, SignupStatus.CONFIRMED})


class VolunteerSignup(models.Model):
    """One alumnus on one opportunity: signing up again after withdrawing
    reuses the row, so there is never a second."""

    opportunity = models.ForeignKey(
        VolunteerOpportunity, on_delete=models.CASCADE, related_name="signups"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer_signups"
    )
    status = models.CharField(max_length=12, choices=SignupStatus.choices)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "user"], name="volunteer_signup_once"),
        ]

    def __str__(self) -> str:
        return f"signup #{self.pk}"
