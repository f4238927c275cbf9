"""Live group sessions: recurring series with exceptions, the concrete
sessions they produce, attendance, calendar feeds and tech checks.

A *session* here is a live meeting (the app is called meetings so it does
not clash with Django's sessions).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commonroom.care.models import TherapyGroup
from commonroom.core.models import TimestampedModel


class SessionKind(models.TextChoices):
    GROUP_THERAPY = "group_therapy", _("Group therapy")
    PROCESS = "process", _("Process group")
    SKILLS = "skills", _("Skills workshop")


class VideoProviderKind(models.TextChoices):
    JITSI = "jitsi", _("Jitsi Meet")
    BBB = "bbb", _("BigBlueButton")
    LINK = "link", _("External link")


class SessionSeries(TimestampedModel):
    """A recurring schedule for one therapy group, from an RFC 5545 rule in
    the program's time zone. Several series of one curriculum are the
    program's time slots (morning, evening)."""

    group = models.ForeignKey(TherapyGroup, on_delete=models.CASCADE, related_name="series")
    kind = models.CharField(
        max_length=20, choices=SessionKind.choices, default=SessionKind.GROUP_THERAPY
    )
    title = models.CharField(
        _("title"),
        max_length=120,
        help_text=_("Shown in calendars; keep it neutral, e.g. 'Evening group'."),
    )
    slot_label = models.CharField(_("time slot"), max_length=40, blank=True)
    curriculum = models.CharField(
        _("curriculum"),
        max_length=80,
        blank=True,
        help_text=_("Series with the same curriculum are alternative slots of one program."),
    )
    rule = models.CharField(_("recurrence rule"), max_length=200)
    start_date = models.DateField(_("first date"))
    until = models.DateField(_("last date"), null=True, blank=True)
    local_start = models.TimeField(_("start time (program time zone)"))
    duration_minutes = models.PositiveSmallIntegerField(_("length (minutes)"), default=180)
    video_provider = models.CharField(
        max_length=8, choices=VideoProviderKind.choices, default=VideoProviderKind.JITSI
    )
    external_url = models.URLField(_("external meeting link"), blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "session series"
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=15) & Q(duration_minutes__lte=480),
                name="series_duration_range",
            ),
            models.CheckConstraint(
                condition=~Q(video_provider="link") | ~Q(external_url=""),
                name="series_link_needs_url",
            ),
        ]

    @property
    def rule_in_words(self) -> str:
        """The rule as people read it: "Every week on Monday and Thursday"."""
        from commonroom.meetings import rule_words

        return rule_words.describe(self.rule, first=self.start_date)

    def __str__(self) -> str:
        return self.title


class ExceptionAction(models.TextChoices):
    CANCEL = "cancel", _("Cancelled")
    MOVE = "move", _("Moved")


class SessionException(models.Model):
    """One occurrence cancelled (a holiday) or moved to another time."""

    series = models.ForeignKey(SessionSeries, on_delete=models.CASCADE, related_name="exceptions")
    original_date = models.DateField()
    action = models.CharField(max_length=8, choices=ExceptionAction.choices)
    new_starts_at = models.DateTimeField(null=True, blank=True)
    new_duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "original_date"], name="exception_unique"),
            models.CheckConstraint(
                condition=Q(action="cancel") | Q(new_starts_at__isnull=False),
                name="exception_move_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"exception #{self.pk}"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class SessionQuerySet(models.QuerySet["Session"]):
    def upcoming(self) -> SessionQuerySet:
        return self.filter(ends_at__gt=timezone.now(), status=SessionStatus.SCHEDULED)


class Session(models.Model):
    """One concrete meeting of a series, identified by the date the rule gave
    it (a moved session keeps its original date)."""

    series = models.ForeignKey(SessionSeries, on_delete=models.CASCADE, related_name="sessions")
    original_date = models.DateField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    moved = models.BooleanField(default=False)
    attendance_finalised_at = models.DateTimeField(null=True, blank=True)
    attendance_finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["series", "original_date"], name="session_unique"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["starts_at"], name="session_starts")]

    def __str__(self) -> str:
        return f"session #{self.pk}"

    @property
    def group(self) -> TherapyGroup:
        return self.series.group

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    LEFT_EARLY = "left_early", _("Left early")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")


class AttendanceSource(models.TextChoices):
    # Recorded on the click, before the room link existed (rooms.py); kept
    # so that older records still read.
    JOIN_CLICK = "join_click", _("Joined from Commonroom")
    ROOM_LINK = "room_link", _("Arrived through Commonroom's room link")
    PROVIDER = "provider", _("Video provider callback")
    FACILITATOR = "facilitator", _("Facilitator")


class PresenceEvent(models.Model):
    """A raw join or leave, from the join button, a provider callback or a
    facilitator. Attendance is computed from these and can be finalised."""

    class Kind(models.TextChoices):
        JOIN = "join", _("Joined")
        LEAVE = "leave", _("Left")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="presence")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=12, choices=AttendanceSource.choices)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["session", "user", "at"], name="presence_session_user")]

    def __str__(self) -> str:
        return f"presence #{self.pk}"


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendance"
    )
    status = models.CharField(max_length=12, choices=AttendanceStatus.choices)
    minutes = models.PositiveSmallIntegerField(default=0)
    participation = models.CharField(
        _("participation line"), max_length=500, blank=True, help_text=_("Staff only.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="attendance_unique"),
        ]

    def __str__(self) -> str:
        return f"attendance #{self.pk}"


class GroupNote(models.Model):
    """A facilitator's note for the whole session, written once; it lands in
    each attendee's record beside their own participation line."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="group_note")
    body = models.TextField(max_length=10000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"group note #{self.pk}"


class CalendarFeed(models.Model):
    """A private iCalendar feed URL. Only the SHA-256 of its secret is kept;
    revoking deletes the row and the URL stops working."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"calendar feed #{self.pk}"


class TechCheck(models.Model):
    """The result of a person's camera and microphone check before their
    first session, so facilitators see who may need tech help."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tech_checks"
    )
    camera_ok = models.BooleanField(null=True)
    microphone_ok = models.BooleanField(null=True)
    reminders_read = models.BooleanField(default=False)
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-checked_at"]

    def __str__(self) -> str:
        return f"tech check #{self.pk}"


class TechHelpRequest(models.Model):
    """'I'm having trouble joining': staff see these live."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="help_requests", null=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"tech help #{self.pk}"


# --- the facilitator console: shares, breakouts, prompts, co-leads ------------


class ShareKind(models.TextChoices):
    SHARED = "shared", _("Shared")
    PASSED = "passed", _("Passed")


class ShareLength(models.TextChoices):
    BRIEF = "brief", _("Brief")
    MEDIUM = "medium", _("Medium")
    LONG = "long", _("Long")


class ShareLog(models.Model):
    """The facilitator marks who has shared (and roughly how long) or passed
    in the go-round, so the console can show who has not been heard yet. Only
    the fact, the time and the rough length, never what was said."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=ShareKind.choices, default=ShareKind.SHARED)
    length = models.CharField(max_length=8, choices=ShareLength.choices, blank=True)
    at = models.DateTimeField(default=timezone.now)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"share #{self.pk}"


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class BreakoutRound(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="breakout_rounds")
    status = models.CharField(max_length=8, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    duration_minutes = models.PositiveSmallIntegerField(default=15)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    broadcast = models.CharField(max_length=300, blank=True)
    broadcast_at = models.DateTimeField(null=True, blank=True)
    explanation = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=120),
                name="round_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return f"breakout round #{self.pk}"


class BreakoutRoom(models.Model):
    round = models.ForeignKey(BreakoutRound, on_delete=models.CASCADE, related_name="rooms")
    number = models.PositiveSmallIntegerField()
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    facilitator_asked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="breakout_room_unique"),
        ]

    def __str__(self) -> str:
        return f"room {self.number}"


class SharingPrompt(models.Model):
    """A thematic sharing exercise: the program's library (owner empty) or a
    facilitator's own."""

    program = models.ForeignKey(
        "care.Program", on_delete=models.CASCADE, related_name="prompts", null=True, blank=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Set for the starter library's prompts (prompts.STARTER_LIBRARY): their
    # English text is a translation msgid, so each person reads it in their
    # own language. A facilitator's own prompt is shown as written.
    key = models.SlugField(max_length=64, blank=True)
    text = models.CharField(_("prompt"), max_length=500)
    tags = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=~models.Q(key="") & models.Q(program__isnull=True),
                name="library_prompt_key_unique",
            )
        ]

    def __str__(self) -> str:
        return f"prompt #{self.pk}"

    @property
    def shown_text(self) -> str:
        return gettext(self.text) if self.key else self.text


class SessionPlan(models.Model):
    """What the facilitator prepared for a session: the sharing prompt and the
    rotating co-lead."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="plan")
    prompt = models.ForeignKey(
        SharingPrompt, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    co_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    co_lead_held = models.BooleanField(
        null=True, help_text="Set after the session: did the co-lead attend and lead?"
    )

    def __str__(self) -> str:
        return f"plan #{self.pk}"


class CoLeadOptIn(models.Model):
    group = models.ForeignKey(
        TherapyGroup, on_delete=models.CASCADE, related_name="co_lead_opt_ins"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    opted_in_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="colead_optin_unique"),
        ]

    def __str__(self) -> str:
        return f"co-lead opt-in #{self.pk}"
