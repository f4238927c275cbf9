"""The audit log: append-only entries, sealed into a keyed chain.

Writing and chaining are apart, so that audited writes never wait on each
other. ``record()`` inserts one row and takes no lock: its ``seq`` comes from
the database's sequence and its ``mac`` is an HMAC of its own fields under
``settings.AUDIT_KEY``. ``seal()`` (a durable job after each audited commit,
``commonroom audit seal``, and the first step of ``audit verify``) then claims
the unsealed entries and appends one ``AuditSeal`` each, whose HMAC covers
its position, the entry and the seal before it.

The key never enters the database, so someone who can write the audit tables
can neither make an entry of their own that verifies nor recompute the chain
after an edit. ``commonroom audit verify`` names the first entry that was
altered, removed, inserted or moved.
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import json
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import models, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from commonroom.core.models import AuditChainHead, AuditEntry, AuditSeal

logger = logging.getLogger(__name__)

GENESIS = "0" * 64

# The client address of the request being served, set by middleware.
request_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "commonroom_request_ip", default=None
)

# How long a transaction may hold an entry's seq before committing and still
# be sealed by the quick (incremental) scan; see ``seal()``.
LATE_COMMIT_MARGIN = timedelta(minutes=10)


class AuditAction(StrEnum):
    """Every kind of audit entry. ``record()`` takes only these, so a typo
    is an error in review and in mypy, not a line nobody can search for."""

    ADMIN_LIST_READ = "admin.list_read"
    ADMIN_READ = "admin.read"
    AFFINITY_ARCHIVE = "affinity.archive"
    AFFINITY_ATTACH = "affinity.attach"
    AFFINITY_CREATE = "affinity.create"
    AFFINITY_QUEUE_READ = "affinity.queue.read"
    AFFINITY_REQUEST = "affinity.request"
    AFFINITY_REQUEST_APPROVED = "affinity.request.approved"
    AFFINITY_REQUEST_DECLINED = "affinity.request.declined"
    AFFINITY_REQUEST_WITHDRAWN = "affinity.request.withdrawn"
    AFFINITY_UPDATE = "affinity.update"
    AGREEMENT_ACCEPT = "agreement.accept"
    AGREEMENT_PUBLISH = "agreement.publish"
    ALUMNI_SETTINGS = "alumni.settings"
    API_TOKEN_ISSUE = "api_token.issue"  # noqa: S105 - an action name, not a secret
    API_TOKEN_REVOKE = "api_token.revoke"  # noqa: S105 - an action name, not a secret
    ATTENDANCE_CORRECT = "attendance.correct"
    ATTENDANCE_FINALISE = "attendance.finalise"
    BREAKOUTS_CLOSE = "breakouts.close"
    BREAKOUTS_OPEN = "breakouts.open"
    BREAKOUTS_PLAN = "breakouts.plan"
    BUDDIES_HEALTH_READ = "buddies.health_read"
    BUDDIES_OPT_IN = "buddies.opt_in"
    BUDDIES_OPT_OUT = "buddies.opt_out"
    BUDDIES_PAIR_ENDED = "buddies.pair_ended"
    BUDDIES_PAIR_FORMED = "buddies.pair_formed"
    BUDDIES_PAIRING_PREVIEW = "buddies.pairing_preview"
    BUDDIES_PAIRING_RUN = "buddies.pairing_run"
    BUDDIES_REQUEST = "buddies.request"
    BUDDIES_RHYTHM = "buddies.rhythm"
    CALENDAR_FEED_CREATE = "calendar_feed.create"
    CALENDAR_FEED_FETCH = "calendar_feed.fetch"
    CALENDAR_FEED_REVOKE = "calendar_feed.revoke"
    CHECKIN_CREATE = "checkin.create"
    CHECKIN_READ = "checkin.read"
    COUPLE_LINK = "couple.link"
    COUPLE_POLICY = "couple.policy"
    COUPLE_UNLINK = "couple.unlink"
    DO_NOT_PAIR_ADD = "do_not_pair.add"
    DO_NOT_PAIR_LIST = "do_not_pair.list"
    DO_NOT_PAIR_REMOVE = "do_not_pair.remove"
    ENROLLMENT_PHASE = "enrollment.phase"
    FLAG_ACKNOWLEDGED = "flag.acknowledged"
    FLAG_RAISE = "flag.raise"
    FLAG_READ = "flag.read"
    FLAG_RESOLVED = "flag.resolved"
    GATHERING_CANCEL = "gathering.cancel"
    GATHERING_CANCEL_OCCURRENCE = "gathering.cancel_occurrence"
    GATHERING_CREATE = "gathering.create"
    GATHERING_FEED_FETCH = "gathering_feed.fetch"
    GATHERING_RSVP = "gathering.rsvp"
    GATHERING_UPDATE = "gathering.update"
    GOAL_CLOSE = "goal.close"
    GOAL_CREATE = "goal.create"
    GOAL_READ = "goal.read"
    GROUP_CREATE = "group.create"
    GROUP_NOTE_WRITE = "group_note.write"
    GROUP_PLACE = "group.place"
    GROUP_REMOVE = "group.remove"
    GROUP_UPDATE = "group.update"
    INVITATION_ACCEPT = "invitation.accept"
    INVITATION_CREATE = "invitation.create"
    INVITATION_REVOKE = "invitation.revoke"
    MENTOR_AGREEMENT_PUBLISH = "mentor.agreement.publish"
    MENTOR_AGREEMENT_SIGN = "mentor.agreement.sign"
    MENTOR_APPLY = "mentor.apply"
    MENTOR_MATCHING_CONFIRM = "mentor.matching.confirm"
    MENTOR_PROFILE_UPDATE = "mentor.profile.update"
    MENTOR_REQUEST = "mentor.request"
    MENTOR_REQUEST_WITHDRAW = "mentor.request.withdraw"
    MENTOR_SETTINGS = "mentor.settings"
    MENTOR_STATE = "mentor.state"
    MENTOR_TRAINING_CONFIRM = "mentor.training.confirm"
    MENTOR_TRAINING_RECORD = "mentor.training.record"
    MENTORSHIP_END = "mentorship.end"
    MENTORSHIP_START = "mentorship.start"
    PREFERENCES_READ = "preferences.read"
    PREFERENCES_UPDATE = "preferences.update"
    PROFILE_READ = "profile.read"
    PROFILE_UPDATE = "profile.update"
    PROGRAM_UPDATE = "program.update"
    RECOVERY_COUNTER_OFF = "recovery_counter.off"
    RECOVERY_COUNTER_SET = "recovery_counter.set"
    SERIES_CANCEL = "series.cancel"
    SERIES_CREATE = "series.create"
    SERIES_MOVE = "series.move"
    SESSION_PROMPT = "session.prompt"
    SPACE_MESSAGE_HIDE = "space.message.hide"
    SPACE_MESSAGE_RESTORE = "space.message.restore"
    SPACE_MODERATION_NOTE = "space.moderation_note"
    SPACE_MODERATION_NOTE_READ = "space.moderation_note.read"
    SPACE_MUTE = "space.mute"
    SPACE_REPORT = "space.report"
    SPACE_REPORT_HANDLED = "space.report.handled"
    SPACE_RESOURCE_PIN = "space.resource.pin"
    SPACE_RESOURCE_REMOVE = "space.resource.remove"
    SPACE_RESOURCE_UNPIN = "space.resource.unpin"
    SPACE_THREAD_LOCK = "space.thread.lock"
    SPACE_THREAD_UNLOCK = "space.thread.unlock"
    TRACK_CREATE = "track.create"
    TRACK_UPDATE = "track.update"
    VOLUNTEER_CLOSE = "volunteer.close"
    VOLUNTEER_CONFIRM = "volunteer.confirm"
    VOLUNTEER_CREATE = "volunteer.create"
    VOLUNTEER_SIGN_UP = "volunteer.sign_up"
    VOLUNTEER_WITHDRAW = "volunteer.withdraw"


def _mac(*parts: Any) -> str:
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hmac.new(settings.AUDIT_KEY, canonical.encode("ascii"), hashlib.sha256).hexdigest()


def entry_mac(entry: AuditEntry) -> str:
    """Covers everything the entry says except its seq, which the database
    assigns on insert; the seal binds the seq."""
    return _mac(
        "entry",
        str(entry.uid),
        entry.at.astimezone(UTC).isoformat(),
        entry.actor_id,
        entry.action,
        entry.target_type,
        entry.target_id,
        entry.subject_id,
        entry.ip,
        entry.detail,
    )


def seal_mac(*, position: int, entry_seq: int, entry_mac: str, prev: str) -> str:
    return _mac("seal", position, entry_seq, entry_mac, prev)


def head_mac(head: AuditChainHead) -> str:
    return _mac("head", head.last_position, head.last_mac, head.scan_from)


def record(
    *,
    actor: Any,
    action: AuditAction,
    target: models.Model | None = None,
    subject: Any = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Appends one entry. Call inside the transaction of the change it records,
    so the entry and the change commit together. Takes no lock."""
    if not isinstance(action, AuditAction):
        raise TypeError(f"audit actions are AuditAction members, not {action!r}")
    entry = AuditEntry(
        uid=uuid.uuid4(),
        at=timezone.now(),
        actor_id=None if actor is None or isinstance(actor, AnonymousUser) else actor.pk,
        action=action.value,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        subject_id=subject.pk if subject is not None else None,
        # Stored as the database will give it back (IPv6 is normalised).
        ip=AuditEntry._meta.get_field("ip").get_prep_value(request_ip.get()),
        # JSON round trip, so the mac covers what the database will give back.
        detail=json.loads(json.dumps(detail or {})),
    )
    entry.mac = entry_mac(entry)
    entry.save(force_insert=True)
    _request_seal()
    return entry


# A seal job already queued and not yet started takes every entry committed
# before it runs, so a burst of audited commits needs one job, not one each.
SEAL_QUEUED_KEY = "commonroom:audit:seal-queued"
SEAL_QUEUED_SECONDS = 30


def _request_seal() -> None:
    """Sealing after commit, not as a job written with the change: a lost
    request costs nothing, the next seal (or verify) takes every unsealed
    entry. One request per transaction, however many entries it appends (a
    list read records one per person). robust: a failing seal must never
    fail the person's request."""
    connection = transaction.get_connection()
    if any(func is _enqueue_seal for _sids, func, _robust in connection.run_on_commit):
        return
    transaction.on_commit(_enqueue_seal, robust=True)


def _enqueue_seal() -> None:
    from commonroom.core.tasks import seal_audit_log

    try:
        # The job clears the mark when it starts (core/tasks.py), so an entry
        # committed after that asks for a job of its own; the timeout covers a
        # cache the worker does not share (per process) or a job that died.
        if not cache.add(SEAL_QUEUED_KEY, 1, timeout=SEAL_QUEUED_SECONDS):
            return
    except Exception:  # an unreachable cache must not stop sealing
        logger.warning("cache unreachable; queueing an audit seal anyway", exc_info=True)
    seal_audit_log.enqueue()


def audited_read(
    viewer: Any,
    *,
    action: AuditAction,
    subject: Any = None,
    obj: models.Model | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Records that ``viewer`` read ``obj`` (or a list, with ``detail``) of
    ``subject``'s protected data, committed at once even outside a
    transaction."""
    with transaction.atomic():
        record(actor=viewer, action=action, target=obj, subject=subject, detail=detail)


def audited_reads[T: models.Model](
    viewer: Any,
    *,
    action: AuditAction,
    rows: Iterable[T],
    subject_of: Callable[[T], Any],
    ids_key: str,
    obj: models.Model | None = None,
) -> None:
    """A list read: one entry per person whose rows ``viewer`` saw, naming the
    rows by id, in person order so retries write the same lines."""
    by_subject: dict[int, tuple[Any, list[int]]] = {}
    for row in rows:
        subject = subject_of(row)
        by_subject.setdefault(subject.pk, (subject, []))[1].append(row.pk)
    with transaction.atomic():
        for _pk, (subject, ids) in sorted(by_subject.items(), key=lambda item: item[0]):
            record(actor=viewer, action=action, target=obj, subject=subject, detail={ids_key: ids})


def seal(*, full: bool = False, batch: int = 1000) -> int:
    """Chains every committed, unsealed entry; returns how many it sealed.

    The race this handles: a sequence hands out seqs at insert, but
    transactions commit in their own order. Writer A takes seq 10, writer B
    seq 11, B commits, a seal run sees 11 and not 10, and seals 11; then A
    commits. So the chain's order is the order of sealing, not of seq: entry
    10 is sealed in a later run, after 11, and verify accepts any order the
    seals fixed. Nothing is skipped for good either: the quick scan looks only
    above ``scan_from``, which trails the newest sealed entry by
    LATE_COMMIT_MARGIN (no transaction stays open that long), and a full run
    (``audit seal --full``, and every ``audit verify``) scans every entry.

    Only sealers lock the head row, so they run one at a time and two cannot
    chain onto the same seal; writers never touch it.
    """
    total = 0
    while True:
        with transaction.atomic():
            head = _locked_head()
            if not _head_is_trusted(head):
                logger.error("audit chain head does not verify; not sealing")
                return total
            unsealed = AuditEntry.objects.filter(~_is_sealed()).order_by("seq")
            if not full:
                unsealed = unsealed.filter(seq__gt=head.scan_from)
            chunk = list(unsealed[:batch])
            for entry in chunk:
                if not hmac.compare_digest(entry.mac, entry_mac(entry)):
                    # Not written by Commonroom (or changed before sealing):
                    # never chain it in; verify names it.
                    logger.error("audit entry %s does not verify; left unsealed", entry.seq)
                    continue
                position = head.last_position + 1
                mac = seal_mac(
                    position=position, entry_seq=entry.seq, entry_mac=entry.mac, prev=head.last_mac
                )
                AuditSeal.objects.create(position=position, entry_seq=entry.seq, mac=mac)
                head.last_position, head.last_mac = position, mac
                total += 1
            head.scan_from = _new_scan_from(head.scan_from, chunk if len(chunk) == batch else None)
            head.mac = head_mac(head)
            head.save()
        if len(chunk) < batch:
            return total


def _head_is_trusted(head: AuditChainHead) -> bool:
    """A head without a mac is trusted only while nothing is sealed: a
    blanked or re-created head must not let sealing carry on from a point
    someone wound it back to."""
    if head.mac:
        return hmac.compare_digest(head.mac, head_mac(head))
    return head.last_position == 0 and not AuditSeal.objects.exists()


def _is_sealed() -> Exists:
    return Exists(AuditSeal.objects.filter(entry_seq=OuterRef("seq")))


def _new_scan_from(scan_from: int, full_chunk: list[AuditEntry] | None) -> int:
    """The newest entry older than the margin: any seq below it still
    uncommitted belongs to a transaction open longer than the margin, and
    only a full run looks for those. A full chunk bounds it, since entries
    beyond the chunk were not looked at."""
    older = AuditEntry.objects.filter(seq__gt=scan_from, at__lt=timezone.now() - LATE_COMMIT_MARGIN)
    if full_chunk is not None:
        older = older.filter(seq__lte=full_chunk[-1].seq)
    newest = older.aggregate(newest=Max("seq"))["newest"]
    return scan_from if newest is None else int(newest)


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    AuditChainHead.objects.get_or_create(pk=1)
    return AuditChainHead.objects.select_for_update().get(pk=1)


@dataclass(frozen=True, slots=True)
class Break:
    seq: int
    reason: str


def verify(*, seal_first: bool = True) -> Break | None:
    """Seals what is waiting, then walks the chain; returns the first entry
    that does not fit, or None."""
    if seal_first:
        seal(full=True)
    prev = GENESIS
    expected_position = 1
    for seals in _chunks(AuditSeal.objects.order_by("position"), 2000):
        entries = AuditEntry.objects.in_bulk([s.entry_seq for s in seals])
        for sealed in seals:
            if sealed.position != expected_position:
                return Break(sealed.entry_seq, "the entry sealed before it is missing")
            entry = entries.get(sealed.entry_seq)
            if entry is None:
                return Break(sealed.entry_seq, "entry is missing")
            if not hmac.compare_digest(entry.mac, entry_mac(entry)):
                return Break(entry.seq, "was altered after it was written")
            expected = seal_mac(
                position=sealed.position, entry_seq=entry.seq, entry_mac=entry.mac, prev=prev
            )
            if not hmac.compare_digest(sealed.mac, expected):
                return Break(entry.seq, "does not chain onto the entry before it")
            prev = sealed.mac
            expected_position += 1
    last_position = expected_position - 1
    head = AuditChainHead.objects.filter(pk=1).first()
    head_intact = head is None or (
        hmac.compare_digest(head.mac, head_mac(head))
        and head.last_position == last_position
        and head.last_mac == prev
    )
    if not head_intact or (head is None and last_position > 0):
        last = AuditSeal.objects.filter(position=last_position).first()
        return Break(
            (last.entry_seq if last else 0) + 1, "entries sealed after this point were removed"
        )
    stray = AuditEntry.objects.filter(~_is_sealed()).order_by("seq").first()
    if stray is not None and seal_first:
        return Break(stray.seq, "was not written by Commonroom or was altered before sealing")
    return None


def _chunks[T: models.Model](rows: models.QuerySet[T], size: int) -> Iterator[Sequence[T]]:
    chunk: list[T] = []
    for row in rows.iterator(chunk_size=size):
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
