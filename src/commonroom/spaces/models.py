"""Peer spaces between sessions: spaces, threads, messages, reactions,
check-ins (the event log live pages resume from is realtime.models).

Membership of a space is never stored: it is derived from enrollment, group
membership and phase (see spaces/access.py), so it cannot drift.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The event log moved to realtime; re-exported for imports written before.
from commonroom.realtime.models import Event as Event
from commonroom.realtime.models import Stream as Stream

MESSAGE_MAX_CHARS = 4000


class SpaceScope(models.TextChoices):
    PROGRAM = "program", _("Whole program")
    GROUP = "group", _("Therapy group")
    ALUMNI = "alumni", _("Alumni")
    # Private spaces of a relationship; who belongs is derived by the app
    # that owns the relationship (see ``access.register_scope``).
    BUDDY = "buddy", _("Buddy pair")
    MENTORSHIP = "mentorship", _("Mentor and mentee")


class SpaceKind(models.TextChoices):
    CHECKIN = "checkin", _("Daily check-in")
    GOALS = "goals", _("Goals & accountability")
    RESOURCES = "resources", _("Resources")
    CELEBRATIONS = "celebrations", _("Celebrations")
    GENERAL = "general", _("General")


class Space(models.Model):
    program = models.ForeignKey("care.Program", on_delete=models.CASCADE, related_name="spaces")
    scope = models.CharField(max_length=12, choices=SpaceScope.choices)
    group = models.ForeignKey(
        "care.TherapyGroup",
        on_delete=models.CASCADE,
        related_name="spaces",
        null=True,
        blank=True,
        help_text="For a therapy group's (or affinity group's) space.",
    )
    kind = models.CharField(max_length=16, choices=SpaceKind.choices)
    name = models.CharField(_("name"), max_length=120)
    # Named by provisioning ("Group A · Daily check-in"), not by a person: the
    # kind part is shown in each reader's language (``shown_name``).
    name_is_default = models.BooleanField(default=False)
    allow_alias = models.BooleanField(
        _("allow posting under an alias"),
        default=False,
        help_text=_("Peers see the alias; staff still see who posted."),
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["program_id", "scope", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="group", group__isnull=False)
                | (~Q(scope="group") & Q(group__isnull=True)),
                name="space_group_matches_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"space #{self.pk}"

    @property
    def stream_key(self) -> str:
        return f"space.{self.pk}"

    @property
    def shown_name(self) -> str:
        """The name as this reader sees it: a name someone chose stays as
        written; a default one is said in the reader's language (the group's
        name before " · " stays as stored, so no query is made)."""
        if not self.name_is_default:
            return self.name
        from commonroom.spaces.provisioning import default_kind_name

        kind_name = default_kind_name(self.scope, self.kind)
        prefix, separator, _rest = self.name.rpartition(" · ")
        return f"{prefix} · {kind_name}" if separator and self.scope == "group" else kind_name


class Thread(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(_("title"), max_length=160)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    locked_at = models.DateTimeField(null=True, blank=True)
    # Sent by a client that starts the thread, so a retried start finds the
    # thread it already made; threads the system opens have none.
    client_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-last_activity_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["created_by", "client_id"], name="thread_client_id"),
        ]

    def __str__(self) -> str:
        return f"thread #{self.pk}"


class Message(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="messages")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="space_messages"
    )
    # Set by the browser or API client before the first try; a retry with the
    # same id returns the stored message instead of a second copy.
    client_id = models.UUIDField(default=uuid.uuid4)
    as_alias = models.BooleanField(default=False)
    body = models.TextField(max_length=MESSAGE_MAX_CHARS)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["author", "client_id"], name="message_client_id"),
        ]
        indexes = [models.Index(fields=["space", "created_at"])]

    def __str__(self) -> str:
        return f"message #{self.pk}"


class MessageRevision(models.Model):
    """The text before an edit; moderators see the history, peers don't."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["replaced_at", "pk"]

    def __str__(self) -> str:
        return f"revision #{self.pk}"


class ReactionKind(models.TextChoices):
    HEART = "heart", _("Sending love")
    CLAP = "clap", _("Proud of you")
    STRONG = "strong", _("Stay strong")
    HUG = "hug", _("Hug")
    SAME = "same", _("Me too")


class Reaction(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=ReactionKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "user", "kind"], name="reaction_once"),
        ]

    def __str__(self) -> str:
        return f"reaction #{self.pk}"


class Mention(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "user"], name="mention_once"),
        ]

    def __str__(self) -> str:
        return f"mention #{self.pk}"


class ReadMark(models.Model):
    """How far a person has read a space: unread counts come from this."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")
    last_read_message_id = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "space"], name="readmark_once"),
        ]

    def __str__(self) -> str:
        return f"read mark #{self.pk}"


# --- check-ins ------------------------------------------------------------------------


class CheckInAudience(models.TextChoices):
    GROUP = "group", _("My group")
    BUDDY = "buddy", _("My buddy")
    MENTOR = "mentor", _("My mentor")
    FACILITATORS = "facilitators", _("Facilitators only")


class CheckIn(models.Model):
    """A structured daily check-in. Mood and craving are health information:
    peers see them only when the person shares the check-in with them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins"
    )
    program = models.ForeignKey("care.Program", on_delete=models.CASCADE, related_name="+")
    client_id = models.UUIDField(default=uuid.uuid4)
    mood = models.PositiveSmallIntegerField(_("mood (1-10)"))
    craving = models.PositiveSmallIntegerField(_("craving (0-10)"))
    sleep_hours = models.DecimalField(_("hours of sleep"), max_digits=3, decimal_places=1)
    grateful_for = models.CharField(_("one thing I'm grateful for"), max_length=280, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    audience = models.CharField(max_length=12, choices=CheckInAudience.choices)
    local_date = models.DateField(help_text="The day in the person's own time zone.")
    created_at = models.DateTimeField(default=timezone.now)
    message = models.OneToOneField(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="checkin"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "client_id"], name="checkin_client_id"),
            models.CheckConstraint(condition=Q(mood__gte=1, mood__lte=10), name="checkin_mood"),
            models.CheckConstraint(condition=Q(craving__lte=10), name="checkin_craving"),
            models.CheckConstraint(
                condition=Q(sleep_hours__gte=0, sleep_hours__lte=24), name="checkin_sleep"
            ),
        ]

    def __str__(self) -> str:
        return f"check-in #{self.pk}"


# --- moderation -------------------------------------------------------------------


class Report(models.Model):
    """Anyone can report a message; the space's staff work the queue. The
    reporter is told the report was handled, never what was done."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "reported_by"],
                condition=Q(handled_at__isnull=True),
                name="report_open_once",
            ),
        ]

    def __str__(self) -> str:
        return f"report #{self.pk}"


class Mute(models.Model):
    """A person may not post in a space until ``until``."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="mutes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    until = models.DateTimeField()
    muted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"mute #{self.pk}"


class ModerationNote(models.Model):
    """A private note among the space's staff about a message or person."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="moderation_notes")
    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    about = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(max_length=2000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"moderation note #{self.pk}"


# --- resources ----------------------------------------------------------------------


def _upload_to(instance: Resource, filename: str) -> str:
    # Never the person's file name on disk: a random name under the space.
    return f"resources/{instance.space_id}/{uuid.uuid4().hex}"


class Resource(models.Model):
    """A link or a file shared in a space. Files are checked on their bytes,
    images are re-encoded (no EXIF, no location), and everything is served
    only to the space's members."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="resources")
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    client_id = models.UUIDField(default=uuid.uuid4)
    title = models.CharField(_("title"), max_length=160)
    url = models.URLField(_("link"), max_length=500, blank=True)
    file = models.FileField(upload_to=_upload_to, blank=True)
    content_type = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    original_name = models.CharField(max_length=160, blank=True)
    pinned_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = [models.F("pinned_at").desc(nulls_last=True), "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["posted_by", "client_id"], name="resource_client_id"),
            models.CheckConstraint(
                condition=(Q(url="") & ~Q(file="")) | (~Q(url="") & Q(file="")),
                name="resource_link_or_file",
            ),
        ]

    def __str__(self) -> str:
        return f"resource #{self.pk}"


# --- the email digest ---------------------------------------------------------------


class DigestSubscription(models.Model):
    """A person's choice to get the daily unread digest (off unless chosen)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest"
    )
    enabled = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"digest subscription #{self.pk}"


class DigestSent(models.Model):
    """One digest per person per local day: the job claims this row first."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    count = models.PositiveIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_a_day")]

    def __str__(self) -> str:
        return f"digest #{self.pk}"


# --- goals and accountability -------------------------------------------------------


class GoalCadence(models.TextChoices):
    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("A number of times a week")


class GoalStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Goal(models.Model):
    """A goal a person sets for themselves, with its accountability thread in
    their therapy group's goals space. The thread is for peers; how often the
    person planned to check in and how often they did is theirs alone."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="goals"
    )
    program = models.ForeignKey("care.Program", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(
        "care.TherapyGroup", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    client_id = models.UUIDField(default=uuid.uuid4)
    what = models.CharField(_("goal"), max_length=200)
    by_when = models.DateField(_("by when"), null=True, blank=True)
    cadence = models.CharField(max_length=8, choices=GoalCadence.choices)
    times_per_week = models.PositiveSmallIntegerField(_("check-ins a week"))
    status = models.CharField(max_length=8, choices=GoalStatus.choices, default=GoalStatus.ACTIVE)
    thread = models.OneToOneField(
        Thread, on_delete=models.SET_NULL, null=True, blank=True, related_name="goal"
    )
    starts_on = models.DateField(help_text="The day it was set, in the person's own time zone.")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "client_id"], name="goal_client_id"),
            models.CheckConstraint(
                condition=Q(times_per_week__gte=1, times_per_week__lte=7),
                name="goal_times_per_week",
            ),
            models.CheckConstraint(
                condition=~Q(cadence="daily") | Q(times_per_week=7), name="goal_daily_is_seven"
            ),
        ]

    def __str__(self) -> str:
        return f"goal #{self.pk}"


class GoalProgress(models.Model):
    """One progress check-in on a goal: the message in the goal's thread, and
    the day it counts for in the person's own time zone (kept as posted, so a
    later change of time zone does not move past check-ins)."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="progress")
    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="goal_progress")
    local_date = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"goal progress #{self.pk}"


# --- milestones and celebrations ----------------------------------------------------


class RecoveryCounter(models.Model):
    """An opt-in count of days since a start date the person chose. No row
    means off (the default). Only the person ever sees it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_counter"
    )
    start_date = models.DateField(_("counting from"))
    hidden = models.BooleanField(
        _("hide the count"),
        default=False,
        help_text=_("Keep the date, but don't show the count or offer day milestones."),
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"recovery counter #{self.pk}"


class MilestoneStatus(models.TextChoices):
    OFFERED = "offered", _("Offered")
    SHARED = "shared", _("Shared")
    DISMISSED = "dismissed", _("Not now")


class Milestone(models.Model):
    """A milestone reached, offered to the person as a celebration they may
    share (never posted for them). One per person, key and run: ``run`` is
    the recovery counter's start date for day milestones (a new start date
    can earn "30 days" again) and empty for the others."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="milestones"
    )
    program = models.ForeignKey(
        "care.Program", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    key = models.CharField(max_length=32)
    run = models.CharField(max_length=10, blank=True, default="")
    reached_on = models.DateField(help_text="In the person's own time zone.")
    status = models.CharField(
        max_length=10, choices=MilestoneStatus.choices, default=MilestoneStatus.OFFERED
    )
    message = models.OneToOneField(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="milestone"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key", "run"], name="milestone_once"),
        ]

    def __str__(self) -> str:
        return f"milestone #{self.pk}"
