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
    JOIN_CLICK = "join_click", _("Joined from Commonroom")
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
