"""Risk flags: something a staff member should look at about a person.

A flag is about its *subject* and is seen only by the subject's facilitators
and the program's admins: never by the subject, their peers, or whoever
raised it (a mentor who raises a concern learns only that it was sent).
The first source is a peer mentor's concern; the safety issue adds more
sources (crisis language, early warning) and kinds without changing who may
see a flag.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

NOTE_MAX_CHARS = 1000


class FlagKind(models.TextChoices):
    SAFETY = "safety", _("Safety")
    WELLBEING = "wellbeing", _("Wellbeing")
    BOUNDARY = "boundary", _("Boundary")
    OTHER = "other", _("Something else")


class FlagSource(models.TextChoices):
    MENTOR_CONCERN = "mentor_concern", _("A peer mentor's concern")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


# open -> acknowledged -> resolved; an open flag may be resolved at once.
FLAG_TRANSITIONS: dict[str, frozenset[str]] = {
    FlagStatus.OPEN: frozenset({FlagStatus.ACKNOWLEDGED, FlagStatus.RESOLVED}),
    FlagStatus.ACKNOWLEDGED: frozenset({FlagStatus.RESOLVED}),
    FlagStatus.RESOLVED: frozenset(),
}


class FlagQuerySet(models.QuerySet["Flag"]):
    def unresolved(self) -> FlagQuerySet:
        return self.exclude(status=FlagStatus.RESOLVED)


class Flag(models.Model):
    program = models.ForeignKey("care.Program", on_delete=models.CASCADE, related_name="flags")
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags_about"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=FlagKind.choices)
    source = models.CharField(max_length=32, choices=FlagSource.choices)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.TextField(_("note"), max_length=NOTE_MAX_CHARS, blank=True)
    status = models.CharField(max_length=16, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    staff_notified_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = FlagQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["program", "status"], name="flag_program_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open")
                | Q(status="acknowledged", acknowledged_at__isnull=False)
                | Q(status="resolved", resolved_at__isnull=False),
                name="flag_status_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"flag #{self.pk}"
