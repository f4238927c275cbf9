"""The durable event log behind live pages, and the registry of event kinds.

Every real-time event is stored before it is sent: ``append`` writes it in the
caller's transaction with the next position of its stream, and after commit a
hint carrying the event goes to the channel-layer group of the stream. The
channel layer is at-most-once, so a socket that sees a gap, or reconnects,
reads what it missed from here (``read_after``): nothing lost, nothing twice,
in order.

Why positions commit in order: ``append`` bumps ``Stream.last_position`` with an
UPDATE, which holds the stream row's lock until the writer commits. A second
writer of the same stream waits for that lock, so position n+1 can never be
visible before position n. (A database sequence would not do: its values are
handed out at once and can commit in any order.)

Every app registers its event kinds here (``register``, from its AppConfig),
each with an allow-list of keys, so an email, a legal name, a score or a flag
cannot slip into a payload by accident. A kind also names the keys that hold
content its author or a moderator can later take back (a message's text, a
shared check-in): the log is replayed long after it was written, so when that
thing is edited, deleted or hidden, ``withdraw`` strips those keys from every
earlier event about it, in the same transaction as the change. The live page
then learns the current state from the latest event (``message.edited``,
``message.removed``).

Old events are deleted by ``prune`` (``commonroom prune_events``); a cursor
the log can no longer honour gets a ``Resync`` and its client reloads.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.db.models import F, Max

from commonroom.realtime import publisher
from commonroom.realtime.models import Event, Stream

log = logging.getLogger(__name__)

# Set on a payload whose withdrawable content was stripped.
WITHDRAWN = "withdrawn"
BACKLOG_BATCH = 500


class PayloadNotAllowed(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Kind:
    keys: frozenset[str]
    nested: Mapping[str, frozenset[str]] = field(default_factory=dict)
    withdrawable: frozenset[str] = frozenset()


_kinds: dict[str, Kind] = {}


def register(
    kind: str,
    *,
    keys: Iterable[str],
    nested: Mapping[str, Iterable[str]] | None = None,
    withdrawable: Iterable[str] = (),
) -> None:
    """Declares an event kind: the keys its payload may carry, the keys of
    its nested objects, and which keys hold content that can be withdrawn.
    Registering the same kind again with another shape is a programming error."""
    entry = Kind(
        keys=frozenset(keys),
        nested={key: frozenset(inner) for key, inner in (nested or {}).items()},
        withdrawable=frozenset(withdrawable),
    )
    if not entry.withdrawable <= entry.keys or not set(entry.nested) <= entry.keys:
        raise ValueError(f"{kind}: nested and withdrawable keys must be among its keys")
    known = _kinds.get(kind)
    if known is not None and known != entry:
        raise ValueError(f"event kind {kind!r} is already registered with another shape")
    _kinds[kind] = entry


def allowed_keys(kind: str) -> frozenset[str]:
    """Every key a stored event of this kind may carry (``withdrawn``
    included where content can be withdrawn)."""
    entry = _kinds[kind]
    return entry.keys | ({WITHDRAWN} if entry.withdrawable else frozenset())


def registered_kinds() -> frozenset[str]:
    return frozenset(_kinds)


@dataclass(frozen=True, slots=True)
class StoredEvent:
    stream: str
    position: int
    kind: str
    payload: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {
            "type": "event",
            "stream": self.stream,
            "position": self.position,
            "kind": self.kind,
            "payload": self.payload,
        }


def check_payload(kind: str, payload: dict[str, Any]) -> None:
    entry = _kinds.get(kind)
    if entry is None:
        raise PayloadNotAllowed(f"unknown event kind {kind!r}")
    extra = set(payload) - entry.keys
    if extra:
        raise PayloadNotAllowed(f"{kind} may not carry {sorted(extra)}")
    for key, keys in entry.nested.items():
        if key not in payload:
            continue
        value = payload[key]
        if not isinstance(value, dict):
            raise PayloadNotAllowed(f"{kind}.{key} must be an object")
        extra = set(value) - keys
        if extra:
            raise PayloadNotAllowed(f"{kind}.{key} may not carry {sorted(extra)}")


def append(
    stream_key: str, kind: str, payload: dict[str, Any], *, subject: str = ""
) -> StoredEvent:
    """Stores the event at the stream's next position, inside the caller's
    transaction, and sends it to open sockets once that commits. ``subject``
    names what the event is about (``message.42``) when its content can
    later be withdrawn."""
    check_payload(kind, payload)
    with transaction.atomic():
        event = _store(stream_key, kind, payload, subject=subject)
        transaction.on_commit(lambda: publish(event))
    return event


def _store(stream_key: str, kind: str, payload: dict[str, Any], *, subject: str) -> StoredEvent:
    stream, _created = Stream.objects.get_or_create(key=stream_key)
    # The UPDATE takes the row lock; see the module docstring.
    Stream.objects.filter(pk=stream.pk).update(last_position=F("last_position") + 1)
    position = Stream.objects.values_list("last_position", flat=True).get(pk=stream.pk)
    Event.objects.create(
        stream=stream, position=position, kind=kind, payload=payload, subject=subject
    )
    return StoredEvent(stream=stream_key, position=position, kind=kind, payload=payload)


# Every server process's hub listens here for events addressed to people
# (``append_for_people``): one message, whatever the number of recipients.
PEOPLE_GROUP = "events.people"


def append_for_people(user_ids: Iterable[int], kind: str, payload: dict[str, Any]) -> None:
    """A hint for several people's open pages (the facilitator console, help
    requests, breakout rounds): stored on each person's own ``user.<id>``
    stream in the caller's transaction, like any event, and sent after
    commit as one channel-layer message for all of them; each process's hub
    hands it to the open sockets of those people (realtime/fanout.py)."""
    check_payload(kind, payload)
    people = sorted(set(user_ids))
    if not people:
        return
    with transaction.atomic():
        stored = [_store(f"user.{user_id}", kind, payload, subject="") for user_id in people]
        transaction.on_commit(lambda: publish_to_people(stored))


def publish_to_people(stored: list[StoredEvent]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "people.events", "events": [event.as_json() for event in stored]}
    try:
        publisher.group_send(layer, PEOPLE_GROUP, message)
    except Exception:  # the log is the truth; the page refreshes on its next poll
        log.warning("could not publish %d hint(s)", len(stored), exc_info=True)


def withdraw(stream_key: str, subject: str) -> int:
    """Strips the withdrawable content from every stored event about
    ``subject``, in the caller's transaction; returns how many changed.

    Two edits of one message racing on PostgreSQL must not each tombstone
    only what had committed when they began, or the text one replaced stays
    in the other's event. The spaces actions update the message row first,
    which already makes the second wait; the stream row's lock taken here
    (as ``append`` takes it) keeps that true for a caller without such a
    row, and lets each withdrawal see every event committed before it."""
    with transaction.atomic():
        locked = list(
            Stream.objects.select_for_update().filter(key=stream_key).values_list("pk", flat=True)
        )
        if not locked:
            return 0
        changed = []
        for event in Event.objects.filter(stream_id=locked[0], subject=subject).only(
            "pk", "kind", "payload"
        ):
            entry = _kinds.get(event.kind)
            strip = entry.withdrawable & set(event.payload) if entry else frozenset()
            if strip:
                kept = {k: v for k, v in event.payload.items() if k not in strip}
                event.payload = kept | {WITHDRAWN: True}
                changed.append(event)
        Event.objects.bulk_update(changed, ["payload"])
    return len(changed)


def group_name(stream_key: str) -> str:
    return "events." + stream_key


def publish(event: StoredEvent) -> None:
    """One group_send per event, whatever the number of recipients: the
    channel layer fans out, and a lost hint is recovered from the log."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        # From sync code: through one long-lived loop and connection per
        # process, so one PUBLISH per event (see realtime/publisher.py).
        publisher.group_send(
            layer, group_name(event.stream), {"type": "stream.event", "event": event.as_json()}
        )
    except Exception:  # the log is the truth; live delivery degrades to polling
        log.warning("could not publish event %s:%s", event.stream, event.position, exc_info=True)


# --- reading, and cursors the log cannot honour ----------------------------------


class Resync(Exception):
    """The client must reload the state and follow the stream from its head."""

    AHEAD = "ahead"  # past the stream's last position
    PRUNED = "pruned"  # older than the earliest event kept
    TOO_FAR_BEHIND = "too_far_behind"  # more events missed than the server replays

    def __init__(self, reason: str, head: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.head = head


def _bounds(stream_key: str) -> tuple[int, int]:
    row = Stream.objects.filter(key=stream_key).values_list("last_position", "pruned_through")
    found = row.first()
    return (int(found[0]), int(found[1])) if found else (0, 0)


def check_cursor(stream_key: str, position: int) -> None:
    """Raises ``Resync`` for a cursor the log cannot honour."""
    head, pruned = _bounds(stream_key)
    if position > head:
        raise Resync(Resync.AHEAD, head)
    if position < pruned:
        raise Resync(Resync.PRUNED, head)
    if head - position > settings.REALTIME_MAX_BACKLOG:
        raise Resync(Resync.TOO_FAR_BEHIND, head)


def since(stream_key: str, position: int, *, limit: int = BACKLOG_BATCH) -> list[StoredEvent]:
    """Events after ``position``, in order (at most ``limit``; the client asks
    again from the last one it got)."""
    rows = (
        Event.objects.filter(stream__key=stream_key, position__gt=position)
        .order_by("position")
        .values_list("position", "kind", "payload")[:limit]
    )
    return [StoredEvent(stream_key, pos, kind, payload) for pos, kind, payload in rows]


def read_after(stream_key: str, position: int, *, limit: int = BACKLOG_BATCH) -> list[StoredEvent]:
    """``since``, refusing to skip: positions have no gaps, so a batch that
    does not start right after ``position`` means retention deleted what came
    between (after the cursor was checked) and the client must resync."""
    batch = since(stream_key, position, limit=limit)
    if batch and batch[0].position != position + 1:
        raise Resync(Resync.PRUNED, last_position(stream_key))
    return batch


def last_position(stream_key: str) -> int:
    value = Stream.objects.filter(key=stream_key).values_list("last_position", flat=True).first()
    return int(value or 0)


# --- retention --------------------------------------------------------------------


def prune(*, before: dt.datetime) -> int:
    """Deletes the events stored before ``before`` and records, per stream,
    the last position deleted, so a cursor older than that resyncs instead
    of silently skipping. Returns how many events were deleted."""
    deleted = 0
    old = (
        Event.objects.filter(created_at__lt=before)
        .values("stream_id")
        .annotate(through=Max("position"))
        .values_list("stream_id", "through")
    )
    for stream_id, through in list(old):
        with transaction.atomic():
            # Recorded before the rows go, in one transaction: a reader
            # never sees the gap without the mark.
            Stream.objects.filter(pk=stream_id, pruned_through__lt=through).update(
                pruned_through=through
            )
            count, _by_model = Event.objects.filter(
                stream_id=stream_id, position__lte=through
            ).delete()
            deleted += count
    return deleted
