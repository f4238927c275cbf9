"""Base pieces every domain model shares."""

from __future__ import annotations

from django.db import models


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One append-only line of the audit log: who did or saw what, of whose
    record, when and from where. Never message text, names of conditions or
    scores: ``detail`` holds ids and labels only.

    ``seq`` comes from the database's sequence, so writers never wait on each
    other; ``mac`` is a keyed hash of the entry's own fields written with it,
    so a row inserted by someone without the key is told apart. The order is
    fixed later, when ``AuditSeal`` chains the entry (see core/audit.py).

    People and objects are kept as plain ids, not foreign keys, so deleting a
    person never rewrites (and so never breaks) the chain.
    """

    seq = models.BigAutoField(primary_key=True)
    uid = models.UUIDField(unique=True, editable=False)
    at = models.DateTimeField()
    actor_id = models.PositiveBigIntegerField(null=True, blank=True)
    # No choices= here: the vocabulary (core.audit.AuditAction) grows with
    # every app, and a choices list would make each new action a migration.
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    subject_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Whose record this touched."
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    mac = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["subject_id", "seq"], name="audit_subject_seq"),
            models.Index(fields=["actor_id", "seq"], name="audit_actor_seq"),
        ]

    def __str__(self) -> str:
        return f"audit #{self.seq} {self.action}"


class AuditSeal(models.Model):
    """The chain: the entry sealed at ``position`` and a keyed hash over it
    and the seal before. Append-only like the entries. ``entry_seq`` is a
    plain id, not a foreign key, so a removed entry leaves its seal behind
    for ``audit verify`` to report."""

    position = models.PositiveBigIntegerField(primary_key=True)
    entry_seq = models.PositiveBigIntegerField(unique=True)
    mac = models.CharField(max_length=64)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"audit seal {self.position} (entry #{self.entry_seq})"


class AuditChainHead(models.Model):
    """A single row holding the chain's end. Only the sealer locks it (never
    a writer), so sealing runs one at a time and writers never wait.
    ``scan_from`` is the entry below which everything is sealed except
    entries that committed very late (see core/audit.py); ``mac`` keys the
    row, so the end cannot be wound back to hide removed seals."""

    last_position = models.PositiveBigIntegerField(default=0)
    last_mac = models.CharField(max_length=64, default="0" * 64)
    scan_from = models.PositiveBigIntegerField(default=0)
    mac = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"audit head at {self.last_position}"
