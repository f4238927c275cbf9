"""Who belongs where: programs, the roles people hold in them, invitations,
therapy groups, group membership and enrollment phases.

The care-structure issue grows this (tracks, phase history, couples,
agreements); the foundation needs enough of it to answer "who may see whom".
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commonroom.accounts.models import validate_time_zone
from commonroom.core.models import TimestampedModel


class Program(TimestampedModel):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="America/Chicago", validators=[validate_time_zone]
    )
    crisis_resources = models.JSONField(
        _("crisis resources"),
        default=list,
        blank=True,
        help_text=_(
            'A list of {"name", "detail", "phone", "sms", "url"}. Empty shows the US '
            "defaults: 988 Suicide & Crisis Lifeline and 911."
        ),
    )

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    PEER_MENTOR = "peer_mentor", _("Peer mentor")
    FACILITATOR = "facilitator", _("Facilitator")
    PROGRAM_ADMIN = "program_admin", _("Program admin")


STAFF_ROLES: frozenset[str] = frozenset({Role.FACILITATOR, Role.PROGRAM_ADMIN})


class ProgramRoleQuerySet(models.QuerySet["ProgramRole"]):
    def staff(self) -> ProgramRoleQuerySet:
        return self.filter(role__in=STAFF_ROLES)


class ProgramRole(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="program_roles"
    )
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(default=timezone.now)

    objects = ProgramRoleQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "program", "role"], name="programrole_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} in {self.program}"


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def open(self, *, now: datetime | None = None) -> InvitationQuerySet:
        now = now or timezone.now()
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


class Invitation(models.Model):
    """A program's invitation to one email address. Sign-up is by invitation
    only; see tokens.py for how its link is made without storing it."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
    nonce = models.CharField(max_length=64)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    emailed_at = models.DateTimeField(null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(default=0)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation #{self.pk} to {self.program}"


class GroupKind(models.TextChoices):
    PROCESS = "process", _("Process group")
    SKILLS = "skills", _("Skills group")
    AFFINITY = "affinity", _("Affinity group")
    FAMILY = "family", _("Family and couples group")


class TherapyGroup(TimestampedModel):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(max_length=16, choices=GroupKind.choices, default=GroupKind.PROCESS)
    capacity = models.PositiveSmallIntegerField(default=9)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="facilitated_groups", blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="therapygroup_name_unique"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="therapygroup_capacity_min"),
        ]

    def __str__(self) -> str:
        return self.name


class GroupMembership(models.Model):
    group = models.ForeignKey(TherapyGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships"
    )
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=Q(left_at__isnull=True),
                name="groupmembership_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"membership #{self.pk}"


class Phase(models.TextChoices):
    INTAKE = "intake", _("Intake")
    ACTIVE = "active", _("Active")
    STEP_DOWN = "step_down", _("Step-down")
    COMPLETED = "completed", _("Completed (alumni)")
    DISCHARGED = "discharged", _("Discharged")


# Phases in which a person belongs to the active cohort and its spaces.
COHORT_PHASES: frozenset[str] = frozenset({Phase.INTAKE, Phase.ACTIVE, Phase.STEP_DOWN})


class Enrollment(TimestampedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="enrollments")
    phase = models.CharField(max_length=16, choices=Phase.choices, default=Phase.INTAKE)
    phase_changed_at = models.DateTimeField(default=timezone.now)

    PHASES: ClassVar[type[Phase]] = Phase

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "program"], name="enrollment_unique"),
        ]

    def __str__(self) -> str:
        return f"enrollment #{self.pk}"

    @property
    def is_alumnus(self) -> bool:
        return self.phase == Phase.COMPLETED
