"""A program's affinity catalogue and the private requests to join a group.

Membership itself is care's: an open ``GroupMembership`` of the entry's
therapy group (kind AFFINITY). Nothing here stores who belongs.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from commonroom.care.models import Program, TherapyGroup
from commonroom.core.models import TimestampedModel

NOTE_MAX_CHARS = 1000
DESCRIPTION_MAX_CHARS = 2000


class AffinityGroupQuerySet(models.QuerySet["AffinityGroup"]):
    def current(self) -> AffinityGroupQuerySet:
        return self.filter(archived_at__isnull=True)

    def running(self) -> AffinityGroupQuerySet:
        """Offered to participants: not archived, with a group that runs it."""
        return self.current().filter(group__isnull=False, group__archived_at__isnull=True)


class AffinityGroup(TimestampedModel):
    """One entry of a program's catalogue: what the group is for and who it
    welcomes. ``group`` is the therapy group that runs it (its facilitators
    lead it; its spaces and sessions come with it); an entry without one is
    listed to staff only."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="affinity_groups")
    key = models.SlugField(
        _("key"), max_length=40, help_text=_("Stable identifier used by intake preferences.")
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(
        _("what the group is for and who it welcomes"),
        max_length=DESCRIPTION_MAX_CHARS,
        blank=True,
    )
    group = models.OneToOneField(
        TherapyGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="affinity",
    )
    accepting_requests = models.BooleanField(_("accepting requests to join"), default=True)
    position = models.PositiveSmallIntegerField(default=0)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = AffinityGroupQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "key"], name="affinitygroup_key_unique"),
            models.UniqueConstraint(fields=["program", "name"], name="affinitygroup_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def shown_name(self) -> str:
        """The name in the reader's language while it is still the default
        one; an administrator's own name as they wrote it."""
        from commonroom.peers.affinity.catalogue import translated_default

        return translated_default(self.key, "name", self.name)

    @property
    def shown_description(self) -> str:
        from commonroom.peers.affinity.catalogue import translated_default

        return translated_default(self.key, "description", self.description)


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a facilitator")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class JoinRequest(models.Model):
    """A person's private request to join one affinity group. Seen by the
    person, the group's lead facilitators and the program's admins."""

    affinity = models.ForeignKey(AffinityGroup, on_delete=models.CASCADE, related_name="requests")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="affinity_requests"
    )
    note = models.TextField(
        _("a private note to the facilitator"), max_length=NOTE_MAX_CHARS, blank=True
    )
    status = models.CharField(
        max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_message = models.TextField(
        _("a message to the person"), max_length=NOTE_MAX_CHARS, blank=True
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["affinity", "person"],
                condition=Q(status="pending"),
                name="joinrequest_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "declined", "withdrawn"]),
                name="joinrequest_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"join request #{self.pk}"
