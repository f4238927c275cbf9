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
    default_group_size = models.PositiveSmallIntegerField(_("default group size"), default=9)
    languages_offered = models.JSONField(
        _("languages offered"),
        default=list,
        blank=True,
        help_text=_("Language codes, e.g. en, es."),
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

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(default_group_size__gte=2) & Q(default_group_size__lte=30),
                name="program_default_group_size_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class LevelOfCare(models.TextChoices):
    """ASAM levels of care a virtual program runs."""

    IOP = "2.1", _("Intensive outpatient (ASAM 2.1)")
    PHP = "2.5", _("Partial hospitalisation (ASAM 2.5)")
    OUTPATIENT = "1", _("Outpatient (ASAM 1)")


class Population(models.TextChoices):
    ADULT = "adult", _("Adults")
    ADOLESCENT = "adolescent", _("Adolescents")


def default_weekly_minimum(level: str, population: str) -> int:
    """ASAM minimums: IOP 9 h a week for adults, 6 for adolescents; partial
    hospitalisation 20; outpatient has no minimum beyond what is scheduled."""
    if level == LevelOfCare.PHP:
        return 20
    if level == LevelOfCare.IOP:
        return 6 if population == Population.ADOLESCENT else 9
    return 0


class Track(TimestampedModel):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="tracks")
    name = models.CharField(_("name"), max_length=120)
    level_of_care = models.CharField(
        _("level of care"), max_length=8, choices=LevelOfCare.choices, default=LevelOfCare.IOP
    )
    population = models.CharField(
        _("population"), max_length=16, choices=Population.choices, default=Population.ADULT
    )
    weekly_minimum_hours = models.PositiveSmallIntegerField(_("weekly minimum hours"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="track_name_unique"),
            models.CheckConstraint(
                condition=Q(weekly_minimum_hours__lte=60), name="track_weekly_minimum_max"
            ),
        ]

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
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=9)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="facilitated_groups", blank=True
    )
    track = models.ForeignKey(
        Track, on_delete=models.SET_NULL, null=True, blank=True, related_name="groups"
    )
    enrollment_open = models.BooleanField(
        _("open enrollment"),
        default=True,
        help_text=_("Closed groups take new members only when an admin overrides."),
    )
    session_pattern = models.CharField(
        _("weekly pattern"),
        max_length=200,
        blank=True,
        help_text=_("An RFC 5545 rule, e.g. FREQ=WEEKLY;BYDAY=MO,WE,TH"),
    )
    session_start = models.TimeField(_("session start"), null=True, blank=True)
    session_minutes = models.PositiveSmallIntegerField(_("session length (minutes)"), default=180)
    archived_at = models.DateTimeField(null=True, blank=True)

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
    track = models.ForeignKey(
        Track, on_delete=models.SET_NULL, null=True, blank=True, related_name="enrollments"
    )

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


# Allowed phase transitions: forward through care, or discharge from any
# phase that is not already final. Completed and discharged are final.
PHASE_TRANSITIONS: dict[str, frozenset[str]] = {
    Phase.INTAKE: frozenset({Phase.ACTIVE, Phase.DISCHARGED}),
    Phase.ACTIVE: frozenset({Phase.STEP_DOWN, Phase.COMPLETED, Phase.DISCHARGED}),
    Phase.STEP_DOWN: frozenset({Phase.ACTIVE, Phase.COMPLETED, Phase.DISCHARGED}),
    Phase.COMPLETED: frozenset(),
    Phase.DISCHARGED: frozenset(),
}


class PhaseChange(models.Model):
    """One dated step in an enrollment's history. Written only by actions."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="history")
    from_phase = models.CharField(max_length=16, choices=Phase.choices, blank=True)
    to_phase = models.CharField(max_length=16, choices=Phase.choices)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"phase change #{self.pk}"


class CameraComfort(models.TextChoices):
    UNSPECIFIED = "", _("Prefer not to say")
    ON = "on", _("Comfortable with camera on")
    SOMETIMES = "sometimes", _("Sometimes")
    OFF = "off", _("Prefer camera off")


class MentorGenderPreference(models.TextChoices):
    NONE = "", _("No preference")
    WOMAN = "woman", _("A woman")
    MAN = "man", _("A man")
    NONBINARY = "nonbinary", _("A non-binary person")


class IntakePreferences(models.Model):
    """What later matching uses. Editable by the person; VISIBILITY says who
    else may see each field, and the form shows it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="intake_preferences"
    )
    languages = models.JSONField(_("languages I speak"), default=list, blank=True)
    availability = models.JSONField(
        _("when I am usually free"),
        default=list,
        blank=True,
        help_text=_("Weekly windows in your own time zone."),
    )
    affinity_interests = models.JSONField(
        _("affinity groups I am interested in"), default=list, blank=True
    )
    use_affinities_for_matching = models.BooleanField(
        _("use my affinity interests when matching me with a buddy or mentor"), default=False
    )
    mentor_gender_preference = models.CharField(
        _("I would prefer a mentor who is"),
        max_length=16,
        choices=MentorGenderPreference.choices,
        blank=True,
        default=MentorGenderPreference.NONE,
    )
    camera_comfort = models.CharField(
        _("camera comfort"), max_length=16, choices=CameraComfort.choices, blank=True, default=""
    )
    updated_at = models.DateTimeField(auto_now=True)

    # Who besides the person may see each field.
    VISIBILITY: ClassVar[dict[str, str]] = {
        "languages": "care_team",
        "availability": "care_team",
        "affinity_interests": "care_team",
        "use_affinities_for_matching": "care_team",
        "mentor_gender_preference": "care_team",
        "camera_comfort": "care_team",
    }

    def __str__(self) -> str:
        return f"preferences #{self.pk}"


class CouplePolicy(models.TextChoices):
    TOGETHER = "together", _("Together: may share breakout rooms and groups")
    APART = "apart", _("Apart: never placed together")


class CoupleLink(TimestampedModel):
    """Two enrolled participants who are partners. Visible to the two of them
    and staff only. ``person_a`` always has the smaller id, so a couple is
    stored once."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="couples")
    person_a = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    person_b = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    policy = models.CharField(
        max_length=16, choices=CouplePolicy.choices, default=CouplePolicy.APART
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "person_a", "person_b"], name="couple_unique"
            ),
            models.CheckConstraint(
                condition=Q(person_a__lt=models.F("person_b")), name="couple_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"couple #{self.pk}"


class DoNotPair(TimestampedModel):
    """Staff record that two people must not be placed together. The reason
    is seen by staff only; the people themselves never see the entry."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="do_not_pair")
    person_a = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    person_b = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason (staff only)"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "person_a", "person_b"], name="donotpair_unique"
            ),
            models.CheckConstraint(
                condition=Q(person_a__lt=models.F("person_b")), name="donotpair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"do-not-pair #{self.pk}"


class AgreementVersion(models.Model):
    """One published version of a program's group agreement (ground rules).
    Versions are never edited: a change publishes a new version, which every
    participant must accept again."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="agreements")
    version = models.PositiveIntegerField()
    body = models.TextField(_("text of the agreement"), max_length=20000)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["program", "version"], name="agreement_version_unique"),
        ]

    def __str__(self) -> str:
        return f"agreement v{self.version}"


class AgreementAcceptance(models.Model):
    agreement = models.ForeignKey(
        AgreementVersion, on_delete=models.PROTECT, related_name="acceptances"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agreement_acceptances"
    )
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "user"], name="agreement_acceptance_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"acceptance #{self.pk}"
