"""Base pieces every domain model shares."""

from __future__ import annotations

from django.db import models


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One append-only, hash-chained line of the audit log: who did or saw
    what, of whose record, when and from where. Never message text, names of
    conditions or scores: ``detail`` holds ids and labels only.

    People and objects are kept as plain ids, not foreign keys, so deleting a
    person never rewrites (and so never breaks) the chain.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    actor_id = models.PositiveBigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    subject_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Whose record this touched."
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["subject_id", "seq"], name="audit_subject_seq"),
            models.Index(fields=["actor_id", "seq"], name="audit_actor_seq"),
        ]

    def __str__(self) -> str:
        return f"audit #{self.seq} {self.action}"


class AuditChainHead(models.Model):
    """A single row holding the chain's end. Writers lock it, so two
    concurrent appends cannot both chain onto the same previous entry."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head at {self.last_seq}"
