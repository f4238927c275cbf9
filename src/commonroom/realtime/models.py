"""The event log's tables. They began in the spaces app and keep their table
names (``spaces_stream``, ``spaces_event``): the move to ``realtime`` changed
Django's state only, so no row was copied."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Stream(models.Model):
    """A stream of events (``space.<id>``, ``user.<id>``) with its last
    position. Writers bump ``last_position`` with an UPDATE inside their
    transaction: the row lock serialises writers of one stream until commit,
    so positions commit in order and without gaps even on PostgreSQL, where
    plain sequence values can commit out of order."""

    key = models.CharField(max_length=64, unique=True)
    last_position = models.PositiveBigIntegerField(default=0)
    # Retention deletes old events; a cursor below this position would skip
    # the deleted ones silently, so it is told to resync instead.
    pruned_through = models.PositiveBigIntegerField(default=0)

    class Meta:
        db_table = "spaces_stream"

    def __str__(self) -> str:
        return self.key


class Event(models.Model):
    stream = models.ForeignKey(Stream, on_delete=models.CASCADE, related_name="events")
    position = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=32)
    payload = models.JSONField(default=dict)
    # What the event is about (``message.42``), so that withdrawing that
    # thing can tombstone every earlier event carrying its content.
    subject = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "spaces_event"
        ordering = ["stream_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["stream", "position"], name="event_position_unique"),
        ]
        indexes = [
            models.Index(
                fields=["subject"],
                name="event_subject_idx",
                condition=~models.Q(subject=""),
            ),
            models.Index(fields=["created_at"], name="event_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.stream_id}:{self.position}"
