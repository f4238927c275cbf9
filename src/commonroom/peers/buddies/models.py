"""Accountability buddies: consent, requests, pairing runs and pairs.

A pair (or a trio, when an odd person out joined one) has a private space of
scope ``buddy``. Who may read it is derived here (see access.py): the current
members while they take part in the program, and the facilitators of their
therapy groups. Membership rows are never deleted: an ended pair keeps its
history for staff, and the database allows one current pair per person and
program.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BuddyOptIn(models.Model):
    """A person's consent to be paired in a program. ``withdrawn_at`` set
    means no consent; opting in again clears it (the audit log keeps the
    history)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="buddy_opt_ins"
    )
    program = models.ForeignKey("care.Program", on_delete=models.CASCADE, related_name="+")
    opted_in_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "program"], name="buddy_optin_once"),
        ]

    def __str__(self) -> str:
        return f"buddy opt-in #{self.pk}"

    @property
    def consenting(self) -> bool:
        return self.withdrawn_at is None


class RequestKind(models.TextChoices):
    FIRST = "first", _("I'd like a buddy")
    NEW = "new", _("I'd like a new buddy")


class RequestOutcome(models.TextChoices):
    OPEN = "", _("Waiting")
    PAIRED = "paired", _("Paired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class BuddyRequest(models.Model):
    """ "I'd like a (new) buddy": waits on the staff's list until a pairing
    run places the person, or they withdraw."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="buddy_requests"
    )
    program = models.ForeignKey("care.Program", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=RequestKind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        max_length=12, choices=RequestOutcome.choices, blank=True, default=RequestOutcome.OPEN
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "program"],
                condition=Q(closed_at__isnull=True),
                name="buddy_request_open_once",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True, outcome="")
                | Q(closed_at__isnull=False) & ~Q(outcome=""),
                name="buddy_request_outcome_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"buddy request #{self.pk}"


class PairingRun(models.Model):
    """One confirmed run of the matcher for a program or a therapy group's
    cohort. ``fingerprint`` is the state of the pool the preview was made
    from: a confirm whose pool changed since is refused, and the unique
    constraint stops a second confirm of the same preview."""

    program = models.ForeignKey("care.Program", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(
        "care.TherapyGroup", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    ran_at = models.DateTimeField(default=timezone.now)
    seed = models.PositiveIntegerField()
    fingerprint = models.CharField(max_length=64)
    people_considered = models.PositiveIntegerField(default=0)
    pairs_formed = models.PositiveIntegerField(default=0)
    trios_formed = models.PositiveIntegerField(default=0)
    offered_mentor = models.PositiveIntegerField(default=0)
    not_eligible = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-ran_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["program", "fingerprint"], name="pairing_run_once"),
        ]

    def __str__(self) -> str:
        return f"pairing run #{self.pk}"


class Rhythm(models.TextChoices):
    DAILY = "daily", _("Every day")
    EVERY_OTHER_DAY = "every_other_day", _("Every other day")

    @property
    def days(self) -> int:
        return 1 if self == Rhythm.DAILY else 2


class BuddyPairQuerySet(models.QuerySet["BuddyPair"]):
    def current(self) -> BuddyPairQuerySet:
        return self.filter(ended_at__isnull=True)


class BuddyPair(models.Model):
    """Two people (three in a trio) and their private space."""

    program = models.ForeignKey("care.Program", on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(PairingRun, on_delete=models.PROTECT, related_name="pairs")
    space = models.OneToOneField(
        "spaces.Space", on_delete=models.PROTECT, related_name="buddy_pair"
    )
    rhythm = models.CharField(max_length=16, choices=Rhythm.choices, default=Rhythm.DAILY)
    # Check-in windows are counted from the day after this (see rhythm.py).
    rhythm_since = models.DateTimeField(default=timezone.now)
    formed_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Points per factor from the matcher, for staff. Factor names only, never
    # values (matching/compat.py Explanation).
    explanation = models.JSONField(default=dict)
    score = models.FloatField(default=0.0)

    objects = BuddyPairQuerySet.as_manager()

    class Meta:
        ordering = ["-formed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("formed_at")),
                name="buddy_pair_ends_after_forming",
            ),
        ]

    def __str__(self) -> str:
        return f"buddy pair #{self.pk}"

    @property
    def is_current(self) -> bool:
        return self.ended_at is None


class BuddyMembership(models.Model):
    """One person in one pair. ``program`` and ``ended_at`` repeat the pair's
    so the database itself allows one current pair per person and program."""

    pair = models.ForeignKey(BuddyPair, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="buddy_memberships"
    )
    program = models.ForeignKey("care.Program", on_delete=models.CASCADE, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)
    # The kind notice after the other buddy ended it: answered (or declined).
    notice_answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["pair", "user"], name="buddy_member_once"),
            models.UniqueConstraint(
                fields=["user", "program"],
                condition=Q(ended_at__isnull=True),
                name="buddy_one_current_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"buddy membership #{self.pk}"


class BuddyMiss(models.Model):
    """A check-in window a member of a pair let pass without a buddy
    check-in. Written once per window by the daily job (the unique
    constraint is its claim), seen only by staff as a count."""

    membership = models.ForeignKey(BuddyMembership, on_delete=models.CASCADE, related_name="misses")
    window_end = models.DateField(help_text="The last day of the window, in the person's zone.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-window_end", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "window_end"], name="buddy_miss_once"),
        ]

    def __str__(self) -> str:
        return f"buddy miss #{self.pk}"
