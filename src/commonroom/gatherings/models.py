"""Community gatherings: reunions, workshops, game nights, with RSVP.

A gathering happens once, or repeats by an RFC 5545 rule in its program's
time zone (expanded by meetings/schedule.py, the same code as sessions). An
occurrence is identified by its *original date*: the local date, in the
program's zone, on which the rule places it. RSVPs and cancellations point at
that date, so a gathering's occurrences are never stored one by one.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commonroom.core.models import TimestampedModel
from commonroom.meetings import rule_words

TITLE_MAX_CHARS = 120
DESCRIPTION_MAX_CHARS = 2000
PLACE_MAX_CHARS = 200
MIN_MINUTES = 15
MAX_MINUTES = 8 * 60


class GatheringKind(models.TextChoices):
    REUNION = "reunion", _("Reunion")
    WORKSHOP = "workshop", _("Workshop")
    GAME_NIGHT = "game_night", _("Game night")
    SOCIAL = "social", _("Social")
    OTHER = "other", _("Other")


class Audience(models.TextChoices):
    """Who may see a gathering and answer it. Staff of the program always may."""

    ALUMNI = "alumni", _("Alumni")
    PROGRAM = "program", _("Whole program (current participants and alumni)")
    COHORT = "cohort", _("Current participants")


class RsvpResponse(models.TextChoices):
    GOING = "going", _("Going")
    MAYBE = "maybe", _("Maybe")
    NOT_GOING = "not_going", _("Not going")


class Gathering(TimestampedModel):
    program = models.ForeignKey("care.Program", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=TITLE_MAX_CHARS)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX_CHARS, blank=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=GatheringKind.choices, default=GatheringKind.OTHER
    )
    audience = models.CharField(
        _("who it is for"), max_length=16, choices=Audience.choices, default=Audience.PROGRAM
    )
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_gatherings",
        help_text=_("A staff member or an alumnus; an alumnus host may edit the gathering."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The first occurrence (aware). Its wall time in the program's zone is the
    # time every repeat keeps across daylight-saving changes.
    starts_at = models.DateTimeField(_("first starts at"))
    recurrence = models.CharField(
        _("repeats"),
        max_length=200,
        blank=True,
        help_text=_("An RFC 5545 rule, e.g. FREQ=MONTHLY;BYDAY=1TH. Empty: happens once."),
    )
    repeat_until = models.DateField(_("repeats until"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=60)
    join_url = models.URLField(_("join link"), max_length=500, blank=True)
    place = models.CharField(_("place"), max_length=PLACE_MAX_CHARS, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=MIN_MINUTES)
                & Q(duration_minutes__lte=MAX_MINUTES),
                name="gathering_duration_range",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="gathering_capacity_min",
            ),
        ]

    def __str__(self) -> str:
        return f"gathering #{self.pk}"

    @property
    def repeats(self) -> bool:
        return bool(self.recurrence)

    @property
    def repeats_in_words(self) -> str:
        """ "Every month on the first Thursday", in the reader's language;
        empty for a one-off."""
        if not self.recurrence:
            return ""
        zone = ZoneInfo(str(self.program.time_zone))
        return rule_words.describe(self.recurrence, first=self.starts_at.astimezone(zone).date())


class OccurrenceCancellation(models.Model):
    """One occurrence of a gathering is off; the rest still happen."""

    gathering = models.ForeignKey(Gathering, on_delete=models.CASCADE, related_name="cancellations")
    occurrence_date = models.DateField()
    cancelled_at = models.DateTimeField(default=timezone.now)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["gathering", "occurrence_date"], name="gathering_cancellation_once"
            ),
        ]

    def __str__(self) -> str:
        return f"cancellation #{self.pk}"


class Rsvp(models.Model):
    """One person's answer for one occurrence. A change of mind updates this
    row; the constraint makes a second row impossible even for two racing
    requests."""

    gathering = models.ForeignKey(Gathering, on_delete=models.CASCADE, related_name="rsvps")
    occurrence_date = models.DateField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="gathering_rsvps"
    )
    response = models.CharField(max_length=12, choices=RsvpResponse.choices)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Set when the day-before reminder is claimed, so it is mailed once.
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["occurrence_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["gathering", "occurrence_date", "user"], name="rsvp_once_per_occurrence"
            ),
        ]
        indexes = [
            models.Index(
                fields=["gathering", "occurrence_date", "response"], name="rsvp_occurrence_response"
            )
        ]

    def __str__(self) -> str:
        return f"rsvp #{self.pk}"
