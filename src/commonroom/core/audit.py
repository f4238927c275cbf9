"""The audit log: append-only and hash-chained.

Each entry's hash covers its own fields and the previous entry's hash, so
editing, removing or reordering any row breaks every hash after it, and
``commonroom audit verify`` names the first entry that no longer fits.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction
from django.utils import timezone

from commonroom.core.models import AuditChainHead, AuditEntry

GENESIS = "0" * 64

# The client address of the request being served, set by middleware.
request_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "commonroom_request_ip", default=None
)


def entry_hash(
    *,
    seq: int,
    at: str,
    actor_id: int | None,
    action: str,
    target_type: str,
    target_id: str,
    subject_id: int | None,
    ip: str | None,
    detail: dict[str, Any],
    prev_hash: str,
) -> str:
    canonical = json.dumps(
        [seq, at, actor_id, action, target_type, target_id, subject_id, ip, detail, prev_hash],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _hash_of(entry: AuditEntry) -> str:
    return entry_hash(
        seq=entry.seq,
        at=entry.at.astimezone(UTC).isoformat(),
        actor_id=entry.actor_id,
        action=entry.action,
        target_type=entry.target_type,
        target_id=entry.target_id,
        subject_id=entry.subject_id,
        ip=entry.ip,
        detail=entry.detail,
        prev_hash=entry.prev_hash,
    )


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    subject: Any = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Appends one entry. Call inside the transaction of the change it records,
    so the entry and the change commit together."""
    actor_id = None if actor is None or isinstance(actor, AnonymousUser) else actor.pk
    subject_id = subject.pk if subject is not None else None
    with transaction.atomic():
        # Locking the head row serialises appends (SQLite serialises writers
        # anyway); without it two writers could chain onto the same hash.
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        at = timezone.now()
        entry = AuditEntry(
            seq=head.last_seq + 1,
            at=at,
            actor_id=actor_id,
            action=action,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            subject_id=subject_id,
            ip=request_ip.get(),
            detail=detail or {},
            prev_hash=head.last_hash,
        )
        entry.hash = _hash_of(entry)
        entry.save(force_insert=True)
        head.last_seq = entry.seq
        head.last_hash = entry.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return entry


@dataclass(frozen=True, slots=True)
class Break:
    seq: int
    reason: str


def verify() -> Break | None:
    """Walks the chain; returns the first entry that does not fit, or None."""
    expected_prev = GENESIS
    expected_seq = 1
    entries: Iterator[AuditEntry] = AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)
    for entry in entries:
        if entry.seq != expected_seq:
            return Break(expected_seq, "entry is missing")
        if entry.prev_hash != expected_prev:
            return Break(entry.seq, "does not chain onto the entry before it")
        if _hash_of(entry) != entry.hash:
            return Break(entry.seq, "was altered after it was written")
        expected_prev = entry.hash
        expected_seq += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    last_seq = expected_seq - 1
    if head is not None and (head.last_seq != last_seq or head.last_hash != expected_prev):
        return Break(last_seq + 1, "entries after this point were removed")
    return None
