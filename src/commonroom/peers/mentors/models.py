"""Peer mentors: applications, training, the boundaries agreement, and
mentorships (one mentor, one mentee, one private space).

A mentor's state moves only along ``STATE_TRANSITIONS``, through actions that
record each step (``MentorStateChange``) and audit it. The program role
``care.Role.PEER_MENTOR`` is held exactly while the mentor is active: actions
grant it on activation and take it away on pause and retirement, and the
"Peer mentor, not a licensed therapist" badge follows it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_MENTEES = 5
MOTIVATION_MAX_CHARS = 2000


class MentorState(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    IN_TRAINING = "in_training", _("In training")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    RETIRED = "retired", _("Retired")


# Retired is final; a paused mentor comes back to active (training stays valid).
STATE_TRANSITIONS: dict[str, frozenset[str]] = {
    MentorState.APPLICANT: frozenset({MentorState.IN_TRAINING, MentorState.RETIRED}),
    MentorState.IN_TRAINING: frozenset({MentorState.ACTIVE, MentorState.RETIRED}),
    MentorState.ACTIVE: frozenset({MentorState.PAUSED, MentorState.RETIRED}),
    MentorState.PAUSED: frozenset({MentorState.ACTIVE, MentorState.RETIRED}),
    MentorState.RETIRED: frozenset(),
}


class TrainingTopic(models.TextChoices):
    COMMUNICATION = "communication", _("Communication")
    BOUNDARIES = "boundaries", _("Boundaries")
    CONFIDENTIALITY = "confidentiality", _("Confidentiality")
    CRISIS = "crisis", _("Recognising a crisis and escalating")
    SELF_CARE = "self_care", _("Self-care")


class MentorGender(models.TextChoices):
    """Only used to honour a mentee's preference for their mentor."""

    UNSPECIFIED = "", _("Prefer not to say")
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NONBINARY = "nonbinary", _("Non-binary")


class MentorFaith(models.TextChoices):
    UNSPECIFIED = "", _("Prefer not to say")
    SECULAR = "secular", _("Secular")
    SPIRITUAL = "spiritual", _("Spiritual, not religious")
    TRADITION = "tradition", _("A named tradition")


class MentorProgramSettings(models.Model):
    """Per-program choices for peer mentoring."""

    program = models.OneToOneField(
        "care.Program", on_delete=models.CASCADE, related_name="mentor_settings"
    )
    step_down_may_apply = models.BooleanField(
        _("participants in step-down may apply"),
        default=False,
        help_text=_("Alumni may always apply."),
    )

    def __str__(self) -> str:
        return f"mentor settings #{self.pk}"


class BoundariesAgreement(models.Model):
    """One published version of a program's mentor boundaries agreement.
    Never edited: a change publishes a new version, which active mentors
    must sign again before they take a new mentee."""

    program = models.ForeignKey(
        "care.Program", on_delete=models.CASCADE, related_name="mentor_agreements"
    )
    version = models.PositiveIntegerField()
    body = models.TextField(_("text of the agreement"), max_length=20000)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "version"], name="boundaries_agreement_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"boundaries agreement v{self.version}"


class MentorProfileQuerySet(models.QuerySet["MentorProfile"]):
    def active(self) -> MentorProfileQuerySet:
        return self.filter(state=MentorState.ACTIVE)


class MentorProfile(models.Model):
    """A person's application and, once accepted, their life as a mentor in
    one program. What matching uses about the mentor lives here."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_profiles"
    )
    program = models.ForeignKey(
        "care.Program", on_delete=models.CASCADE, related_name="mentor_profiles"
    )
    state = models.CharField(
        max_length=16, choices=MentorState.choices, default=MentorState.APPLICANT
    )
    state_changed_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(default=timezone.now)
    motivation = models.TextField(
        _("why I want to mentor"), max_length=MOTIVATION_MAX_CHARS, blank=True
    )
    max_mentees = models.PositiveSmallIntegerField(_("most mentees at once"), default=2)
    languages = models.JSONField(_("languages I can mentor in"), default=list, blank=True)
    gender = models.CharField(
        _("gender"), max_length=16, choices=MentorGender.choices, blank=True, default=""
    )
    faith = models.CharField(
        _("faith or secular"), max_length=16, choices=MentorFaith.choices, blank=True, default=""
    )
    faith_tradition = models.CharField(_("tradition"), max_length=80, blank=True)
    lived_experience = models.JSONField(
        _("lived experience I am willing to be matched on"), default=list, blank=True
    )
    agreement = models.ForeignKey(
        BoundariesAgreement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signatures",
    )
    agreement_signed_at = models.DateTimeField(null=True, blank=True)

    objects = MentorProfileQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "program"], name="mentorprofile_unique"),
            models.CheckConstraint(
                condition=Q(max_mentees__gte=1) & Q(max_mentees__lte=MAX_MENTEES),
                name="mentorprofile_max_mentees_range",
            ),
            models.CheckConstraint(
                condition=Q(faith="tradition") | Q(faith_tradition=""),
                name="mentorprofile_tradition_only_with_tradition",
            ),
            models.CheckConstraint(
                condition=Q(agreement__isnull=True) | Q(agreement_signed_at__isnull=False),
                name="mentorprofile_agreement_signed_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"mentor profile #{self.pk}"


class MentorStateChange(models.Model):
    """One step in a mentor's history. Written only by actions."""

    profile = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="history")
    from_state = models.CharField(max_length=16, choices=MentorState.choices, blank=True)
    to_state = models.CharField(max_length=16, choices=MentorState.choices)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"mentor state change #{self.pk}"


class TrainingItem(models.Model):
    """One topic of the training checklist. The mentor says when they
    completed it; staff confirm."""

    profile = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="training")
    topic = models.CharField(max_length=20, choices=TrainingTopic.choices)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "topic"], name="trainingitem_unique"),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(completed_on__isnull=False),
                name="trainingitem_confirmed_needs_date",
            ),
        ]

    def __str__(self) -> str:
        return f"training item #{self.pk}"


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a match")
    MATCHED = "matched", _("Matched")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class MentorRequest(models.Model):
    """A participant asking for a mentor, with what they hope for."""

    program = models.ForeignKey(
        "care.Program", on_delete=models.CASCADE, related_name="mentor_requests"
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_requests"
    )
    status = models.CharField(
        max_length=12, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    lived_experience_wanted = models.JSONField(
        _("a mentor with lived experience of"), default=list, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "mentee"],
                condition=Q(status="open"),
                name="mentorrequest_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"mentor request #{self.pk}"


class MentorshipQuerySet(models.QuerySet["Mentorship"]):
    def current(self) -> MentorshipQuerySet:
        return self.filter(ended_at__isnull=True)


class Mentorship(models.Model):
    """A mentor and a mentee, with their private space and why they were
    matched (factor keys and points, never the values behind them)."""

    program = models.ForeignKey(
        "care.Program", on_delete=models.CASCADE, related_name="mentorships"
    )
    mentor_profile = models.ForeignKey(
        MentorProfile, on_delete=models.PROTECT, related_name="mentorships"
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentor"
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentee"
    )
    space = models.OneToOneField(
        "spaces.Space", on_delete=models.PROTECT, related_name="mentorship"
    )
    request = models.ForeignKey(
        MentorRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    explanation = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    notified_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "mentee"],
                condition=Q(ended_at__isnull=True),
                name="mentorship_one_current_per_mentee",
            ),
            models.CheckConstraint(
                condition=~Q(mentor=models.F("mentee")), name="mentorship_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"mentorship #{self.pk}"
